import fs from 'fs';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import {
  ClientNodeGateway,
  KarsClusterConnector,
} from '@kars-portal/plugin-kars-node';

const AUTH_PROVIDER_KEY = 'kubernetes.io/auth-provider';
const IN_CLUSTER_TOKEN_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The Backstage kubernetes plugin's cluster of that name (`kubernetes.clusterLocatorMethods`, type config). */
function findKubernetesCluster(root: Config, name: string): Config | undefined {
  for (const method of root.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  ) ?? []) {
    if (method.getString('type') !== 'config') continue;
    const found = (method.getOptionalConfigArray('clusters') ?? []).find(
      c => c.getString('name') === name,
    );
    if (found) return found;
  }
  return undefined;
}

/**
 * Type `kubernetes`: a cluster already configured for the Backstage kubernetes plugin, named by
 * `kubernetesCluster` (default: the same name), with its `url`, CA (`caData` or `caFile`),
 * `skipTLSVerify` and the `serviceAccount` auth provider (a `serviceAccountToken`, or the pod's own
 * token when none is given). Other auth providers need a connector of their own.
 */
export function kubernetesConnector(root: Config): KarsClusterConnector {
  return {
    async connect({ name, config }) {
      const ref = config.getOptionalString('kubernetesCluster') ?? name;
      const where = `kars.clusters[${name}]`;
      const cluster = findKubernetesCluster(root, ref);
      if (!cluster) {
        throw new Error(
          `${where} refers to kubernetes cluster ${ref}, which no kubernetes.clusterLocatorMethods entry of type config lists`,
        );
      }
      const authMetadata = (cluster.getOptional('authMetadata') ??
        {}) as Record<string, unknown>;
      const authProvider =
        authMetadata[AUTH_PROVIDER_KEY] ??
        cluster.getOptionalString('authProvider');
      if (authProvider !== 'serviceAccount') {
        throw new Error(
          `${where}: kubernetes cluster ${ref} uses auth provider ${authProvider}; kars connects with serviceAccount only. Use type kubeconfig, or add a connector for it through karsClusterConnectorsExtensionPoint`,
        );
      }
      const token =
        (authMetadata.serviceAccountToken as string | undefined) ??
        cluster.getOptionalString('serviceAccountToken') ??
        fs.readFileSync(IN_CLUSTER_TOKEN_FILE, 'utf8').trim();
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [
          {
            name: ref,
            server: cluster.getString('url'),
            caData: cluster.getOptionalString('caData'),
            caFile: cluster.getOptionalString('caFile'),
            skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
          },
        ],
        users: [{ name: 'kars', token }],
        contexts: [{ name: ref, cluster: ref, user: 'kars' }],
        currentContext: ref,
      });
      return { gateway: new ClientNodeGateway(kubeConfig) };
    },
  };
}
