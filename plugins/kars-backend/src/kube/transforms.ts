import {
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_FIELD_MANAGER,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/**
 * What an informer keeps of an object, applied before the object is cached (as client-go's
 * `SetTransform`): the fields the portal reads, so that a cache of every sandbox's objects does not
 * hold what nobody reads. Pure: returns a new object, the given one is not changed.
 */
export type InformerTransform<T extends KubeObject = KubeObject> = (
  object: T,
) => T;

/** The annotation `kubectl apply` (client side) leaves: the whole object again, read by nobody. */
export const LAST_APPLIED_ANNOTATION =
  'kubectl.kubernetes.io/last-applied-configuration';

const OUR_MANAGERS = [KARS_FIELD_MANAGER, KARS_CREDENTIALS_FIELD_MANAGER];

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, any>;
}

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const entriesOf = (object: KubeObject) =>
  (object.metadata.managedFields ?? []) as ManagedFieldsEntry[];

/** The annotations without the last-applied configuration; undefined when none is left. */
function annotationsOf(object: KubeObject) {
  const annotations = object.metadata.annotations;
  if (!annotations || !(LAST_APPLIED_ANNOTATION in annotations))
    return annotations;
  const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...rest } = annotations;
  return Object.keys(rest).length ? rest : undefined;
}

/** The metadata without managedFields and the last-applied configuration; `managedFields` instead when given. */
function metadataOf(object: KubeObject, managedFields?: ManagedFieldsEntry[]) {
  const {
    managedFields: _managedFields,
    annotations: _annotations,
    ...metadata
  } = object.metadata;
  const annotations = annotationsOf(object);
  return {
    ...metadata,
    ...(annotations ? { annotations } : {}),
    ...(managedFields?.length ? { managedFields } : {}),
  } as KubeObject['metadata'];
}

/**
 * The managedFields entries that say another writer edited fields kars portal may set (what drift
 * attribution, `foreignEdits`, reports): not kars portal's own, not a subresource's (status
 * writers, `/scale`), without the status part. Pure.
 */
export function foreignManagedFields(
  entries: ManagedFieldsEntry[],
): ManagedFieldsEntry[] {
  return entries.flatMap(entry => {
    if (OUR_MANAGERS.includes(entry.manager ?? '') || entry.subresource)
      return [];
    const { 'f:status': _status, ...fields } = entry.fieldsV1 ?? {};
    return Object.keys(fields).length ? [{ ...entry, fieldsV1: fields }] : [];
  });
}

/** Merges fieldsV1 trees into one. Pure. */
function mergeTrees(trees: Json[]): Json {
  const merged: Json = {};
  for (const tree of trees) {
    for (const [key, child] of Object.entries(tree ?? {})) {
      merged[key] = mergeTrees([merged[key] ?? {}, child ?? {}]);
    }
  }
  return merged;
}

const hasChildren = (tree: Json) => Object.keys(tree).some(k => k !== '.');

/** Whether a list item is the one a `k:{...}` key of fieldsV1 names. */
function itemMatches(key: string, item: unknown) {
  if (!key.startsWith('k:') || !isObject(item)) return false;
  const fields = JSON.parse(key.slice(2)) as Json;
  return Object.entries(fields).every(
    ([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v),
  );
}

/**
 * The part of a value that some field manager owns, by a merged fieldsV1 tree: a field without
 * owned children is kept whole; of an object, only the owned keys; of a list, every item (the
 * length and order are compared with what was rendered), each pruned to its keyed entry when it
 * has one. What no one owns is what the server defaulted. Pure.
 */
export function ownedPart(value: unknown, tree: Json): unknown {
  if (!hasChildren(tree)) return value;
  if (Array.isArray(value)) {
    const keys = Object.keys(tree).filter(k => k.startsWith('k:'));
    return value.map(item => {
      const key = keys.find(k => itemMatches(k, item));
      return key ? ownedPart(item, tree[key]) : item;
    });
  }
  if (!isObject(value)) return value;
  const kept: Json = {};
  for (const [key, child] of Object.entries(value)) {
    const subtree = tree[`f:${key}`];
    if (subtree) kept[key] = ownedPart(child, subtree);
  }
  return kept;
}

type DeploymentStatus = {
  availableReplicas?: number;
  updatedReplicas?: number;
  observedGeneration?: number;
  conditions?: Array<{ type: string; status?: string; reason?: string }>;
};

/** The status fields of the public A2A gateway's objects: a Service's addresses, a Certificate's conditions. */
export type GatewayStatus = {
  loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> };
  conditions?: Array<{
    type: string;
    status?: string;
    reason?: string;
    message?: string;
  }>;
};

/**
 * What the reconciler reads of an owned object's status: a Deployment's rollout, a Service's
 * load-balancer addresses, a Certificate's Ready condition.
 */
