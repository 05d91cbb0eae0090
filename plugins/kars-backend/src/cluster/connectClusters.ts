import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import {
  startKubeEmulator,
  startWorkloadSimulator,
} from '@kars-portal/kube-emulator';
import {
  buildInferencePolicyCrd,
  buildKarsSandboxCrd,
} from '@kars-portal/plugin-kars-common';
import { ClusterConfig, KarsConfig } from '../config/readKarsConfig';
import { ClientNodeGateway } from '../kube/ClientNodeGateway';
import { KubeGateway, KubeObject } from '../kube/types';
import { ClusterConnection } from '../service/ClusterConnection';

/** Reads every object of the YAML files directly inside a folder, in file-name order. */
export function readManifests(dir: string): KubeObject[] {
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap(f =>
      YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8'))
        .map(d => d.toJS() as KubeObject)
        .filter(Boolean),
    );
}

/** Applies manifests with server-side apply, as `kubectl apply --server-side` would. */
export async function applyManifests(
  gateway: KubeGateway,
  objects: KubeObject[],
  fieldManager: string,
) {
  for (const object of objects) {
    await gateway.apply(object, { fieldManager, force: true });
  }
}

async function connectEmbedded(
  config: ClusterConfig,
  logger: LoggerService,
): Promise<ClusterConnection> {
  const emulator = await startKubeEmulator({
    port: 0,
    stateFile: config.embedded?.stateFile,
    crds: [buildKarsSandboxCrd(), buildInferencePolicyCrd()],
  });
  const kubeconfigFile = config.embedded?.kubeconfigFile;
  if (kubeconfigFile) {
    fs.mkdirSync(path.dirname(kubeconfigFile), { recursive: true });
    fs.writeFileSync(kubeconfigFile, emulator.kubeconfigYaml, { mode: 0o600 });
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(emulator.kubeconfigYaml);
  const gateway = new ClientNodeGateway(kubeConfig);
  const bootstrap = config.embedded?.bootstrapManifests;
  if (bootstrap) {
    await applyManifests(
      gateway,
      readManifests(bootstrap).filter(
        o => o.kind !== 'CustomResourceDefinition',
      ),
      'kars-portal-bootstrap',
    );
  }
  const simulator = await startWorkloadSimulator({
    kubeconfigPath: emulator.kubeconfigPath,
    readyDelayMs: config.embedded?.readyDelayMs ?? 3000,
    prometheusPort: 0,
  });
  logger.info(
    `embedded cluster ${config.settings.name} at ${emulator.url} (kubeconfig ${
      kubeconfigFile ?? emulator.kubeconfigPath
    }); simulated Prometheus at ${simulator.prometheusUrl}`,
  );
  return new ClusterConnection(
    config,
    gateway,
    logger,
    simulator.prometheusUrl,
    async () => {
      await simulator.stop();
      await emulator.stop();
    },
  );
}

function loadKubeConfig(config: ClusterConfig): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (config.type === 'inCluster') {
    kubeConfig.loadFromCluster();
  } else if (config.kubeconfigPath) {
    kubeConfig.loadFromFile(config.kubeconfigPath);
  } else {
    kubeConfig.loadFromDefault();
  }
  if (config.context) kubeConfig.setCurrentContext(config.context);
  return kubeConfig;
}

/** Connects to every configured cluster; an embedded one is started in-process. */
export async function connectClusters(
  config: KarsConfig,
  logger: LoggerService,
): Promise<ClusterConnection[]> {
  const connections: ClusterConnection[] = [];
  for (const cluster of config.clusters) {
    if (cluster.type === 'embedded') {
      connections.push(await connectEmbedded(cluster, logger));
    } else {
      connections.push(
        new ClusterConnection(
          cluster,
          new ClientNodeGateway(loadKubeConfig(cluster)),
          logger,
          cluster.prometheusUrl,
        ),
      );
    }
  }
  return connections;
}
