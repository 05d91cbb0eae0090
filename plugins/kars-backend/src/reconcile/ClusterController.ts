import os from 'os';
import { randomBytes } from 'crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { PreflightCheck } from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from '../service/ClusterConnection';
import { checkNoOtherController } from './preflight';
import { Reconciler } from './Reconciler';
import { ShardLeases } from './ShardLeases';
import { shardOf } from './shards';

/** How many shards the sandboxes of a cluster fall into unless configured. */
export const DEFAULT_SHARDS = 16;

/** How long the sandboxes of a gained shard wait to be queued, with those of others gained meanwhile. */
const ENQUEUE_DELAY_MS = 200;

/** One reconcile pass of a sandbox, timed in epoch milliseconds. */
interface Pass {
  name: string;
  start: number;
  end: number;
  failed: boolean;
}

/**
 * A Reconciler that reports each pass of a sandbox this replica owns when it ends, and keeps the
 * passes in progress in `inProgress` (a shard is given up only once its passes have ended).
 */
class ReportingReconciler extends Reconciler {
  constructor(
    cluster: ClusterConnection,
    logger: LoggerService,
    options: ConstructorParameters<typeof Reconciler>[2],
    private readonly ownsNow: (name: string) => boolean,
    private readonly inProgress: Map<string, Promise<unknown>>,
    private readonly onPass: (pass: Pass) => void,
  ) {
    super(cluster, logger, { ...options, owns: ownsNow });
  }

  override async reconcile(name: string) {
    if (!this.ownsNow(name)) return super.reconcile(name);
    const start = Date.now();
    const pass = super.reconcile(name);
    const failed = pass.then(
      () => false,
      () => true,
    );
    this.inProgress.set(name, failed);
    try {
      return await pass;
    } finally {
      if (this.inProgress.get(name) === failed) this.inProgress.delete(name);
      this.onPass({ name, start, end: Date.now(), failed: await failed });
    }
  }
}

/**
 * Runs the reconciler of one cluster on this replica for the shards it holds, after a preflight
 * that refuses (visibly) a cluster where another kars controller owns the sandboxes. A sandbox
 * falls into a shard by its name; each shard is held by one replica at a time through a Lease
 * (ShardLeases), so the replicas share the work and never reconcile one sandbox at once.
 */
