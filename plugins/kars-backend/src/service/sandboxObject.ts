import {
  KARS_ANNOTATIONS,
  KARS_API_GROUP_VERSION,
  KARS_FINALIZER,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  KARS_SANDBOX_KIND,
  Sandbox,
  sandboxNamespace,
  sandboxObjectNames,
  SandboxSpec,
  sandboxSpecSchema,
  SandboxStatus,
  sandboxStatusSchema,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** A KarsSandbox object as the API server holds it. */
export interface KarsSandboxObject extends KubeObject {
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Annotation on the KarsSandbox listing the credential keys set (names only, never values). */
export const CREDENTIAL_KEYS_ANNOTATION = 'kars.azure.com/credential-keys';

/** The KarsSandbox object the backend creates for a validated spec. */
export function buildSandboxObject(
  name: string,
  spec: SandboxSpec,
  operatorNamespace: string,
): KarsSandboxObject {
  return {
    apiVersion: KARS_API_GROUP_VERSION,
    kind: KARS_SANDBOX_KIND,
    metadata: {
      name,
      namespace: operatorNamespace,
      labels: {
        [KARS_LABELS.appName]: KARS_LABEL_VALUES.appName,
        [KARS_LABELS.managedBy]: KARS_LABEL_VALUES.managedBy,
      },
      finalizers: [KARS_FINALIZER],
    },
    spec: {
      ...spec,
      inferenceRef: { name: sandboxObjectNames(name).inferencePolicy },
    },
  };
}

const lenientSpecSchema = z.object(
  Object.fromEntries(
    Object.entries(sandboxSpecSchema.shape).map(([key, schema]) => [
      key,
      (schema as z.ZodType).catch(
        () => (sandboxSpecSchema.shape as any)[key].safeParse(undefined).data,
      ),
    ]),
  ),
);

/**
 * The spec of a KarsSandbox object. Objects the portal made parse exactly; one made by other tools
 * (the kars CLI) reads sensibly: fields it does not understand keep their defaults.
 */
export function readSandboxSpec(raw: Record<string, unknown>): SandboxSpec {
  const { inferenceRef: _ignored, ...rest } = raw ?? {};
  const exact = sandboxSpecSchema.safeParse(rest);
  if (exact.success) return exact.data;
  return lenientSpecSchema.parse(rest) as SandboxSpec;
}

/** The status of a KarsSandbox object, tolerating what other writers put there. */
export function readSandboxStatus(raw: unknown): SandboxStatus {
  const parsed = sandboxStatusSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : { conditions: [] };
}

/** The credential key names recorded on the object. */
export function credentialKeysOf(object: KubeObject): string[] {
  const value = object.metadata.annotations?.[CREDENTIAL_KEYS_ANNOTATION];
  return value ? value.split(',').filter(Boolean) : [];
}

/** The API view of a KarsSandbox object. */
export function toSandbox(object: KarsSandboxObject, cluster: string): Sandbox {
  const name = object.metadata.name;
  return {
    name,
    cluster,
    namespace: sandboxNamespace(name),
    spec: readSandboxSpec(object.spec),
    status: readSandboxStatus(object.status),
    credentialKeys: credentialKeysOf(object),
    uid: String(object.metadata.uid ?? ''),
    generation: Number(object.metadata.generation ?? 0),
    createdAt: String(object.metadata.creationTimestamp ?? ''),
    deleting: Boolean(object.metadata.deletionTimestamp),
  };
}

/** Whether a namespace carries the claim of the backend for this sandbox. */
export function isClaimedNamespace(namespace: KubeObject, name: string) {
  return (
    namespace.metadata.labels?.[KARS_LABELS.managedBy] ===
      KARS_LABEL_VALUES.managedBy &&
    namespace.metadata.annotations?.[KARS_ANNOTATIONS.sandboxName] === name
  );
}

/**
 * Whether deleting this sandbox takes the namespace: it carries the claim for the sandbox and, when
 * it records a sandbox uid, this sandbox's (a namespace claimed by an earlier sandbox of the same name
 * is not this one's). The reconciler's finalizer and the delete dry run judge it alike.
 */
export function isOwnNamespace(
  namespace: KubeObject,
  sandbox: KarsSandboxObject,
) {
  return (
    isClaimedNamespace(namespace, sandbox.metadata.name) &&
    [undefined, '', String(sandbox.metadata.uid)].includes(
      namespace.metadata.annotations?.[KARS_ANNOTATIONS.sandboxUid],
    )
  );
}
