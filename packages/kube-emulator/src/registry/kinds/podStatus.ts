import { humanDuration } from '../../api/time';
import { JsonObject, KubeObject } from '../../api/types';

/** The Ready, Status and Restarts cells `kubectl get pods` shows (kube-apiserver's printPod). */
export interface PodCells {
  ready: string;
  status: string;
  restarts: string;
}

const isRestartable = (c: JsonObject | undefined) =>
  c?.restartPolicy === 'Always';

const later = (a: number, finishedAt: string | undefined) => {
  const t = finishedAt ? Date.parse(finishedAt) : NaN;
  return Number.isNaN(t) || t <= a ? a : t;
};

function terminatedReason(t: JsonObject, prefix = ''): string {
  if (t.reason) return `${prefix}${t.reason}`;
  if (t.signal) return `${prefix}Signal:${t.signal}`;
  return `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

const hasCondition = (pod: KubeObject, type: string) =>
  (pod.status?.conditions ?? []).some(
    (c: JsonObject) => c.type === type && c.status === 'True',
  );

export function podCells(pod: KubeObject, now: Date): PodCells {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableRestarts = 0;
  let ready = 0;
  let total = (spec.containers ?? []).length;
  let lastRestart = 0;
  let lastRestartableRestart = 0;
  let reason: string = status.reason || status.phase || '';
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated')
      reason = 'SchedulingGated';
  }
  const initSpecs = new Map<string, JsonObject>(
    (spec.initContainers ?? []).map((c: JsonObject) => [c.name, c]),
  );
  for (const c of initSpecs.values()) if (isRestartable(c)) total++;

  let initializing = false;
  const initStatuses: JsonObject[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const restartable = isRestartable(initSpecs.get(c.name));
    restarts += c.restartCount ?? 0;
    lastRestart = later(
      lastRestart,
      c.lastState?.terminated?.finishedAt ?? undefined,
    );
    if (restartable) {
      restartableRestarts += c.restartCount ?? 0;
      lastRestartableRestart = later(
        lastRestartableRestart,
        c.lastState?.terminated?.finishedAt ?? undefined,
      );
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing')
      reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, 'Initialized')) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    let errorReason = '';
    const statuses: JsonObject[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = later(
        lastRestart,
        c.lastState?.terminated?.finishedAt ?? undefined,
      );
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated) {
        reason = terminatedReason(terminated);
        if ((terminated.exitCode ?? 0) !== 0) errorReason = reason;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed') {
      if (hasRunning && hasCondition(pod, 'Ready')) reason = 'Running';
      else if (errorReason) reason = errorReason;
      else if (hasRunning) reason = 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost')
    reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartsCell =
    restarts !== 0 && lastRestart !== 0
      ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
      : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}

/** The Readiness Gates cell: how many of the pod's readiness gates are True. */
export function readinessGatesCell(pod: KubeObject): string {
  const gates: JsonObject[] = pod.spec?.readinessGates ?? [];
  if (!gates.length) return '<none>';
  const conditions: JsonObject[] = pod.status?.conditions ?? [];
  const met = gates.filter(
    g => conditions.find(c => c.type === g.conditionType)?.status === 'True',
  ).length;
  return `${met}/${gates.length}`;
}
