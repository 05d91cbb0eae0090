import {
  KARS_API_GROUP_VERSION,
  KARS_SANDBOX_KIND,
} from '@kars-portal/plugin-kars-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConfig } from '../config/readKarsConfig';
import { Informer } from '../kube/Informer';
import { podTransform, sandboxTransform } from '../kube/transforms';
import { OWNED_SELECTOR } from '../kube/sandboxPods';
import { KarsSandboxObject } from './sandboxObject';
import { UsageReader } from './usage';
import {
  KarsClusterAccess,
  KubeGateway,
  KubeObject,
} from '@kars-portal/plugin-kars-node';

/**
 * A cluster the backend works with: its settings, its API, its sandbox cache (without
 * managedFields) and its cache of the sandboxes' pods.
 */
export class ClusterConnection {
  readonly sandboxes: Informer<KarsSandboxObject>;
  /**
   * The sandboxes' pods (they carry the Deployment's managed-by label), kept as
   * {@link podTransform} says: what the reconciler's phase and the channel check read of them.
   * Started by whichever of the two needs it first, and kept while the connection lasts, so a
   * replica that gains a shard again does not list every pod again.
   */
  readonly pods: Informer<KubeObject>;
  /** Token use of this cluster's sandboxes, from its Prometheus query API. */
  readonly usage: UsageReader;
  readonly gateway: KubeGateway;
  /** Where the Prometheus query API of this cluster answers, if anywhere. */
  readonly prometheusUrl?: string;

  constructor(
    readonly config: ClusterConfig,
    private readonly access: KarsClusterAccess,
    logger: LoggerService,
  ) {
    const gateway = access.gateway;
    this.gateway = gateway;
    this.prometheusUrl = access.prometheusUrl ?? config.prometheusUrl;
    this.sandboxes = new Informer<KarsSandboxObject>(
      gateway,
      {
        apiVersion: KARS_API_GROUP_VERSION,
        kind: KARS_SANDBOX_KIND,
        namespace: config.settings.operatorNamespace,
        transform: sandboxTransform,
      },
      logger.child({ cluster: config.settings.name }),
    );
    this.pods = new Informer(
      gateway,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        labelSelector: OWNED_SELECTOR,
        transform: podTransform,
      },
      logger.child({ cluster: config.settings.name }),
    );
    this.usage = new UsageReader(this.prometheusUrl, logger, {
      // The credentials are for the configured Prometheus, never for one a module supplies.
      headers: access.prometheusUrl ? undefined : config.prometheusHeaders,
    });
  }

  get name() {
    return this.config.settings.name;
  }

  /** Whether the API server runs inside the backend process. */
  get embedded() {
    return this.access.embedded ?? false;
  }

  /** Whether workload signals (availability, token use) are simulated. */
  get simulated() {
    return this.access.simulated ?? false;
  }

  async stop() {
    this.sandboxes.stop();
    this.pods.stop();
    await this.access.stop?.();
  }
}
