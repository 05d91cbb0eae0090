import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { KubeGateway } from '../gateway/types';

/**
 * A cluster the kars backend manages sandboxes on, as a supplier found it: its name, how to connect
 * (`type`), and its configuration entry, which the connector of that type and the backend's own
 * settings (DNS, cluster domain, production, ...) read.
 * @public
 */
export interface KarsClusterDetails {
  /** Unique across the fleet; shown in the portal and in catalog annotations. */
  name: string;
  /**
   * Which connector connects to it: `kubeconfig`, `inCluster` and `kubernetes` are built in;
   * a module adds others (`embedded`).
   */
  type: string;
  /** The cluster's configuration entry (under `kars.clusters`). */
  config: Config;
}

/**
 * Finds the clusters the backend manages; read once at startup.
 * @public
 */
export interface KarsClusterSupplier {
  getClusters(options: {
    logger: LoggerService;
  }): Promise<KarsClusterDetails[]>;
}

/**
 * A connected cluster: the API the backend reconciles through, and what else the connector knows.
 * @public
 */
export interface KarsClusterAccess {
  gateway: KubeGateway;
  /** Where the Prometheus query API of the cluster's routers answers, when the connector knows. */
  prometheusUrl?: string;
  /** True when the API server runs inside the backend process (the portal says so). */
  embedded?: boolean;
  /** True when workload signals (availability, token use) are simulated (the portal shows a banner). */
  simulated?: boolean;
  /** Releases what the connector started; called at backend shutdown. */
  stop?(): Promise<void>;
}

/**
 * Connects to clusters of one `type`.
 * @public
 */
export interface KarsClusterConnector {
  connect(
    cluster: KarsClusterDetails,
    options: { logger: LoggerService },
  ): Promise<KarsClusterAccess>;
}
