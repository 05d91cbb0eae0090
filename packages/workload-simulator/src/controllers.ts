import { isDeepStrictEqual } from 'node:util';
import { FAULT_ANNOTATION } from './faults';
import { Obj } from './kube';
import { rfc3339 } from './kubelet';
import { podTemplateHash } from './podTemplateHash';

export const HASH_LABEL = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';

/** Whether `o` is controlled by `owner`. */
export const controlledBy = (o: Obj, owner: Obj) =>
  (o.metadata?.ownerReferences ?? []).some(
    (r: Obj) => r.controller && r.uid === owner.metadata?.uid,
  );

export const isTerminating = (o: Obj) => Boolean(o.metadata?.deletionTimestamp);

const isActive = (p: Obj) =>
  !isTerminating(p) && !['Succeeded', 'Failed'].includes(p.status?.phase);

const conditionTrue = (o: Obj, type: string) =>
  (o.status?.conditions ?? []).some(
    (c: Obj) => c.type === type && c.status === 'True',
  );

export const isPodReady = (p: Obj) => conditionTrue(p, 'Ready');

const ownerRef = (o: Obj, apiVersion: string, kind: string) => ({
  apiVersion,
  kind,
  name: o.metadata.name,
  uid: o.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

/** The desired replicas of a Deployment (1 when unset). */
export const desiredReplicas = (d: Obj): number => d.spec?.replicas ?? 1;

/** The pod-template-hash the Deployment's current template gets. */
export const templateHash = (d: Obj) =>
  podTemplateHash(d.spec?.template ?? {}, d.status?.collisionCount);

const withoutHash = (template: Obj | undefined) => {
  const { [HASH_LABEL]: _hash, ...labels } = template?.metadata?.labels ?? {};
  return { ...template, metadata: { ...template?.metadata, labels } };
};

/**
 * The Deployment's current ReplicaSet: the oldest whose pod template equals the Deployment's but
 * for the pod-template-hash label, as the Deployment controller finds it (so a changed
 * collisionCount, which changes the hash, makes no new ReplicaSet for the same template).
 */
export function currentReplicaSet(d: Obj, owned: Obj[]): Obj | undefined {
  const wanted = withoutHash(d.spec?.template);
  return owned
    .filter(rs => isDeepStrictEqual(withoutHash(rs.spec?.template), wanted))
    .sort((a, b) =>
      String(a.metadata.creationTimestamp).localeCompare(
        String(b.metadata.creationTimestamp),
      ),
    )[0];
}

const withHash = (labels: Obj | undefined, hash: string) => ({
  ...(labels ?? {}),
  [HASH_LABEL]: hash,
});

/** The ReplicaSet the Deployment controller makes for the current template. */
export function newReplicaSet(
  d: Obj,
  hash: string,
  revision: number,
  replicas: number,
): Obj {
  const template = d.spec?.template ?? {};
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: withHash(template.metadata?.labels, hash),
      annotations: {
        [DESIRED]: String(desiredReplicas(d)),
        [MAX]: String(desiredReplicas(d) + maxSurge(d)),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec?.minReadySeconds,
      selector: {
        ...d.spec?.selector,
        matchLabels: withHash(d.spec?.selector?.matchLabels, hash),
      },
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          labels: withHash(template.metadata?.labels, hash),
        },
      },
    },
  };
}

/** maxSurge of a RollingUpdate Deployment as a count (25% by default, rounded up); 0 for Recreate. */
function maxSurge(d: Obj): number {
  if (d.spec?.strategy?.type === 'Recreate') return 0;
  const v = d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof v === 'number') return v;
  return Math.ceil((desiredReplicas(d) * parseInt(v, 10)) / 100);
}

/** A Pod of a ReplicaSet, as its controller creates it; the Deployment's fault goes along. */
export function podFor(rs: Obj, fault: string | undefined): Obj {
  const template = rs.spec?.template ?? {};
  const annotations = {
    ...(template.metadata?.annotations ?? {}),
    ...(fault ? { [FAULT_ANNOTATION]: fault } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [ownerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: template.spec ?? {},
  };
}

/** The pods a ReplicaSet should delete first when it has too many: unscheduled, not ready, newest. */
export function podsToDelete(pods: Obj[], count: number): Obj[] {
  const rank = (p: Obj) => {
    if (!p.spec?.nodeName) return 0;
    return isPodReady(p) ? 2 : 1;
  };
  return [...pods]
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        String(b.metadata.creationTimestamp).localeCompare(
          String(a.metadata.creationTimestamp),
        ),
    )
    .slice(0, count);
}

/** What the ReplicaSet controller reports (replicas is always there; the rest omitted when 0). */
export function replicaSetStatus(rs: Obj, pods: Obj[]): Obj {
  const active = pods.filter(isActive);
  const ready = active.filter(isPodReady).length;
  const selector: Obj = rs.spec?.selector?.matchLabels ?? {};
  const labelled = active.filter(p =>
    Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v),
  ).length;
  const nz = (n: number) => (n ? n : undefined);
  return {
    replicas: active.length,
    fullyLabeledReplicas: nz(labelled),
    readyReplicas: nz(ready),
    availableReplicas: nz(ready),
    observedGeneration: rs.metadata?.generation,
  };
}

