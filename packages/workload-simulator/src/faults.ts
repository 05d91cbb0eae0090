import { Obj } from './kube';

/**
 * The annotation that injects a fault into the pods of a Deployment:
 * `kubectl annotate deployment -n kars-a a workload-simulator.kars.azure.com/fault=crash-loop`.
 * The value is a fault, optionally followed by `:<container>` (default: the first container), or
 * for `channel-failure` by `:<channel>` (default: every channel of the agent).
 * Setting, changing or removing it replaces the Deployment's pods, whose new instances show it.
 */
export const FAULT_ANNOTATION = 'workload-simulator.kars.azure.com/fault';

export const FAULT_KINDS = [
  'image-pull-error',
  'crash-loop',
  'oom-killed',
  'unschedulable',
  'channel-failure',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /**
   * The container it hits; unset: the pod's first container. For `channel-failure`, the channel
   * the platform refuses; unset: every channel.
   */
  container?: string;
}

/** The fault an annotation value names, or undefined when it names none. */
export function parseFault(value: string | undefined): Fault | undefined {
  if (!value) return undefined;
  const [kind, container] = value.trim().split(':', 2);
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) return undefined;
  return {
    kind: kind as FaultKind,
    ...(container ? { container } : {}),
  };
}

/** The fault a pod carries (the simulator copies it from its Deployment when creating the pod). */
export const podFault = (pod: Obj) =>
  parseFault(pod.metadata?.annotations?.[FAULT_ANNOTATION]);
