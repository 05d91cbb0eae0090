import { KubeConfig, V1Deployment } from '@kubernetes/client-node';
import { DeploymentReadiness } from './deploymentReadiness';
import { Series } from './promql';
import { startPrometheusServer } from './prometheusServer';
import { Direction, tokensTotal } from './usageModel';

/** Options of {@link startWorkloadSimulator}: a kubeconfig file or a loaded KubeConfig. */
export interface WorkloadSimulatorOptions {
  kubeconfigPath?: string;
  kubeConfig?: KubeConfig;
  /** How long after a sandbox Deployment appears (or changes) it becomes available; default 3000. */
  readyDelayMs?: number;
  /** Port of the simulated Prometheus on 127.0.0.1; 0 (default) picks a free one. */
  prometheusPort?: number;
  /** Seed of the simulated token use; the same seed gives the same numbers. */
  seed?: number;
}

export interface WorkloadSimulator {
  prometheusUrl: string;
  stop(): Promise<void>;
}

const modelOf = (d: V1Deployment) => {
  for (const c of d.spec?.template?.spec?.containers ?? []) {
    const env = c.env?.find(e => e.name === 'AZURE_OPENAI_DEPLOYMENT');
    if (env?.value) return env.value;
  }
  return 'unknown';
};

/** The `kars_tokens_total` series of the sandbox Deployments, as each sandbox's router would export. */
function sandboxSeries(deployments: V1Deployment[], seed: number): Series[] {
  return deployments.flatMap(d => {
    const sandbox = d.metadata?.labels?.['kars.azure.com/sandbox'];
    if (!sandbox) return [];
    const created = d.metadata?.creationTimestamp;
    const startS = created
      ? new Date(created).getTime() / 1000
      : Date.now() / 1000;
    const model = modelOf(d);
    return (['input', 'output'] as Direction[]).map(direction => ({
      labels: { sandbox, model, direction },
      startS,
      valueAt: (tS: number) =>
        tokensTotal(seed, sandbox, direction, startS, tS),
    }));
  });
}

/**
 * Starts the workload simulator against any Kubernetes API (the emulator or a real control plane
 * without kubelets): sandbox Deployments become available after `readyDelayMs`, and a simulated
 * Prometheus answers `kars_tokens_total` queries. It emits no other signal.
 */
export async function startWorkloadSimulator(
  options: WorkloadSimulatorOptions,
): Promise<WorkloadSimulator> {
  const kubeConfig = options.kubeConfig ?? new KubeConfig();
  if (!options.kubeConfig) {
    if (!options.kubeconfigPath)
      throw new Error(
        'startWorkloadSimulator needs kubeconfigPath or kubeConfig',
      );
    kubeConfig.loadFromFile(options.kubeconfigPath);
  }
  const readiness = new DeploymentReadiness(
    kubeConfig,
    options.readyDelayMs ?? 3000,
  );
  await readiness.start();
  const seed = options.seed ?? 1;
  const prometheus = await startPrometheusServer(
    options.prometheusPort ?? 0,
    () => sandboxSeries(readiness.deployments(), seed),
  );
  return {
    prometheusUrl: prometheus.url,
    async stop() {
      readiness.stop();
      await new Promise<void>(resolve => {
        prometheus.server.close(() => resolve());
        prometheus.server.closeAllConnections();
      });
    },
  };
}
