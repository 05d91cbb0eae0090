import {
  KARS_API_GROUP_VERSION,
  KARS_SANDBOX_KIND,
} from '@kars-portal/plugin-kars-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConfig } from '../config/readKarsConfig';
import { Informer } from '../kube/Informer';
import { KubeGateway } from '../kube/types';
import { KarsSandboxObject } from './sandboxObject';
import { UsageReader } from './usage';

/** A cluster the backend works with: its settings, its API and its sandbox cache. */
export class ClusterConnection {
  readonly sandboxes: Informer<KarsSandboxObject>;
  /** Token use of this cluster's sandboxes, from its Prometheus query API. */
  readonly usage: UsageReader;

  constructor(
    readonly config: ClusterConfig,
    readonly gateway: KubeGateway,
    logger: LoggerService,
    /** Where the Prometheus query API of this cluster answers, if anywhere. */
    readonly prometheusUrl?: string,
    private readonly onStop: () => Promise<void> = async () => {},
  ) {
    this.sandboxes = new Informer<KarsSandboxObject>(
      gateway,
      {
        apiVersion: KARS_API_GROUP_VERSION,
        kind: KARS_SANDBOX_KIND,
        namespace: config.settings.operatorNamespace,
      },
      logger.child({ cluster: config.settings.name }),
    );
    this.usage = new UsageReader(prometheusUrl, logger);
  }

  get name() {
    return this.config.settings.name;
  }

  get embedded() {
    return this.config.type === 'embedded';
  }

  /** Whether workload signals (availability, token use) come from the simulator. */
  get simulated() {
    return this.config.type === 'embedded';
  }

  async stop() {
    this.sandboxes.stop();
    await this.onStop();
  }
}
