import fs from 'fs';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  DEFAULT_NODE_POOLS,
  NodePool,
  startWorkloadSimulator,
  WorkloadSimulator,
} from '@kars-portal/workload-simulator';
import {
  buildInferencePolicyCrd,
  buildKarsSandboxCrd,
} from '@kars-portal/plugin-kars-common';
import {
  applyManifests,
  ClientNodeGateway,
  KarsClusterConnector,
  readManifests,
} from '@kars-portal/plugin-kars-node';
import { buildCertificateCrd } from './certificateCrd';
import { EmbeddedClusters } from './embeddedClusters';

/**
 * The kubeconfig of the emulator's plain-HTTP address: the backend and the simulator run in the
 * emulator's process and reach it over loopback, where TLS would only spend the one event loop's
 * time on both ends. The admin token still goes with every request; client-node takes an http://
 * server only with TLS verification off (there is no TLS to verify). Pure.
 */
export function loopbackKubeConfig(tls: KubeConfig, httpUrl: string) {
  const [cluster] = tls.getClusters();
  const loopback = new KubeConfig();
  loopback.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: httpUrl,
        skipTLSVerify: true,
      },
    ],
    users: tls.getUsers(),
    contexts: tls.getContexts(),
    currentContext: tls.getCurrentContext(),
  });
  return loopback;
}

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
 * Type `embedded`: starts the Kubernetes API emulator in-process with the kars CRDs and
 * cert-manager's Certificate ({@link buildCertificateCrd}), applies the
 * bootstrap manifests (`embedded.bootstrapManifests`, CRDs excepted: they come from kars-common),
 * and runs the workload simulator beside it; both reach it over loopback HTTP. Refused for a production cluster. Each running cluster
 * is in `clusters` (for the Kubernetes plugin) until it stops.
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
    let simulator: WorkloadSimulator | undefined;
    const emulator = await startKubeEmulator({
      port: 0,
      stateFile: config.getOptionalString('embedded.stateFile'),
      // pods/log: the simulated containers' logs (before the simulator runs: no kubelet, 204).
      podLogs: request =>
        simulator
          ? simulator.podLogs(request)
          : Promise.resolve(void request.res.writeHead(204).end()),
      crds: [
        buildKarsSandboxCrd(),
        buildInferencePolicyCrd(),
        buildCertificateCrd(),
      ],
    });
    try {
      const kubeconfigFile = config.getOptionalString(
        'embedded.kubeconfigFile',
      );
      if (kubeconfigFile) {
        fs.mkdirSync(path.dirname(kubeconfigFile), { recursive: true });
        fs.writeFileSync(kubeconfigFile, emulator.kubeconfigYaml, {
          mode: 0o600,
        });
      }
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(emulator.kubeconfigYaml);
      const loopback = loopbackKubeConfig(kubeConfig, emulator.url);
      const gateway = new ClientNodeGateway(loopback);
      const bootstrap = config.getOptionalString('embedded.bootstrapManifests');
      if (bootstrap) {
        await applyManifests(
          gateway,
          readManifests(bootstrap).filter(
            o => o.kind !== 'CustomResourceDefinition',
          ),
          'kars-portal-bootstrap',
        );
      }
      const running = await startWorkloadSimulator({
        kubeConfig: loopback,
        nodePools: nodePoolsOf(config),
        readyDelayMs: config.getOptionalNumber('embedded.readyDelayMs') ?? 3000,
        prometheusPort: 0,
        gatewayPort: config.getOptionalNumber('embedded.gatewayPort') ?? 0,
      });
      simulator = running;
      clusters.add({ name, kubeConfig });
      logger.info(
        `embedded cluster ${name} at ${emulator.url} (kubeconfig ${
          kubeconfigFile ?? emulator.kubeconfigPath
        }); simulated Prometheus at ${
          running.prometheusUrl
        }; simulated A2A gateway at ${running.gatewayUrl}`,
      );
      return {
        gateway,
        prometheusUrl: running.prometheusUrl,
        embedded: true,
        simulated: true,
        async stop() {
          clusters.remove(name);
          await running.stop();
          await emulator.stop();
        },
      };
    } catch (error) {
      await emulator.stop();
      throw error;
    }
  },
});
