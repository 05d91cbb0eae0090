import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NODE_POOLS, NodePool } from '@kars-portal/workload-simulator';
import {
  ClientNodeGateway,
  KarsClusterConnector,
} from '@kars-portal/plugin-kars-node';
import { loopbackKubeConfig } from './embeddedCluster';
import { startEmbeddedClusterThread } from './embeddedClusterThread';
import { EmbeddedClusters } from './embeddedClusters';

type ClusterConfig = Parameters<KarsClusterConnector['connect']>[0]['config'];

/** Nodes per pool at most: each node's pods get a /24 of 10.244.0.0/16, 256 in all. */
const MAX_NODES_PER_POOL = 120;

/** The simulator's node pools as `embedded.nodes` sizes them (the simulator's defaults else). Pure. */
export function nodePoolsOf(config: ClusterConfig): NodePool[] {
  const nodes = config.getOptionalConfig('embedded.nodes');
  if (!nodes) return DEFAULT_NODE_POOLS;
  const perPool = nodes.getOptionalNumber('perPool');
  if (
    perPool !== undefined &&
    !(
      Number.isInteger(perPool) &&
      perPool >= 1 &&
      perPool <= MAX_NODES_PER_POOL
    )
  ) {
    throw new Error(
      `embedded.nodes.perPool must be a whole number from 1 to ${MAX_NODES_PER_POOL}`,
    );
  }
  return DEFAULT_NODE_POOLS.map(pool => ({
    ...pool,
    nodes: perPool ?? pool.nodes,
    capacity: {
      cpu: nodes.getOptionalString('cpu') ?? pool.capacity.cpu,
      memory: nodes.getOptionalString('memory') ?? pool.capacity.memory,
      pods: nodes.getOptionalString('pods') ?? pool.capacity.pods,
    },
  }));
}

/**
 * Type `embedded`: the Kubernetes API emulator with the kars CRDs, the bootstrap manifests
 * (`embedded.bootstrapManifests`) and the workload simulator (embeddedCluster.ts), in a thread of
 * their own (embeddedClusterThread.ts); the backend reaches it over loopback HTTP. Refused for a
 * production cluster. Each running cluster is in `clusters` (for the Kubernetes plugin) until it
 * stops.
 */
export const createEmbeddedClusterConnector = (
  clusters: EmbeddedClusters,
): KarsClusterConnector => ({
  async connect({ name, config }, { logger }) {
    if (config.getOptionalBoolean('production')) {
      throw new Error(
        `kars.clusters[${name}]: an embedded cluster cannot be a production cluster`,
      );
    }
    const kubeconfigFile = config.getOptionalString('embedded.kubeconfigFile');
    const cluster = await startEmbeddedClusterThread(
      {
        stateFile: config.getOptionalString('embedded.stateFile'),
        kubeconfigFile,
        bootstrapManifests: config.getOptionalString(
          'embedded.bootstrapManifests',
        ),
        nodePools: nodePoolsOf(config),
        readyDelayMs: config.getOptionalNumber('embedded.readyDelayMs') ?? 3000,
        gatewayPort: config.getOptionalNumber('embedded.gatewayPort') ?? 0,
      },
      error =>
        logger.error(`embedded cluster ${name} stopped: ${error.message}`),
    );
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(cluster.kubeconfigYaml);
    clusters.add({ name, kubeConfig });
    logger.info(
      `embedded cluster ${name} at ${cluster.url} (kubeconfig ${cluster.kubeconfigPath}); simulated Prometheus at ${cluster.prometheusUrl}; simulated A2A gateway at ${cluster.gatewayUrl}`,
    );
    return {
      gateway: new ClientNodeGateway(
        loopbackKubeConfig(kubeConfig, cluster.url),
      ),
      prometheusUrl: cluster.prometheusUrl,
      embedded: true,
      simulated: true,
      async stop() {
        clusters.remove(name);
        await cluster.stop();
      },
    };
  },
});
