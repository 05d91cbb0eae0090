import { canonicalQuantity } from '../../api/quantity';
import { JsonObject, KubeObject, ResourceType } from '../../api/types';
import { builtin, listTypes, validatePodSpec } from './builtin';
import { ageColumn, col, nameColumn } from './columns';
import { defaultPodSpec } from './podSpec';
import { podCells, readinessGatesCell } from './podStatus';

const QOS_RESOURCES = ['cpu', 'memory'];

const nonZero = (list: JsonObject | undefined) =>
  Object.entries(list ?? {}).filter(
    ([name, q]) =>
      QOS_RESOURCES.includes(name) &&
      Number.parseFloat(String(canonicalQuantity(q))) !== 0,
  );

/** The pod's QoS class (Guaranteed, Burstable or BestEffort), from its containers' cpu and memory. */
export function qosClass(spec: JsonObject): string {
  const containers: JsonObject[] = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = nonZero(c.resources?.requests);
    const limits = nonZero(c.resources?.limits);
    if (requests.length || limits.length) any = true;
    const limited = new Map(
      limits.map(([name, q]) => [name, String(canonicalQuantity(q))]),
    );
    if (QOS_RESOURCES.some(r => !limited.has(r))) guaranteed = false;
    for (const [name, q] of requests) {
      if (limited.get(name) !== String(canonicalQuantity(q)))
        guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** SetDefaults_Pod: a container's requests default to its limits. */
function defaultRequestsFromLimits(spec: JsonObject) {
  for (const c of [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    c.resources.requests = { ...limits, ...c.resources.requests };
  }
}

/** What kube-apiserver's default admission plugins add to a new Pod (Priority, DefaultTolerationSeconds). */
function admitPod(spec: JsonObject) {
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations: JsonObject[] = spec.tolerations ?? [];
  for (const key of [
    'node.kubernetes.io/not-ready',
    'node.kubernetes.io/unreachable',
  ]) {
    if (
      !tolerations.some(
        t => t.key === key && (t.effect === 'NoExecute' || !t.effect),
      )
    ) {
      tolerations.push({
        key,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      });
    }
  }
  spec.tolerations = tolerations;
}

const cells = (o: KubeObject, now: Date) => podCells(o, now);

/** core/v1 Pod, with its status subresource; its printer columns are kube-apiserver's. */
export function podType(): ResourceType {
  return builtin({
    group: '',
    version: 'v1',
    kind: 'Pod',
    topLevelFields: ['spec', 'status'],
    plural: 'pods',
    shortNames: ['po'],
    categories: ['all'],
    statusSubresource: true,
    hasGeneration: true,
    generationFields: [['spec']],
    implicitStructs: [['spec'], ['status'], ['spec', 'containers']],
    defaults: obj => {
      obj.spec ??= {};
      defaultPodSpec(obj.spec);
      defaultRequestsFromLimits(obj.spec);
      obj.spec.enableServiceLinks ??= true;
    },
    allocate: obj => {
      admitPod(obj.spec);
      obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
    },
    validate: obj => validatePodSpec(obj.spec, 'spec'),
    listTypeAt: listTypes(['spec']),
    printerColumns: [
      nameColumn,
      col('Ready', (o, now) => cells(o, now).ready, {
        description:
          'The aggregate readiness state of this pod for accepting traffic.',
      }),
      col('Status', (o, now) => cells(o, now).status, {
        description: 'The aggregate status of the containers in this pod.',
      }),
      col('Restarts', (o, now) => cells(o, now).restarts, {
        description:
          'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      }),
      ageColumn,
      col('IP', o => o.status?.podIPs?.[0]?.ip || '<none>', {
        priority: 1,
        description:
          'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      }),
      col('Node', o => o.spec?.nodeName || '<none>', {
        priority: 1,
        description: 'NodeName indicates in which node this pod is scheduled.',
      }),
      col('Nominated Node', o => o.status?.nominatedNodeName || '<none>', {
        priority: 1,
        description:
          'nominatedNodeName is set only when this pod preempts other pods on the node.',
      }),
      col('Readiness Gates', readinessGatesCell, {
        priority: 1,
        description:
          'If specified, all readiness gates will be evaluated for pod readiness.',
      }),
    ],
    selectableFields: {
      'status.phase': o => o.status?.phase,
      'spec.nodeName': o => o.spec?.nodeName,
      'spec.serviceAccountName': o => o.spec?.serviceAccountName,
      'spec.restartPolicy': o => o.spec?.restartPolicy,
      'spec.schedulerName': o => o.spec?.schedulerName,
      'status.podIP': o => o.status?.podIP,
      'status.nominatedNodeName': o => o.status?.nominatedNodeName,
    },
  });
}
