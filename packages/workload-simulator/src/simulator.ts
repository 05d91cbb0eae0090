import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, Obj } from './kube';
import { GatewaySimulator } from './gateway';
import { DEFAULT_NODE_POOLS, NodePool } from './nodes';
import { Series } from './promql';
import { startPrometheusServer } from './prometheusServer';
import { TokenBursts } from './tokenBursts';
import { Direction, tokensTotal } from './usageModel';
import { PodLogRequest, Workloads } from './workloads';

/** Options of {@link startWorkloadSimulator}: a kubeconfig file or a loaded KubeConfig. */
export interface WorkloadSimulatorOptions {
  kubeconfigPath?: string;
  kubeConfig?: KubeConfig;
  /**
   * About how long a new pod takes from being scheduled to Ready (sandbox, image pulls, the init
   * container, the readiness probe: six steps of readyDelayMs / 6); default 3000.
   */
  readyDelayMs?: number;
  /** Port of the simulated Prometheus on 127.0.0.1; 0 (default) picks a free one. */
  prometheusPort?: number;
  /** Seed of the simulated token use, pod IPs, container IDs and logs; the same seed gives the same. */
  seed?: number;
  /** Which Deployments it runs; default `kars.azure.com/component=sandbox`. */
  selector?: string;
  /** The simulated nodes; default {@link DEFAULT_NODE_POOLS} (`sandbox`, `sandbox-kata`). */
  nodePools?: NodePool[];
  /**
   * The first back-off of a crashing container or a failing image pull (the kubelet's: 10 s),
   * doubled each time up to 30 times it; default 10000.
   */
  backoffMs?: number;
  /** A running container writes one log line in each interval this long; default 5000. */
  logIntervalMs?: number;
  /**
   * Play the Deployment and ReplicaSet controllers, kube-scheduler and the kubelets; default true.
   * False (beside kwok and a control plane that runs those): only the Prometheus.
   */
  workloads?: boolean;
  /** Port of the simulated ingress controller on 127.0.0.1; 0 (default) picks a free one. */
  gatewayPort?: number;
}

export interface WorkloadSimulator {
  prometheusUrl: string;
  /**
   * The simulated ingress controller of the public A2A gateway (plain HTTP; the Host header picks
   * the Ingress rule): `curl -H 'Host: <host>' <gatewayUrl>/.well-known/agent-card.json`.
   */
  gatewayUrl: string;
  /**
   * Serves `pods/log` for the simulated containers (the kube-emulator's `podLogs` option): the
   * kubelet's answer, lines per container role and agent runtime, `follow` streaming.
   */
  podLogs(request: PodLogRequest): Promise<void>;
  stop(): Promise<void>;
}

const modelOf = (d: Obj) => {
  for (const c of d.spec?.template?.spec?.containers ?? []) {
    const env = c.env?.find((e: Obj) => e.name === 'AZURE_OPENAI_DEPLOYMENT');
    if (env?.value) return env.value;
  }
  return 'unknown';
};

/**
 * The `kars_tokens_total` series of the sandbox Deployments, as each sandbox's router would export:
 * the seeded steady use, plus the input tokens of the bursts asked for with the token-burst annotation.
 */
function sandboxSeries(
  deployments: Obj[],
  seed: number,
  bursts: TokenBursts,
): Series[] {
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
        tokensTotal(seed, sandbox, direction, startS, tS) +
        (direction === 'input' ? bursts.countedBy(d.metadata?.uid, tS) : 0),
    }));
  });
}

/**
 * Starts the workload simulator against any Kubernetes API (the emulator or a real control plane
 * without kubelets), as kwok runs beside one: it plays the Deployment and ReplicaSet controllers,
 * kube-scheduler and the kubelets of simulated nodes for sandbox Deployments (ReplicaSets, Pods,
 * statuses, Events, injected faults, container logs), the cloud, cert-manager and the ingress
 * controller of the public A2A gateway ({@link GatewaySimulator}), and a Prometheus that answers
 * `kars_tokens_total` queries.
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
  const seed = options.seed ?? 1;
  const stepMs = (options.readyDelayMs ?? 3000) / 6;
  const backoffMs = options.backoffMs ?? 10_000;
  const workloads = new Workloads(new KubeClient(kubeConfig), {
    selector: options.selector ?? 'kars.azure.com/component=sandbox',
    pools: options.nodePools ?? DEFAULT_NODE_POOLS,
    timing: {
      stepMs,
      crashAfterMs: 2 * stepMs,
      backoffMs,
      maxBackoffMs: 30 * backoffMs,
    },
    seed,
    logIntervalMs: options.logIntervalMs ?? 5000,
    play: options.workloads ?? true,
  });
  await workloads.start();
  const gateway = new GatewaySimulator(new KubeClient(kubeConfig));
  await gateway.start(options.gatewayPort ?? 0);
  const bursts = new TokenBursts();
  const prometheus = await startPrometheusServer(
    options.prometheusPort ?? 0,
    () => {
      const deployments = workloads.deploymentList();
      bursts.observe(deployments, Date.now() / 1000);
      return sandboxSeries(deployments, seed, bursts);
    },
  );
  return {
    prometheusUrl: prometheus.url,
    gatewayUrl: gateway.url,
    podLogs: request => workloads.serveLog(request),
    async stop() {
      workloads.stop();
      gateway.stop();
      await new Promise<void>(resolve => {
        prometheus.server.close(() => resolve());
        prometheus.server.closeAllConnections();
      });
    },
  };
}
