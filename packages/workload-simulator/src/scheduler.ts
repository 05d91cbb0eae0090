import { Fault } from './faults';
import { Obj } from './kube';
import { isReady } from './nodes';

/** A quantity in base units (cores, bytes, count). */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const s = String(q);
  const m =
    /^([+-]?\d*\.?\d+(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(
      s,
    );
  if (!m) return 0;
  const scale: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  return Number(m[1]) * (m[2] ? scale[m[2]] : 1);
}

type Resources = { cpu: number; memory: number };

/** What the pods bound to a node ask of it together. */
export type NodeUsage = Resources & { pods: number };

/** Counts a pod's requests on a node. */
export function addToNode(
  usage: Map<string, NodeUsage>,
  node: string,
  requests: Resources,
) {
  const u = usage.get(node) ?? { pods: 0, cpu: 0, memory: 0 };
  usage.set(node, {
    pods: u.pods + 1,
    cpu: u.cpu + requests.cpu,
    memory: u.memory + requests.memory,
  });
}

/**
 * What the pods bound to each node ask of it (pods that ended, Succeeded or Failed, ask nothing).
 * `requestsOf` may be a cached {@link podRequests}.
 */
export function nodeUsage(
  pods: Obj[],
  requestsOf: (pod: Obj) => Resources = podRequests,
): Map<string, NodeUsage> {
  const usage = new Map<string, NodeUsage>();
  for (const p of pods) {
    if (!p.spec?.nodeName || ['Succeeded', 'Failed'].includes(p.status?.phase))
      continue;
    addToNode(usage, p.spec.nodeName, requestsOf(p));
  }
  return usage;
}

/** What the pod asks a node for: max(init containers, sum of containers) plus the overhead. */
export function podRequests(pod: Obj): Resources {
  const req = (c: Obj, r: keyof Resources) =>
    parseQuantity(c.resources?.requests?.[r]);
  const sum = (r: keyof Resources) =>
    (pod.spec?.containers ?? []).reduce(
      (s: number, c: Obj) => s + req(c, r),
      0,
    );
  const init = (r: keyof Resources) =>
    Math.max(0, ...(pod.spec?.initContainers ?? []).map((c: Obj) => req(c, r)));
  const overhead = (r: keyof Resources) =>
    parseQuantity(pod.spec?.overhead?.[r]);
  return {
    cpu: Math.max(sum('cpu'), init('cpu')) + overhead('cpu'),
    memory: Math.max(sum('memory'), init('memory')) + overhead('memory'),
  };
}

/** Whether a toleration tolerates a taint (v1 helper ToleratesTaint). */
function tolerates(t: Obj, taint: Obj): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** The pod's scheduling constraints, with its RuntimeClass's merged in (as its admission does). */
function constraints(pod: Obj, runtimeClass: Obj | undefined) {
  return {
    nodeSelector: {
      ...(pod.spec?.nodeSelector ?? {}),
      ...(runtimeClass?.scheduling?.nodeSelector ?? {}),
    } as Record<string, string>,
    tolerations: [
      ...(pod.spec?.tolerations ?? []),
      ...(runtimeClass?.scheduling?.tolerations ?? []),
    ] as Obj[],
  };
}

function matchesRequiredAffinity(pod: Obj, node: Obj): boolean {
  const terms: Obj[] =
    pod.spec?.affinity?.nodeAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (!terms.length) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some(term =>
    (term.matchExpressions ?? []).every((e: Obj) => {
      const has = Object.hasOwn(labels, e.key);
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(labels[e.key]);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(labels[e.key]);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          return false;
      }
    }),
  );
}

const UNRESOLVABLE = {
  unschedulable: 'node(s) were unschedulable',
  taint: 'node(s) had untolerated taint(s)',
  selector: "node(s) didn't match Pod's node affinity/selector",
};

/**
 * Why a node cannot take the pod, as kube-scheduler's filter plugins say it, in their order
 * (NodeUnschedulable, TaintToleration, NodeAffinity, then NodeResourcesFit); none: it fits.
 * `unresolvable` is true when preemption could not help.
 */
