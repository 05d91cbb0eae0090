import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KubeApiError,
  KubeGateway,
  KubeObject,
} from '@kars-portal/plugin-kars-node';
import { LeaderElector } from './LeaderElector';
import {
  leaseView,
  LeaseView,
  memberLeaseName,
  planShards,
  RECONCILER_LEASE_LABEL,
  shardLeaseName,
  shardOfLease,
} from './shards';

interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    renewTime?: string;
  };
}

/**
 * The shards of one cluster that this replica holds, each through a Lease of its own with a
 * LeaderElector on it, rebalanced over the live replicas. A replica counts as live while it renews
 * its member Lease. Once a period it lists the reconciler Leases (one request), then, as
 * planShards says, starts the elections of free shards it lacks and stops (releasing) those above
 * its share; a replica that dies keeps nothing, since its Leases lapse and the others take them.
 * Member Leases that have lapsed are deleted, guarded by their resourceVersion.
 */
export class ShardLeases {
  private readonly member: LeaderElector;
  private readonly electors = new Map<number, LeaderElector>();
  /** Shards whose election is stopping: not planned again until their lease is given up. */
  private readonly releasing = new Set<number>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private ticking?: Promise<void>;

  constructor(
    private readonly gateway: KubeGateway,
    private readonly options: {
      namespace: string;
      identity: string;
      shards: number;
      leaseDurationSeconds?: number;
      /** A shard's lease is held now: its sandboxes are this replica's. */
      onShardGained: (shard: number) => void;
      /** A shard's lease is no longer held (given up, or not renewed in time). */
      onShardLost: (shard: number) => void;
      /** Awaited before a shard's lease is given up: its passes in progress end first. */
      beforeRelease: (shard: number) => Promise<void>;
    },
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(options.shards) || options.shards < 1) {
      throw new Error(
        `the shard count must be a positive integer, not ${options.shards}`,
      );
    }
    this.member = new LeaderElector(
      gateway,
      {
        name: memberLeaseName(options.identity),
        namespace: options.namespace,
        identity: options.identity,
        labels: { [RECONCILER_LEASE_LABEL]: 'member' },
        leaseDurationSeconds: options.leaseDurationSeconds,
        onStartedLeading: () => {},
        onStoppedLeading: () => {},
      },
      logger,
    );
  }

  private get periodMs() {
    return Math.max(
      1000,
      ((this.options.leaseDurationSeconds ?? 15) * 1000) / 3,
    );
  }

  start() {
    this.running = true;
    this.member.start();
    this.ticking = this.tick();
  }

  /** Stops every election, giving up the leases held (each after `beforeRelease`). */
  async stop() {
    this.running = false;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([
      ...[...this.electors.keys()].map(shard => this.release(shard)),
      this.member.stop(),
    ]);
  }

  private async tick() {
    if (!this.running) return;
    try {
      await this.rebalance();
    } catch (error) {
      this.logger.warn(
        `could not rebalance the reconciler shards of ${this.options.identity}: ${error}`,
      );
    }
    if (this.running) {
      this.timer = setTimeout(
        () => (this.ticking = this.tick()),
        this.periodMs,
      );
    }
  }

  private async rebalance() {
    const { items } = await this.gateway.list<Lease>(
      'coordination.k8s.io/v1',
      'Lease',
      {
        namespace: this.options.namespace,
        labelSelector: RECONCILER_LEASE_LABEL,
      },
    );
    const now = this.now();
    const members: string[] = [];
    const leases = new Map<number, LeaseView>();
    const lapsedMembers: Lease[] = [];
    for (const lease of items) {
      const view = leaseView(lease.spec, now);
      const kind = lease.metadata.labels?.[RECONCILER_LEASE_LABEL];
      const shard = shardOfLease(lease.metadata.name);
      if (kind === 'member') {
        if (view.free) lapsedMembers.push(lease);
        else members.push(view.holder);
      } else if (kind === 'shard' && shard !== undefined) {
        leases.set(shard, view);
      }
    }
    const plan = planShards({
      identity: this.options.identity,
      members,
      shards: this.options.shards,
      leases,
      electors: new Map(
        [...this.electors]
          .filter(([shard]) => !this.releasing.has(shard))
          .map(([shard, elector]) => [shard, elector.isLeader]),
      ),
    });
    if (!this.running) return;
    for (const shard of plan.stop) void this.release(shard);
    for (const shard of plan.start) this.acquire(shard);
    await Promise.all(lapsedMembers.map(lease => this.forget(lease)));
  }

  private acquire(shard: number) {
    const elector = new LeaderElector(
      this.gateway,
      {
        name: shardLeaseName(shard),
        namespace: this.options.namespace,
        identity: this.options.identity,
        labels: { [RECONCILER_LEASE_LABEL]: 'shard' },
        leaseDurationSeconds: this.options.leaseDurationSeconds,
        onStartedLeading: () => this.options.onShardGained(shard),
        onStoppedLeading: () => this.options.onShardLost(shard),
        beforeRelease: () => this.options.beforeRelease(shard),
      },
      this.logger,
    );
    this.electors.set(shard, elector);
    elector.start();
  }

  private async release(shard: number) {
    const elector = this.electors.get(shard);
    if (!elector || this.releasing.has(shard)) return;
    this.releasing.add(shard);
    try {
      await elector.stop();
    } finally {
      this.electors.delete(shard);
      this.releasing.delete(shard);
    }
  }

  /** Deletes the member Lease of a replica that stopped renewing it, unless renewed meanwhile. */
  private async forget(lease: Lease) {
    try {
      await this.gateway.delete(
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          name: lease.metadata.name,
          namespace: this.options.namespace,
        },
        {
          preconditions: {
            resourceVersion: String(lease.metadata.resourceVersion),
          },
        },
      );
    } catch (error) {
      if (!(error instanceof KubeApiError && error.statusCode === 409)) {
        this.logger.warn(
          `could not delete lease ${lease.metadata.name}: ${error}`,
        );
      }
    }
  }
}
