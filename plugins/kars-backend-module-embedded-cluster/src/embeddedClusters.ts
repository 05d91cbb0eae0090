import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';

/** A running embedded cluster: its kars cluster name and its admin connection (in-process only). */
export interface EmbeddedCluster {
  name: string;
  /** The emulator's admin kubeconfig (HTTPS server, CA data, a system:masters token). */
  kubeConfig: KubeConfig;
}

/**
 * The embedded clusters running in this backend, shared between the kars module that starts them
 * and the Kubernetes plugin's module that shows them: their URLs, CAs and tokens are only known once
 * they run.
 */
export interface EmbeddedClusters {
  add(cluster: EmbeddedCluster): void;
  remove(name: string): void;
  list(): EmbeddedCluster[];
}

class EmbeddedClusterRegistry implements EmbeddedClusters {
  private readonly clusters = new Map<string, EmbeddedCluster>();

  add(cluster: EmbeddedCluster) {
    this.clusters.set(cluster.name, cluster);
  }

  remove(name: string) {
    this.clusters.delete(name);
  }

  list() {
    return [...this.clusters.values()];
  }
}

/** Root-scoped: one registry for the whole backend, whichever plugins' modules use it. */
export const embeddedClustersServiceRef = createServiceRef<EmbeddedClusters>({
  id: 'kars.embedded-clusters',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => new EmbeddedClusterRegistry(),
    }),
});