function filterNode(
  pod: Obj,
  node: Obj,
  used: NodeUsage,
  runtimeClass: Obj | undefined,
  fault: Fault | undefined,
): { reasons: string[]; unresolvable: boolean } | undefined {
  const { nodeSelector, tolerations } = constraints(pod, runtimeClass);
  const unschedulableTaint = {
    key: 'node.kubernetes.io/unschedulable',
    effect: 'NoSchedule',
  };
  if (
    node.spec?.unschedulable &&
    !tolerations.some(t => tolerates(t, unschedulableTaint))
  )
    return { reasons: [UNRESOLVABLE.unschedulable], unresolvable: true };
  const untolerated = (node.spec?.taints ?? []).some(
    (taint: Obj) =>
      (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') &&
      !tolerations.some(t => tolerates(t, taint)),
  );
  if (untolerated) return { reasons: [UNRESOLVABLE.taint], unresolvable: true };
  const labels = node.metadata?.labels ?? {};
  const selected =
    Object.entries(nodeSelector).every(([k, v]) => labels[k] === v) &&
    matchesRequiredAffinity(pod, node);
  if (!selected)
    return { reasons: [UNRESOLVABLE.selector], unresolvable: true };
  const allocatable = node.status?.allocatable ?? {};
  const asked = podRequests(pod);
  const reasons: string[] = [];
  let unresolvable = false;
  if (used.pods + 1 > parseQuantity(allocatable.pods ?? '110'))
    reasons.push('Too many pods');
  // NodeResourcesFit: preemption cannot help a pod that asks more than the node has at all.
  for (const r of ['cpu', 'memory'] as const) {
    const has = parseQuantity(allocatable[r]);
    // The unschedulable fault: the pod asks more memory than any node has.
    const beyond =
      asked[r] > has || (r === 'memory' && fault?.kind === 'unschedulable');
    if (beyond || asked[r] + used[r] > has) {
      reasons.push(`Insufficient ${r}`);
      unresolvable ||= beyond;
    }
  }
  return reasons.length ? { reasons, unresolvable } : undefined;
}

const histogram = (reasons: string[]) => {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
};

export type SchedulingResult = { node: string } | { message: string };

/**
 * Where kube-scheduler would put a pod: the feasible node with the fewest pods (then by name), or
 * the FailedScheduling message it would write (FitError.Error, preemption's part included).
 * `usage` is what the pods already on the nodes ask ({@link nodeUsage}).
 */
export function schedulePod(input: {
  pod: Obj;
  nodes: Obj[];
  usage: ReadonlyMap<string, NodeUsage>;
  runtimeClass?: Obj;
  fault?: Fault;
}): SchedulingResult {
  const { pod, runtimeClass, fault } = input;
  const nodes = [...input.nodes].sort((a, b) =>
    a.metadata.name < b.metadata.name ? -1 : 1,
  );
  if (!nodes.length) return { message: 'no nodes available to schedule pods' };
  const none: NodeUsage = { pods: 0, cpu: 0, memory: 0 };
  const failures: Array<{ reasons: string[]; unresolvable: boolean }> = [];
  let best: { name: string; load: number } | undefined;
  for (const node of nodes) {
    const used = input.usage.get(node.metadata.name) ?? none;
    const notReady = isReady(node)
      ? undefined
      : { reasons: [UNRESOLVABLE.taint], unresolvable: true };
    const failure =
      notReady ?? filterNode(pod, node, used, runtimeClass, fault);
    if (failure) failures.push(failure);
    else if (!best || used.pods < best.load)
      best = { name: node.metadata.name, load: used.pods };
  }
  if (best) return { node: best.name };
  const n = nodes.length;
  const filter = histogram(failures.flatMap(f => f.reasons));
  const preemption = histogram(
    failures.map(f =>
      f.unresolvable
        ? 'Preemption is not helpful for scheduling'
        : 'No preemption victims found for incoming pod',
    ),
  );
  // The PostFilter part: DynamicResources' (no claims here), then DefaultPreemption's.
  return {
    message: `0/${n} nodes are available: ${filter.join(
      ', ',
    )}. no new claims to deallocate, preemption: 0/${n} nodes are available: ${preemption.join(
      ', ',
    )}.`,
  };
}