const sum = (rss: Obj[], f: (rs: Obj) => number | undefined) =>
  rss.reduce((s, rs) => s + (f(rs) ?? 0), 0);

/**
 * The Deployment's status from its ReplicaSets (their status as written), as the Deployment
 * controller's syncRolloutStatus computes it: counts, Available, and Progressing, which keeps its
 * times while its reason holds and says ProgressDeadlineExceeded once the rollout has not moved
 * for progressDeadlineSeconds.
 */
export function deploymentStatus(
  d: Obj,
  replicaSets: Obj[],
  newRs: Obj | undefined,
  now: number,
): Obj {
  const replicas = sum(replicaSets, rs => rs.status?.replicas);
  const updated = newRs?.status?.replicas ?? 0;
  const ready = sum(replicaSets, rs => rs.status?.readyReplicas);
  const available = sum(replicaSets, rs => rs.status?.availableReplicas);
  const specTotal = sum(replicaSets, rs => rs.spec?.replicas);
  const unavailable = Math.max(0, specTotal - available);
  const desired = desiredReplicas(d);
  const maxUnavailable =
    d.spec?.strategy?.type === 'Recreate'
      ? 0
      : Math.floor(
          (desired *
            parseInt(
              String(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%'),
              10,
            )) /
            100,
        );
  const ts = rfc3339(now);
  const previous = (type: string) =>
    (d.status?.conditions ?? []).find((c: Obj) => c.type === type);
  const condition = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ) => {
    const prev = previous(type);
    const same = prev?.status === status && prev?.reason === reason;
    return {
      type,
      status,
      lastUpdateTime:
        same && prev.message === message ? prev.lastUpdateTime : ts,
      lastTransitionTime:
        prev?.status === status ? prev.lastTransitionTime : ts,
      reason,
      message,
    };
  };
  const rsName = newRs?.metadata?.name ?? d.metadata.name;
  const complete =
    updated === desired &&
    replicas === desired &&
    available === desired &&
    (newRs?.status?.availableReplicas ?? 0) === desired;
  const prevProgressing = previous('Progressing');
  const moved = !sameCounts(d.status, { replicas, updated, ready, available });
  const deadlineS = d.spec?.progressDeadlineSeconds ?? 600;
  let progressing;
  if (complete)
    progressing = condition(
      'Progressing',
      'True',
      'NewReplicaSetAvailable',
      `ReplicaSet "${rsName}" has successfully progressed.`,
    );
  else if (!prevProgressing)
    progressing = condition(
      'Progressing',
      'True',
      'NewReplicaSetCreated',
      `Created new replica set "${rsName}"`,
    );
  else if (moved || prevProgressing.reason === 'NewReplicaSetAvailable')
    progressing = {
      ...condition(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${rsName}" is progressing.`,
      ),
      lastUpdateTime: ts,
    };
  else if (
    prevProgressing.status === 'True' &&
    now - Date.parse(prevProgressing.lastUpdateTime) > deadlineS * 1000
  )
    progressing = condition(
      'Progressing',
      'False',
      'ProgressDeadlineExceeded',
      `ReplicaSet "${rsName}" has timed out progressing.`,
    );
  else progressing = prevProgressing;
  const availableOk = available >= desired - maxUnavailable;
  const nz = (n: number) => (n ? n : undefined);
  return {
    observedGeneration: d.metadata?.generation,
    replicas: nz(replicas),
    updatedReplicas: nz(updated),
    readyReplicas: nz(ready),
    availableReplicas: nz(available),
    unavailableReplicas: nz(unavailable),
    conditions: [
      availableOk
        ? condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          )
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
      progressing,
    ],
    ...(d.status?.collisionCount !== undefined
      ? { collisionCount: d.status.collisionCount }
      : {}),
  };
}

function sameCounts(
  s: Obj | undefined,
  c: { replicas: number; updated: number; ready: number; available: number },
) {
  return (
    (s?.replicas ?? 0) === c.replicas &&
    (s?.updatedReplicas ?? 0) === c.updated &&
    (s?.readyReplicas ?? 0) === c.ready &&
    (s?.availableReplicas ?? 0) === c.available
  );
}

/** The Deployment controller's event text for scaling a ReplicaSet. */
export const scalingMessage = (rs: Obj, from: number, to: number) =>
  `Scaled ${to > from ? 'up' : 'down'} replica set ${
    rs.metadata.name
  } from ${from} to ${to}`;
