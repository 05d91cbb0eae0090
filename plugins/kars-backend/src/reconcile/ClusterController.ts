import os from 'os';
import { randomBytes } from 'crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { PreflightCheck } from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from '../service/ClusterConnection';
import { LeaderElector } from './LeaderElector';
import { checkNoOtherController } from './preflight';
import { Reconciler } from './Reconciler';

/** The Lease that decides which backend replica reconciles a cluster. */
export const RECONCILER_LEASE = 'kars-portal-reconciler';

/**
 * Runs the reconciler of one cluster on the replica that holds the lease, after a preflight that
 * refuses (visibly) a cluster where another kars controller owns the sandboxes.
 */
export class ClusterController {
  private readonly elector: LeaderElector;
  private reconciler?: Reconciler;
  private preflight: PreflightCheck[] = [];
  private resyncTimer?: NodeJS.Timeout;
  private preflightTimer?: NodeJS.Timeout;
  readonly identity: string;

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly logger: LoggerService,
    private readonly options: {
      identity?: string;
      leaseDurationSeconds?: number;
      resyncSeconds?: number;
      preflightSeconds?: number;
      reconcilerOptions?: ConstructorParameters<typeof Reconciler>[2];
    } = {},
  ) {
    this.identity =
      options.identity ??
      `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.elector = new LeaderElector(
      cluster.gateway,
      {
        name: RECONCILER_LEASE,
        namespace: cluster.config.settings.operatorNamespace,
        identity: this.identity,
        leaseDurationSeconds: options.leaseDurationSeconds,
        onStartedLeading: () => void this.lead(),
        onStoppedLeading: () => this.stopReconciling(),
      },
      logger,
    );
  }

  /** Whether this replica reconciles the cluster now. */
  get reconciling() {
    return Boolean(this.reconciler);
  }

  get preflightChecks() {
    return this.preflight;
  }

  start() {
    void this.runPreflight();
    this.elector.start();
  }

  async stop() {
    this.stopReconciling();
    await this.elector.stop();
  }

  /** For tests and the resync timer: resolves when the reconciler has nothing to do. */
  async whenIdle() {
    await this.reconciler?.whenIdle();
  }

  private async lead() {
    const ok = await this.runPreflight();
    if (!ok) {
      this.preflightTimer = setTimeout(
        () => void (this.elector.isLeader && !this.reconciler && this.lead()),
        (this.options.preflightSeconds ?? 60) * 1000,
      );
      return;
    }
    if (!this.elector.isLeader || this.reconciler) return;
    const reconciler = new Reconciler(
      this.cluster,
      this.logger.child({ cluster: this.cluster.name }),
      this.options.reconcilerOptions,
    );
    this.reconciler = reconciler;
    await reconciler.start();
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
    clearTimeout(this.preflightTimer);
    this.reconciler?.stop();
    this.reconciler = undefined;
  }
}
