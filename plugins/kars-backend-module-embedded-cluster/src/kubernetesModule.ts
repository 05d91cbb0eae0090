import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { kubernetesClusterSupplierExtensionPoint } from '@backstage/plugin-kubernetes-node';
import { embeddedClustersServiceRef } from './embeddedClusters';
import {
  CombinedClustersSupplier,
  EmbeddedClustersSupplier,
} from './embeddedClustersSupplier';

/**
 * Shows the kars embedded clusters in the Backstage Kubernetes plugin, under their kars cluster
 * names, beside the clusters of `kubernetes.clusterLocatorMethods` (when configured): their URL, CA
 * and token exist only once the kars module has started them.
 * @public
 */
export const kubernetesModuleEmbeddedCluster = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'kars-embedded-cluster',
  register(reg) {
    reg.registerInit({
      deps: {
        suppliers: kubernetesClusterSupplierExtensionPoint,
        clusters: embeddedClustersServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ suppliers, clusters, config, logger }) {
        const embedded = new EmbeddedClustersSupplier(clusters, logger);
        suppliers.addClusterSupplier(async ({ getDefault }) =>
          config.has('kubernetes.clusterLocatorMethods')
            ? new CombinedClustersSupplier([await getDefault(), embedded])
            : embedded,
        );
      },
    });
  },
});