export class ClusterController {
  private readonly leases: ShardLeases;
  private readonly shards: number;
  /** The shards whose sandboxes this replica reconciles now. */
  private readonly held = new Set<number>();
  private reconciler?: ReportingReconciler;
  private preflight: PreflightCheck[] = [];
  private resyncTimer?: NodeJS.Timeout;
  private preflightTimer?: NodeJS.Timeout;
  private enqueueTimer?: NodeJS.Timeout;
  /** Shards gained since their sandboxes were last queued. */
  private readonly gainedShards = new Set<number>();
  /** The passes in progress, by sandbox name. */
  private readonly inProgress = new Map<string, Promise<unknown>>();
  readonly identity: string;

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly logger: LoggerService,
    private readonly options: {
      identity?: string;
      /** Shards of the cluster's sandboxes (default 16); every replica must use the same count. */
      shards?: number;
      leaseDurationSeconds?: number;
      resyncSeconds?: number;
      preflightSeconds?: number;
      reconcilerOptions?: ConstructorParameters<typeof Reconciler>[2];
    } = {},
  ) {
    this.identity =
      options.identity ??
      `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.shards = options.shards ?? DEFAULT_SHARDS;
    this.leases = new ShardLeases(
      cluster.gateway,
      {
        namespace: cluster.config.settings.operatorNamespace,
        identity: this.identity,
        shards: this.shards,
        leaseDurationSeconds: options.leaseDurationSeconds,
        onShardGained: shard => this.gained(shard),
        onShardLost: shard => this.lost(shard),
        beforeRelease: shard => this.passesEnded(shard),
      },
      logger,
    );
  }

  /** Whether this replica reconciles some of the cluster's sandboxes now. */
  get reconciling() {
    return Boolean(this.reconciler);
  }

  get preflightChecks() {
    return this.preflight;
  }

  start() {
    void this.runPreflight();
    this.leases.start();
  }

  async stop() {
    await this.leases.stop();
    this.stopReconciling();
  }

  /** For tests and the resync timer: resolves when the reconciler has nothing to do. */
  async whenIdle() {
    await this.reconciler?.whenIdle();
  }

  private owns(name: string) {
    return this.held.has(shardOf(name, this.shards));
  }

  /**
   * Takes a shard on: its sandboxes are queued, not the other shards' (shards gained within a
   * moment of each other, as when a replica's are taken over, are queued together).
   */
  private gained(shard: number) {
    this.held.add(shard);
    if (!this.reconciler) {
      void this.lead();
      return;
    }
    this.gainedShards.add(shard);
    this.enqueueTimer ??= setTimeout(() => {
      this.enqueueTimer = undefined;
      const gained = new Set(this.gainedShards);
      this.gainedShards.clear();
      this.reconciler?.enqueueAll(name =>
        gained.has(shardOf(name, this.shards)),
      );
    }, ENQUEUE_DELAY_MS);
  }

  private lost(shard: number) {
    this.held.delete(shard);
    if (this.held.size === 0) this.stopReconciling();
  }

  /** Resolves when no pass of a sandbox of the shard is in progress. */
  private async passesEnded(shard: number) {
    const passes = [...this.inProgress]
      .filter(([name]) => shardOf(name, this.shards) === shard)
      .map(([, pass]) => pass);
    await Promise.all(passes);
  }

  private async lead() {
    const ok = await this.runPreflight();
    if (!ok) {
      clearTimeout(this.preflightTimer);
      this.preflightTimer = setTimeout(
        () => void (this.held.size && !this.reconciler && this.lead()),
        (this.options.preflightSeconds ?? 60) * 1000,
      );
      return;
    }
    if (this.held.size === 0 || this.reconciler) return;
    const reconciler = new ReportingReconciler(
      this.cluster,
      this.logger.child({ cluster: this.cluster.name }),
      this.options.reconcilerOptions,
      name => this.owns(name),
      this.inProgress,
      pass => {
        this.logger.debug(
          `reconcile pass of ${pass.name} ${
            pass.failed ? 'failed' : 'done'
          } in ${pass.end - pass.start} ms`,
          {
            sandbox: pass.name,
            shard: shardOf(pass.name, this.shards),
            replica: this.identity,
            start: pass.start,
            end: pass.end,
          },
        );
      },
    );
    this.reconciler = reconciler;
    await reconciler.start();
    if (this.reconciler !== reconciler) return;
    this.resyncTimer = setInterval(
      () => reconciler.enqueueAll(),
      (this.options.resyncSeconds ?? 300) * 1000,
    );
  }

  private async runPreflight(): Promise<boolean> {
    try {
      const check = await checkNoOtherController(
        this.cluster.gateway,
        this.cluster.config.settings.operatorNamespace,
      );
      this.preflight = [check];
      if (!check.ok) {
        this.logger.error(`cluster ${this.cluster.name}: ${check.message}`);
      }
      return check.ok;
    } catch (error) {
      this.preflight = [
        {
          name: 'no-other-kars-controller',
          ok: false,
          message: `could not check the cluster: ${
            error instanceof Error ? error.message : error
          }`,
        },
      ];
      return false;
    }
  }

  private stopReconciling() {
    clearInterval(this.resyncTimer);
    clearTimeout(this.enqueueTimer);
    this.enqueueTimer = undefined;
    this.gainedShards.clear();
    clearTimeout(this.preflightTimer);
    this.reconciler?.stop();
    this.reconciler = undefined;
  }
}
