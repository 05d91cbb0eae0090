import { LoggerService } from '@backstage/backend-plugin-api';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { CoreV1Api } from '@kubernetes/client-node';
import { KARS_SYSTEM_NAMESPACE } from '@kars-portal/plugin-kars-common';
import { EmbeddedCluster, EmbeddedClusters } from './embeddedClusters';

/** The Kubernetes plugin's read-only ServiceAccount (deploy/45-rbac-kubernetes-plugin.yaml). */
export const KUBERNETES_PLUGIN_SERVICE_ACCOUNT = {
  namespace: KARS_SYSTEM_NAMESPACE,
  name: 'kars-kubernetes-plugin',
} as const;

const TOKEN_SECONDS = 3600;
/** A token is renewed once less than this is left of it. */
const RENEW_BEFORE_MS = 10 * 60_000;

interface IssuedToken {
  kubeConfig: EmbeddedCluster['kubeConfig'];
  token: Promise<string>;
  renewAt: number;
}

/**
 * The running embedded clusters as the Kubernetes plugin sees them: the emulator's HTTPS URL and CA,
 * and a bound token of the plugin's own ServiceAccount (never the emulator's admin token), issued
 * through TokenRequest and renewed before it expires. The emulator serves no metrics API, so the
 * metrics lookup is skipped. A cluster whose token cannot be issued (deploy/ not bootstrapped) is
 * left out and logged.
 */
export class EmbeddedClustersSupplier implements KubernetesClustersSupplier {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clusters: EmbeddedClusters,
    private readonly logger: LoggerService,
  ) {}

  async getClusters(): Promise<ClusterDetails[]> {
    const details = await Promise.all(
      this.clusters.list().map(async cluster => {
        const server = cluster.kubeConfig.getCurrentCluster();
        if (!server) return undefined;
        try {
          const token = await this.token(cluster);
          const clusterDetails: ClusterDetails = {
            name: cluster.name,
            url: server.server,
            caData: server.caData,
            skipMetricsLookup: true,
            authMetadata: {
              [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: 'serviceAccount',
              serviceAccountToken: token,
            },
          };
          return clusterDetails;
        } catch (error) {
          const { namespace, name } = KUBERNETES_PLUGIN_SERVICE_ACCOUNT;
          this.logger.error(
            `embedded cluster ${cluster.name}: no token for the ServiceAccount ${namespace}/${name} (is deploy/ its bootstrapManifests?): ${error}`,
          );
          return undefined;
        }
      }),
    );
    return details.filter((d): d is ClusterDetails => d !== undefined);
  }

  private token(cluster: EmbeddedCluster): Promise<string> {
    const issued = this.tokens.get(cluster.name);
    if (
      issued &&
      issued.kubeConfig === cluster.kubeConfig &&
      issued.renewAt > Date.now()
    ) {
      return issued.token;
    }
    const renewAt = Date.now() + TOKEN_SECONDS * 1000 - RENEW_BEFORE_MS;
    const token = cluster.kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespacedServiceAccountToken({
        ...KUBERNETES_PLUGIN_SERVICE_ACCOUNT,
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { audiences: [], expirationSeconds: TOKEN_SECONDS },
        },
      })
      .then(response => {
        if (!response.status?.token) {
          throw new Error('the TokenRequest returned no token');
        }
        return response.status.token;
      });
    const entry = { kubeConfig: cluster.kubeConfig, token, renewAt };
    this.tokens.set(cluster.name, entry);
    token.catch(() => {
      if (this.tokens.get(cluster.name) === entry) {
        this.tokens.delete(cluster.name);
      }
    });
    return token;
  }
}

/** The clusters of several suppliers, in order. */
export class CombinedClustersSupplier implements KubernetesClustersSupplier {
  constructor(private readonly suppliers: KubernetesClustersSupplier[]) {}

  async getClusters(
    options: Parameters<KubernetesClustersSupplier['getClusters']>[0],
  ): Promise<ClusterDetails[]> {
    const lists = await Promise.all(
      this.suppliers.map(s => s.getClusters(options)),
    );
    return lists.flat();
  }
}