function ownedStatus(kind: string, status: unknown) {
  if (!isObject(status)) return undefined;
  const g = status as GatewayStatus;
  if (kind === 'Service') {
    const ingress = g.loadBalancer?.ingress;
    return ingress?.length
      ? {
          loadBalancer: {
            ingress: ingress.map(({ ip, hostname }) => ({ ip, hostname })),
          },
        }
      : undefined;
  }
  if (kind === 'Certificate') {
    const ready = g.conditions?.find(c => c.type === 'Ready');
    return ready
      ? {
          conditions: [
            {
              type: ready.type,
              status: ready.status,
              reason: ready.reason,
              message: ready.message,
            },
          ],
        }
      : undefined;
  }
  if (kind !== 'Deployment') return undefined;
  const s = status as DeploymentStatus;
  return {
    availableReplicas: s.availableReplicas,
    updatedReplicas: s.updatedReplicas,
    observedGeneration: s.observedGeneration,
    conditions: s.conditions?.map(({ type, status: st, reason }) => ({
      type,
      status: st,
      reason,
    })),
  };
}

/**
 * What the reconciler keeps of an object it made: metadata (labels, annotations, uid,
 * resourceVersion, generation, deletion) without the last-applied configuration, of managedFields
 * only the entries drift attribution reports, the fields some field manager owns (every rendered
 * value, for the drift check; not the server's defaults), and of the status only what
 * {@link ownedStatus} reads. An object without managedFields keeps all but its status. Pure.
 */
export function ownedObjectTransform(kind: string): InformerTransform {
  return object => {
    const {
      apiVersion,
      kind: objectKind,
      metadata: _metadata,
      status,
      ...content
    } = object;
    const entries = entriesOf(object);
    const owned = entries.length
      ? (ownedPart(
          content,
          mergeTrees(entries.map(e => e.fieldsV1 ?? {})),
        ) as Json)
      : content;
    const kept = ownedStatus(kind, status);
    return {
      ...(apiVersion ? { apiVersion } : {}),
      ...(objectKind ? { kind: objectKind } : {}),
      metadata: metadataOf(object, foreignManagedFields(entries)),
      ...owned,
      ...(kept ? { status: kept } : {}),
    } as KubeObject;
  };
}

/**
 * What the portal keeps of a KarsSandbox: all of it (views, status, annotations, finalizers; the
 * reconciler writes the cached object back with `replace`) but managedFields, which nothing reads
 * from the cache and which a replace without them leaves as they are. Pure.
 */
export function sandboxTransform<T extends KubeObject>(object: T): T {
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}

type ContainerState = {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { reason?: string };
};

const stateOf = (state: ContainerState | undefined) =>
  state && {
    ...(state.waiting ? { waiting: { reason: state.waiting.reason } } : {}),
    ...(state.running ? { running: {} } : {}),
    ...(state.terminated
      ? { terminated: { reason: state.terminated.reason } }
      : {}),
  };

const containerStatusOf = (s: any) => ({
  name: s.name,
  ready: s.ready,
  ...(s.restartCount !== undefined ? { restartCount: s.restartCount } : {}),
  ...(s.state ? { state: stateOf(s.state) } : {}),
  ...(s.lastState ? { lastState: stateOf(s.lastState) } : {}),
});

/**
 * What the backend keeps of a sandbox's pod: what the pod's fault (`podFault`), the choice of its
 * sandbox and the channel check's choice of the pod and run whose log it reads: name, namespace,
 * uid, labels, deletion, the phase, the PodScheduled condition and the containers' states and
 * restart counts. Pure.
 */
export function podTransform(pod: KubeObject): KubeObject {
  const m = pod.metadata;
  const status = (pod.status ?? {}) as any;
  const scheduled = (status.conditions ?? []).find(
    (c: any) => c.type === 'PodScheduled',
  );
  return {
    ...(pod.apiVersion ? { apiVersion: pod.apiVersion } : {}),
    ...(pod.kind ? { kind: pod.kind } : {}),
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.labels ? { labels: m.labels } : {}),
      ...(m.deletionTimestamp
        ? { deletionTimestamp: m.deletionTimestamp }
        : {}),
    },
    status: {
      ...(status.phase ? { phase: status.phase } : {}),
      ...(scheduled
        ? {
            conditions: [
              {
                type: scheduled.type,
                status: scheduled.status,
                reason: scheduled.reason,
                message: scheduled.message,
              },
            ],
          }
        : {}),
      ...(status.initContainerStatuses
        ? {
            initContainerStatuses:
              status.initContainerStatuses.map(containerStatusOf),
          }
        : {}),
      ...(status.containerStatuses
        ? { containerStatuses: status.containerStatuses.map(containerStatusOf) }
        : {}),
    },
  } as KubeObject;
}
