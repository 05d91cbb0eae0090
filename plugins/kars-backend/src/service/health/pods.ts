import {
  ContainerReport,
  KARS_LABELS,
  PodReport,
} from '@kars-portal/plugin-kars-common';

/** The names of the runtime handlers a node's container runtime offers (`status.runtimeHandlers`). */
export const nodeRuntimeHandlers = (node: any): string[] =>
  (node?.status?.runtimeHandlers ?? [])
    .map((h: any) => h?.name)
    .filter((n: unknown): n is string => typeof n === 'string' && n !== '');

function container(spec: any, status: any, init: boolean): ContainerReport {
  const state = status?.state ?? {};
  const last = status?.lastState?.terminated;
  let current: Pick<ContainerReport, 'state' | 'reason' | 'message'> = {
    state: 'unknown',
  };
  if (state.waiting) {
    current = {
      state: 'waiting',
      ...(state.waiting.reason ? { reason: state.waiting.reason } : {}),
      ...(state.waiting.message ? { message: state.waiting.message } : {}),
    };
  } else if (state.running) current = { state: 'running' };
  else if (state.terminated) {
    current = {
      state: 'terminated',
      ...(state.terminated.reason ? { reason: state.terminated.reason } : {}),
    };
  }
  return {
    name: spec.name,
    init,
    ...current,
    ready: status?.ready === true,
    restartCount: status?.restartCount ?? 0,
    ...(last
      ? {
          lastTermination: {
            ...(last.reason ? { reason: last.reason } : {}),
            exitCode: last.exitCode ?? 0,
            ...(last.finishedAt ? { finishedAt: last.finishedAt } : {}),
          },
        }
      : {}),
  };
}

/**
 * Each pod as it runs: its reason (its own, or why it is not scheduled), its node, the node's pool
 * and runtime handlers (null when the node was not read), its runtime class, readiness and every
 * container (init containers first) with its state, reason, restarts and last termination. Pure.
 */
export function podReports(
  pods: any[],
  nodes: Map<string, any | undefined>,
): PodReport[] {
  return pods.map(pod => {
    const nodeName: string | undefined = pod.spec?.nodeName;
    const node = nodeName ? nodes.get(nodeName) : undefined;
    const pool = node?.metadata?.labels?.[KARS_LABELS.pool];
    const statuses = (list: any[] | undefined) =>
      new Map((list ?? []).map(s => [s.name, s]));
    const initStatus = statuses(pod.status?.initContainerStatuses);
    const mainStatus = statuses(pod.status?.containerStatuses);
    const unscheduled = (pod.status?.conditions ?? []).find(
      (c: any) => c.type === 'PodScheduled' && c.status === 'False',
    );
    const reason = pod.status?.reason ?? unscheduled?.reason;
    const message = pod.status?.message ?? unscheduled?.message;
    return {
      name: pod.metadata.name,
      phase: pod.status?.phase ?? 'Unknown',
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
      ...(nodeName ? { nodeName } : {}),
      ...(pool ? { pool } : {}),
      ...(pod.spec?.runtimeClassName
        ? { runtimeClassName: pod.spec.runtimeClassName }
        : {}),
      nodeRuntimeHandlers: node ? nodeRuntimeHandlers(node) : null,
      ready: (pod.status?.conditions ?? []).some(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      ),
      containers: [
        ...(pod.spec?.initContainers ?? []).map((c: any) =>
          container(c, initStatus.get(c.name), true),
        ),
        ...(pod.spec?.containers ?? []).map((c: any) =>
          container(c, mainStatus.get(c.name), false),
        ),
      ],
    };
  });
}
