import {
  KARS_LABELS,
  KARS_SYSTEM_NAMESPACE,
  KATA_RUNTIME_CLASS,
  Sandbox,
  sandboxObjectNames,
  SECCOMP_INSTALLER_DAEMONSET,
} from '@kars-portal/plugin-kars-common';
import {
  KubeGateway,
  KubeObject,
  PodLogOptions,
} from '@kars-portal/plugin-kars-node';
import { agentContainerName } from '../../render/deployment';

/** What the health report reads from the cluster. */
export interface HealthObservation {
  namespace?: KubeObject;
  networkPolicies: KubeObject[];
  deployment?: any;
  serviceAccount?: any;
  inferencePolicy?: any;
  runtimeClass?: any;
  seccompInstaller?: any;
  pods: any[];
  /** The nodes the pods run on, by name; undefined where the node could not be read. */
  nodes: Map<string, any | undefined>;
  /**
   * The last lines of the running agent's log, for its channel states; undefined where none could
   * be read (no running pod, or a cluster that cannot read pods/log).
   */
  agentLog?: string;
}

/**
 * How much of the agent's log the channel states are read from: its first bytes, where a runtime
 * says it connected (once, at start), and its last lines, where it says what happened since.
 */
const AGENT_LOG_HEAD_BYTES = 64 * 1024;
const AGENT_LOG_LINES = 300;
const AGENT_LOG_BYTES = 256 * 1024;
const AGENT_LOG_TIMEOUT_MS = 3000;

/** Reads one pods/log request to its end, keeping at most the last AGENT_LOG_BYTES. */
async function readLog(
  gateway: KubeGateway,
  pod: any,
  options: PodLogOptions,
  signal: AbortSignal,
): Promise<string> {
  const stream = await gateway.podLog(
    pod.metadata.namespace,
    pod.metadata.name,
    options,
    signal,
  );
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.length > AGENT_LOG_BYTES) break;
  }
  return text.slice(-AGENT_LOG_BYTES);
}

/** What was read of the log of a sandbox's running agent. */
export interface AgentLog {
  /**
   * Which run of the agent container the log is of: the pod's uid, the container and its restart
   * count. The start of a run's log does not change while it runs.
   */
  run: string;
  /** The log's first bytes, whole lines only; absent where the caller said it knew them. */
  start?: string;
  /** The log's last lines. */
  tail: string;
}

/**
 * The start and the last lines of the agent container of the sandbox's running pod (one of
 * `pods`, the sandbox's), or undefined where none could be read (no running pod, or a cluster that
 * cannot read pods/log): what the health report and the channel check read the channel states
 * from, the start first (the two overlap on a short log: the later signals still come last). A
 * runtime reports a channel connected once, at start, so the last lines alone would lose it on a
 * pod that has run a while; a change between the two parts that both miss is not seen. The start
 * is not read where `knowsStart` says the caller has it for that run.
 */
export async function observeAgentLog(
  gateway: KubeGateway,
  sandbox: Sandbox,
  pods: any[],
  knowsStart: (run: string) => boolean = () => false,
): Promise<AgentLog | undefined> {
  const container = agentContainerName(sandbox.spec.runtime.kind);
  const running = runningContainer(pods, container);
  if (!running) return undefined;
  const { pod, status } = running;
  const run = `${pod.metadata.uid}/${container}/${status.restartCount ?? 0}`;
  const readStart = !knowsStart(run);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), AGENT_LOG_TIMEOUT_MS);
  try {
    const [head, tail] = await Promise.all([
      readStart
        ? readLog(
            gateway,
            pod,
            { container, limitBytes: AGENT_LOG_HEAD_BYTES },
            abort.signal,
          )
        : undefined,
      readLog(
        gateway,
        pod,
        { container, tailLines: AGENT_LOG_LINES },
        abort.signal,
      ),
    ]);
    // A head cut inside a line keeps only its whole lines.
    return head === undefined
      ? { run, tail }
      : { run, start: head.slice(0, head.lastIndexOf('\n') + 1), tail };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The first live, Running pod whose `container` runs, with that container's status. */
function runningContainer(
  pods: any[],
  container: string,
): { pod: any; status: any } | undefined {
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp)
      continue;
    const status = (pod.status?.containerStatuses ?? []).find(
      (c: any) => c.name === container && c.state?.running,
    );
    if (status) return { pod, status };
  }
  return undefined;
}

/** The sandbox's pods; none where they cannot be listed. */
function podsOf(gateway: KubeGateway, sandbox: Sandbox): Promise<any[]> {
  return gateway
    .list('v1', 'Pod', {
      namespace: sandbox.namespace,
      labelSelector: `${KARS_LABELS.sandbox}=${sandbox.name}`,
    })
    .then(l => l.items)
    .catch(() => []);
}

/** Reads the nodes the pods run on (and no other: nodes are cluster-scoped). */
async function nodesOf(
  gateway: KubeGateway,
  pods: any[],
): Promise<Map<string, any | undefined>> {
  const names = [
    ...new Set(
      pods.map(p => p.spec?.nodeName).filter((n): n is string => Boolean(n)),
    ),
  ];
  const nodes = await Promise.all(
    names.map(name =>
      gateway
        .get({ apiVersion: 'v1', kind: 'Node', name })
        .catch(() => undefined),
    ),
  );
  return new Map(names.map((name, i) => [name, nodes[i]]));
}

/**
 * Reads what the health report needs; Secrets are never read. The agent's log is read only for
 * its channel states, and none of its text reaches the report.
 */
export async function observeHealth(
  gateway: KubeGateway,
  sandbox: Sandbox,
  operatorNamespace = KARS_SYSTEM_NAMESPACE,
): Promise<HealthObservation> {
  const names = sandboxObjectNames(sandbox.name);
  const ns = sandbox.namespace;
  const [
    namespace,
    networkPolicies,
    deployment,
    serviceAccount,
    inferencePolicy,
    runtimeClass,
    seccompInstaller,
    pods,
  ] = await Promise.all([
    gateway.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }),
    gateway
      .list('networking.k8s.io/v1', 'NetworkPolicy', { namespace: ns })
      .then(l => l.items),
    gateway.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: names.deployment,
      namespace: ns,
    }),
    gateway.get({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: names.serviceAccount,
      namespace: ns,
    }),
    gateway.get({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'InferencePolicy',
      name: names.inferencePolicy,
      namespace: ns,
    }),
    gateway
      .get({
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        name: KATA_RUNTIME_CLASS,
      })
      .catch(() => undefined),
    gateway
      .get({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        name: SECCOMP_INSTALLER_DAEMONSET,
        namespace: operatorNamespace,
      })
      .catch(() => undefined),
    podsOf(gateway, sandbox),
  ]);
  const [nodes, agentLog] = await Promise.all([
    nodesOf(gateway, pods),
    observeAgentLog(gateway, sandbox, pods).then(
      log => log && (log.start ?? '') + log.tail,
    ),
  ]);
  return {
    namespace,
    networkPolicies,
    deployment,
    serviceAccount,
    inferencePolicy,
    runtimeClass,
    seccompInstaller,
    pods,
    nodes,
    agentLog,
  };
}
