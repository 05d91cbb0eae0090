import { createBackendModule } from '@backstage/backend-plugin-api';
import { karsClusterConnectorsExtensionPoint } from '@kars-portal/plugin-kars-node';
import { createEmbeddedClusterConnector } from './embeddedClusterConnector';
import { embeddedClustersServiceRef } from './embeddedClusters';

/**
 * Adds clusters of type `embedded` to the kars backend: an in-process API emulator with simulated
 * workloads, for the dev portal and tests.
 * @public
 */
export const karsModuleEmbeddedCluster = createBackendModule({
  pluginId: 'kars',
  moduleId: 'embedded-cluster',
  register(reg) {
    reg.registerInit({
      deps: {
        connectors: karsClusterConnectorsExtensionPoint,
        clusters: embeddedClustersServiceRef,
      },
      async init({ connectors, clusters }) {
        connectors.addClusterConnector(
          'embedded',
          createEmbeddedClusterConnector(clusters),
        );
      },
    });
  },
});
