import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KubeApiError,
  KubeGateway,
  KubeObject,
} from '@kars-portal/plugin-kars-node';

interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** A Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Leader election over a coordination.k8s.io Lease, as client-go does it: the holder renews the
 * lease; another candidate takes it over once it has not been renewed for its duration. Every write
 * carries the resourceVersion it read, so two candidates cannot both win. A holder that cannot renew
 * steps down once its renew deadline (shorter than the lease) has passed since the last renewal it
 * wrote, so it stops reconciling before any other candidate may take the lease over. One elector
 * runs per Lease: the single reconciler of a cluster, each shard of a sharded one, each replica's
 * membership.
 */
export class LeaderElector {
  private timer?: NodeJS.Timeout;
  private deadlineTimer?: NodeJS.Timeout;
  private leading = false;
  /** This elector's last write made it the holder, and its renew deadline has not passed. */
  private holding = false;
  /** stop() has begun: the lease is still renewed while held, but never led again. */
  private stopping = false;
  private running = false;
  /** The acquire-or-renew in flight, which stop() waits for before it gives the lease up. */
  private ticking?: Promise<void>;

  constructor(
    private readonly gateway: KubeGateway,
    private readonly options: {
      name: string;
      namespace: string;
      identity: string;
      /** Labels of the Lease when this elector creates it. */
      labels?: Record<string, string>;
      leaseDurationSeconds?: number;
      /** Default: two thirds of the lease duration (client-go: 10 s of 15 s). */
      renewDeadlineSeconds?: number;
      retryPeriodMs?: number;
      onStartedLeading: () => void;
      onStoppedLeading: () => void;
      /**
       * Awaited when stop() gives up the lease it leads, after onStoppedLeading and before the
       * lease is released; the lease is still renewed meanwhile, so the work done under it ends
       * before another candidate may take it.
       */
      beforeRelease?: () => Promise<void>;
    },
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
  ) {
    const deadline = options.renewDeadlineSeconds ?? (this.duration * 2) / 3;
    if (deadline >= this.duration) {
      throw new Error(
        `renewDeadlineSeconds (${deadline}) must be shorter than leaseDurationSeconds (${this.duration})`,
      );
    }
    this.renewDeadlineMs = deadline * 1000;
  }

  private readonly renewDeadlineMs: number;

  get isLeader() {
    return this.leading;
  }

  start() {
    this.running = true;
    this.stopping = false;
    this.ticking = this.tick();
  }

  /**
   * Stops; a leader stops leading, keeps renewing the lease until `beforeRelease` resolves, then
   * gives it up so another candidate takes over at once. An acquisition in flight is waited for,
   * and a lease won by it is given up too, never led.
   */
  async stop() {
    this.stopping = true;
    if (this.leading) {
      this.setLeading(false);
      await this.options.beforeRelease?.();
    }
    this.running = false;
    clearTimeout(this.timer);
    await this.ticking;
    clearTimeout(this.deadlineTimer);
    if (this.holding) {
      this.holding = false;
      try {
        const lease = await this.read();
        if (lease?.spec?.holderIdentity === this.options.identity) {
          await this.gateway.replace({
            ...lease,
            spec: {
              ...lease.spec,
              holderIdentity: '',
              leaseDurationSeconds: 1,
            },
          });
        }
      } catch (error) {
        this.logger.warn(
          `could not release lease ${this.options.name}: ${error}`,
        );
      }
    }
  }

  private get duration() {
    return this.options.leaseDurationSeconds ?? 15;
  }

  /**
   * Records a renewal sent at `sentAt` (performance.now()), arms the renew deadline and leads
   * unless stopping: every renewal re-arms it, so when it fires no renewal has succeeded within
   * the deadline.
   */
  private renewed(sentAt: number) {
    this.holding = true;
    if (!this.stopping) this.setLeading(true);
    clearTimeout(this.deadlineTimer);
    const deadline = this.renewDeadlineMs;
    this.deadlineTimer = setTimeout(() => {
      if (!this.holding) return;
      this.holding = false;
      this.logger.warn(
        `${this.options.identity} could not renew lease ${
          this.options.name
        } within ${deadline / 1000}s; stepping down`,
      );
      this.setLeading(false);
    }, Math.max(0, sentAt + deadline - performance.now()));
  }

  private read() {
    return this.gateway.get<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      name: this.options.name,
      namespace: this.options.namespace,
    });
  }

  private setLeading(leading: boolean) {
    if (leading === this.leading) return;
    this.leading = leading;
    this.logger.info(
      `${this.options.identity} ${
        leading ? 'holds' : 'no longer holds'
      } lease ${this.options.namespace}/${this.options.name}`,
    );
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private async tick() {
    if (!this.running) return;
    try {
      await this.tryAcquireOrRenew();
    } catch (error) {
      if (!(error instanceof KubeApiError && error.statusCode === 409)) {
        this.logger.warn(`lease ${this.options.name}: ${error}`);
      }
    }
    if (this.running) {
      this.timer = setTimeout(
        () => (this.ticking = this.tick()),
        this.options.retryPeriodMs ??
          Math.max(1000, (this.duration * 1000) / 3),
      );
    }
  }

  private async tryAcquireOrRenew() {
    const sentAt = performance.now();
    const now = this.now();
    const spec = {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: this.duration,
      renewTime: microTime(now),
    };
    const lease = await this.read();
    if (!lease) {
      await this.gateway.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: this.options.name,
          namespace: this.options.namespace,
          labels: this.options.labels,
        },
        spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
      });
      this.renewed(sentAt);
      return;
    }
    const holder = lease.spec?.holderIdentity;
    const renewed = Date.parse(lease.spec?.renewTime ?? '') || 0;
    const expired =
      !holder ||
      now.getTime() - renewed >
        (lease.spec?.leaseDurationSeconds ?? this.duration) * 1000;
    if (holder === this.options.identity) {
      await this.gateway.replace({
        ...lease,
        spec: { ...lease.spec, ...spec },
      });
      this.renewed(sentAt);
    } else if (expired) {
      await this.gateway.replace({
        ...lease,
        spec: {
          ...spec,
          acquireTime: microTime(now),
          leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + 1,
        },
      });
      this.renewed(sentAt);
    } else {
      this.holding = false;
      this.setLeading(false);
    }
  }
}
