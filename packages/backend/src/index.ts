import { createBackend } from '@backstage/backend-defaults';
import { kubernetesModuleEmbeddedCluster } from '@kars-portal/plugin-kars-backend-module-embedded-cluster';
import { karsPermissionPolicyModule } from './karsPermissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@kars-portal/plugin-catalog-backend-module-kars'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@kars-portal/plugin-scaffolder-backend-module-kars'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(karsPermissionPolicyModule);

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// Notices to sandbox owners from the kars backend (kars.notifications in app-config.yaml).
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@kars-portal/plugin-kars-backend'));
// The kars actions (backend.actions.pluginSources) as MCP tools at /api/mcp-actions/v1.
backend.add(import('@backstage/plugin-mcp-actions-backend'));
// Dev only: clusters of type embedded (app-config.yaml). A production backend leaves this out.
backend.add(import('@kars-portal/plugin-kars-backend-module-embedded-cluster'));

// The Backstage Kubernetes plugin's backend (its tab on sandbox and agent entities), on the clusters
// of `kubernetes.clusterLocatorMethods`. Dev only, left out with the module above: the embedded
// clusters in the Kubernetes plugin too.
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(kubernetesModuleEmbeddedCluster);

backend.start();
