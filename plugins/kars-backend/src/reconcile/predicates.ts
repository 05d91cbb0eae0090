import { KARS_ANNOTATIONS } from '@kars-portal/plugin-kars-common';
import { InformerEvent } from '../kube/Informer';
import { GatewayStatus } from '../kube/transforms';
import { canonicalJson } from '../render/hash';
import { CREDENTIAL_KEYS_ANNOTATION } from '../service/sandboxObject';
import { Observation } from './status';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** A change to one object that an informer saw (a resync is nobody's change). */
export type ObjectEvent<T extends KubeObject = KubeObject> = Exclude<
  InformerEvent<T>,
  { type: 'resync' }
>;

/**
 * Whether to act on a change, in the manner of controller-runtime's `pkg/predicate`. Pure.
 */
export type Predicate<T extends KubeObject = KubeObject> = (
  event: ObjectEvent<T>,
) => boolean;

/**
 * A predicate that judges updates by `changed(old, new)`. An object new to the cache and a
 * deletion always pass (as controller-runtime's predicates pass create and delete events).
 */
export function onUpdate<T extends KubeObject = KubeObject>(
  changed: (old: T, next: T) => boolean,
): Predicate<T> {
  return event =>
    event.type === 'delete' || !event.old || changed(event.old, event.object);
}

/** Passes what any of the predicates passes. */
export function or<T extends KubeObject = KubeObject>(
  ...predicates: Predicate<T>[]
): Predicate<T> {
  return event => predicates.some(p => p(event));
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** metadata.generation changed: the API server counts every write to what is not metadata or status. */
export const generationChanged: Predicate = onUpdate(
  (old, next) => old.metadata.generation !== next.metadata.generation,
);

/** Another object of the same name: deleted and made again between two lists. */
export const uidChanged: Predicate = onUpdate(
  (old, next) => old.metadata.uid !== next.metadata.uid,
);

/** Deletion began, or a finalizer came or went. */
export const finalizationChanged: Predicate = onUpdate(
  (old, next) =>
    old.metadata.deletionTimestamp !== next.metadata.deletionTimestamp ||
    !same(old.metadata.finalizers ?? [], next.metadata.finalizers ?? []),
);

/** One of these annotations changed (added, removed or another value). */
export function annotationsChanged(keys: readonly string[]): Predicate {
  return onUpdate((old, next) =>
    keys.some(
      key =>
        old.metadata.annotations?.[key] !== next.metadata.annotations?.[key],
    ),
  );
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
  time?: string;
  fieldsV1?: Record<string, unknown>;
}

/**
 * Who owns which field, without what status writes change: entries of a subresource (status
 * writers), the status part of the others, and the time of each write.
 */
function ownership(managedFields: unknown) {
  return ((managedFields as ManagedFieldsEntry[] | undefined) ?? [])
    .filter(entry => !entry.subresource)
    .map(({ time: _time, fieldsV1, ...entry }) => {
      const { 'f:status': _status, ...fields } = fieldsV1 ?? {};
      return { ...entry, fieldsV1: fields };
    })
    .filter(entry => Object.keys(entry.fieldsV1).length > 0);
}

/** An object without its status and without what a status write changes in its metadata. */
function withoutStatus(object: KubeObject) {
  const { status: _status, metadata, ...rest } = object;
  const { resourceVersion: _version, managedFields, ...meta } = metadata;
  return {
    ...rest,
    metadata: { ...meta, managedFields: ownership(managedFields) },
  };
}

/**
 * Anything but status changed: spec or data, labels, annotations, finalizers, deletion, or who owns
 * a field (a foreign edit of a field kars portal sets is drift even when the value is the same).
 */
export const contentChanged: Predicate = onUpdate(
  (old, next) => !same(withoutStatus(old), withoutStatus(next)),
);

type DeploymentObject = KubeObject & {
  spec?: { replicas?: number };
  status?: {
    availableReplicas?: number;
    updatedReplicas?: number;
    observedGeneration?: number;
    conditions?: Array<{ type: string; reason?: string }>;
  };
};

/** What of a Deployment the sandbox's phase and conditions are computed from. Pure. */
export function deploymentObservation(
  deployment: KubeObject,
): NonNullable<Observation['deployment']> {
  const d = deployment as DeploymentObject;
  return {
    replicas: d.spec?.replicas ?? 1,
    availableReplicas: d.status?.availableReplicas ?? 0,
    updatedReplicas: d.status?.updatedReplicas ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
    generation: Number(d.metadata.generation ?? 0),
    progressDeadlineExceeded: (d.status?.conditions ?? []).some(
      c => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
    ),
  };
}

/** The Deployment's rollout or availability, as the sandbox's phase reads it, changed. */
export const deploymentReadinessChanged: Predicate = onUpdate(
  (old, next) => !same(deploymentObservation(old), deploymentObservation(next)),
);

/**
 * The annotations of a KarsSandbox that the reconciler reads: the status computes
 * CredentialsConfigured from the credential key names, and the renderer copies the restart
 * annotation into the pod template. A change to any other annotation waits for the resync, so an
 * annotation the renderer or the status starts to read belongs here.
 */
export const RECONCILED_SANDBOX_ANNOTATIONS = [
  CREDENTIAL_KEYS_ANNOTATION,
  KARS_ANNOTATIONS.restartedAt,
] as const;

/**
 * Which KarsSandbox changes the reconciler acts on: a new or deleted sandbox, a new spec
 * (generation), an annotation it reads, deletion and finalizers, another object under the same
 * name. Not a status write, its own included: those would only queue a pass that finds nothing
 * to do. The periodic resync still queues every sandbox.
 */
export const sandboxNeedsReconcile: Predicate = or(
  generationChanged,
  annotationsChanged(RECONCILED_SANDBOX_ANNOTATIONS),
  finalizationChanged,
  uidChanged,
);

/**
 * Which changes of an object the reconciler made queue its sandbox: any but a status-only one
 * (drift is repaired), and also a status change the sandbox's status reads: a Deployment's
 * rollout and availability, a Service's load-balancer address, a Certificate's readiness.
 */
export function ownedNeedsReconcile(kind: string): Predicate {
  if (kind === 'Deployment') {
    return or(contentChanged, deploymentReadinessChanged);
  }
  if (kind === 'Service') {
    return or(
      contentChanged,
      onUpdate(
        (old, next) => loadBalancerAddress(old) !== loadBalancerAddress(next),
      ),
    );
  }
  if (kind === 'Certificate') {
    return or(
      contentChanged,
      onUpdate(
        (old, next) =>
          !same(certificateReadiness(old), certificateReadiness(next)),
      ),
    );
  }
  return contentChanged;
}

type GatewayObject = KubeObject & { status?: GatewayStatus };

/** The first address the cloud gave a LoadBalancer Service (an IP or a host name), if any. Pure. */
export function loadBalancerAddress(service: KubeObject): string | undefined {
  const first = (service as GatewayObject).status?.loadBalancer?.ingress?.[0];
  return first?.ip || first?.hostname || undefined;
}

/** A cert-manager Certificate's Ready condition, as the sandbox's gateway condition reads it. Pure. */
export function certificateReadiness(certificate: KubeObject): {
  ready: boolean;
  reason: string;
  message: string;
} {
  const ready = (certificate as GatewayObject).status?.conditions?.find(
    c => c.type === 'Ready',
  );
  return {
    ready: ready?.status === 'True',
    reason: ready?.reason || 'Pending',
    message: ready?.message ?? '',
  };
}

/**
 * Which KarsSandbox changes can change its catalog entities, which are made of its name, cluster
 * and spec: a new or deleted sandbox, a new spec (generation), another object under the same name.
 */
export const sandboxChangesEntities: Predicate = or(
  generationChanged,
  uidChanged,
);
