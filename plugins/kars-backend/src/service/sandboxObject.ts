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
import { canonicalJson } from '../render/hash';

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

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The schema under a field's default, optional and nullable wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (
    inner instanceof z.ZodDefault ||
    inner instanceof z.ZodOptional ||
    inner instanceof z.ZodNullable
  ) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner;
}

/**
 * The part of a stored value that the schema names: at every level, the fields it does not know
 * (such as the kars CLI's own) are left out, so they neither fail the strict parse nor cost the
 * block they sit in. Pure.
 */
export function knownFields(value: unknown, schema: z.ZodType): unknown {
  const inner = unwrapped(schema);
  if (inner instanceof z.ZodObject && isPlainObject(value)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key in shape)
        .map(([key, field]) => [key, knownFields(field, shape[key])]),
    );
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.map(item => knownFields(item, inner.element as z.ZodType));
  }
  return value;
}

/**
 * A stored value with the portal's value written into it: the schema's fields are the portal's (one
 * the portal's value lacks is removed), the fields the schema does not know stay as stored, at every
 * level; an array the portal left as it read it stays as stored, with its items' unknown fields. Pure.
 */
function writtenInto(
  stored: unknown,
  value: unknown,
  schema: z.ZodType,
): unknown {
  const inner = unwrapped(schema);
  if (
    inner instanceof z.ZodObject &&
    isPlainObject(stored) &&
    isPlainObject(value)
  ) {
    const shape = inner.shape as Record<string, z.ZodType>;
    return {
      ...Object.fromEntries(
        Object.entries(stored).filter(([key]) => !(key in shape)),
      ),
      ...Object.fromEntries(
        Object.entries(value).map(([key, field]) => [
          key,
          writtenInto(stored[key], field, shape[key]),
        ]),
      ),
    };
  }
  if (
    inner instanceof z.ZodArray &&
    Array.isArray(stored) &&
    canonicalJson(knownFields(stored, inner)) === canonicalJson(value)
  ) {
    return stored;
  }
  return value;
}

/**
 * The spec a write stores: the portal's spec written into the stored one, so the fields other
 * writers put there (`inferenceRef`, the kars CLI's `agent`, `sandbox.seccompProfile`, …) survive and
 * a sandbox-spec field the portal removed (`workloadIdentity: null`) stays removed. Pure.
 */
export function writtenSpec(
  stored: Record<string, unknown> | undefined,
  spec: SandboxSpec,
): Record<string, unknown> {
  return writtenInto(stored ?? {}, spec, sandboxSpecSchema) as Record<
    string,
    unknown
  >;
}

/**
 * The spec of a KarsSandbox object: every field the portal's schema names, read as written; the
 * fields it does not know (`inferenceRef`, the kars CLI's own) are left out here and kept on the
 * object by {@link writtenSpec}. A field the schema names but whose value it refuses (another tool
 * wrote it) makes its block read as the default.
 */
export function readSandboxSpec(raw: Record<string, unknown>): SandboxSpec {
  const known = knownFields(raw ?? {}, sandboxSpecSchema);
  const exact = sandboxSpecSchema.safeParse(known);
  if (exact.success) return exact.data;
  return lenientSpecSchema.parse(known) as SandboxSpec;
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
