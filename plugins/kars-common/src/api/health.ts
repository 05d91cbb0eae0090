import { ChannelType } from '../spec';
import { Condition, SandboxPhase } from '../status';

/** The health report of the REST contract (`GET /sandboxes/:name/health`) and its parts. */

/** Budget use in one window; limit 0 means unlimited; used null means unknown. @public */
export interface BudgetWindowUse {
  window: 'perRequest' | 'daily' | 'monthly';
  limit: number;
  used: number | null;
  headroom: number | null;
  fraction: number | null;
}

/** What the portal knows about one enforcement layer. @public */
export type LayerState = 'verified' | 'declared' | 'missing' | 'unknown';

/** The enforcement layers of the seed's table. @public */
export const ISOLATION_LAYERS = [
  'podSecurity',
  'network',
  'perContainerEgress',
  'rbac',
  'seccomp',
  'kata',
  'resourceLimits',
  'tokenBudgets',
  'identity',
] as const;
/** @public */
export type IsolationLayer = (typeof ISOLATION_LAYERS)[number];

/** @public */
export interface LayerReport {
  layer: IsolationLayer;
  /** Whether the sandbox's isolation level asks for this layer. */
  required: boolean;
  state: LayerState;
  summary: string;
  evidence: string[];
}

/** The last time a container ended, as its status reports it. @public */
export interface ContainerTermination {
  reason?: string;
  exitCode: number;
  finishedAt?: string;
}

/**
 * One container of a sandbox pod (init containers included), from the pod's status. A terminated
 * container's message is what it wrote to its termination log, so it is not shown; a waiting one's
 * is the kubelet's.
 * @public
 */
export interface ContainerReport {
  name: string;
  init: boolean;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason?: string;
  message?: string;
  ready: boolean;
  restartCount: number;
  lastTermination?: ContainerTermination;
}

/**
 * One pod of a sandbox as the cluster reports it: where it runs (node, its pool, the runtime
 * handlers the node offers; null when the node could not be read), its runtime class and its
 * containers; `reason` and `message` are the pod's own (Evicted, say) or why it is not scheduled
 * (Unschedulable, with the scheduler's message).
 * @public
 */
export interface PodReport {
  name: string;
  phase: string;
  reason?: string;
  message?: string;
  nodeName?: string;
  pool?: string;
  runtimeClassName?: string;
  nodeRuntimeHandlers: string[] | null;
  ready: boolean;
  containers: ContainerReport[];
}

/** @public */
export interface ChannelReport {
  channel: ChannelType;
  state: 'not-enabled' | 'credentials-missing' | 'configured';
  workload: 'ready' | 'not-ready' | 'suspended' | 'unknown';
  /**
   * Live connection state, only where the runtime reports one: its `ChannelReady` condition, else
   * the last line of the agent's log that its runtime's pattern reads. `unknown` otherwise.
   */
  connection: 'connected' | 'connecting' | 'failing' | 'unknown';
  /** Which signal said so (never the log's text). */
  connectionSource?: string;
}

/** @public */
export interface Finding {
  severity: 'warning' | 'error';
  code: string;
  message: string;
  object?: string;
}

/** `GET /sandboxes/:name/health` answer. @public */
export interface SandboxHealth {
  name: string;
  phase?: SandboxPhase;
  conditions: Condition[];
  layers: LayerReport[];
  budget: {
    source: string;
    state: 'ok' | 'unknown';
    message?: string;
    windows: BudgetWindowUse[];
  };
  channels: ChannelReport[];
  workload: {
    desiredReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    restarts: number | null;
    state: 'ready' | 'progressing' | 'suspended' | 'missing' | 'failed';
  };
  identity: {
    serviceAccount: string;
    namespace: string;
    federatedCredentialSubject: string;
    clientId?: string;
  };
  findings: Finding[];
  /** The sandbox's pods as they run now. */
  pods: PodReport[];
  simulated: boolean;
}
