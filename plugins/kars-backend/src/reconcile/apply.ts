import {
  KARS_ANNOTATIONS,
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_FIELD_MANAGER,
} from '@kars-portal/plugin-kars-common';
import {
  isStatus,
  KubeGateway,
  KubeObject,
} from '@kars-portal/plugin-kars-node';
import { subsetDifferences } from '../render/deepSubset';

/** The desired-hash annotation of an object. */
export const hashOf = (o: KubeObject | undefined) =>
  o?.metadata.annotations?.[KARS_ANNOTATIONS.desiredHash];

const OUR_MANAGERS = [KARS_FIELD_MANAGER, KARS_CREDENTIALS_FIELD_MANAGER];

/** A field of ours that another field manager owns, as its managedFields entry says. */
export interface ForeignEdit {
  manager: string;
  operation?: string;
  time?: string;
  /** The fields it owns that kars portal sets, as dotted paths (`spec.replicas`). */
  fields: string[];
}

/** A repaired difference between an object and what kars portal rendered for it. */
export interface Drift {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Who edited it, when they left a field manager (a `/scale` write leaves none). */
  edits: ForeignEdit[];
  /** Where the live object no longer holds the rendered values. */
  paths: string[];
}

/** One step of a fieldsV1 key as a path segment: `f:spec` → `spec`, `k:{"name":"a"}` → `[name=a]`. */
function segment(key: string): string {
  const body = key.slice(2);
  if (key.startsWith('f:')) return `.${body}`;
  if (key.startsWith('k:')) {
    const fields = JSON.parse(body) as Record<string, unknown>;
    return `[${Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}]`;
  }
  if (key.startsWith('v:')) return `[${body}]`;
  return `[${body}]`;
}

/** The leaf paths of a managedFields `fieldsV1` tree. Pure. */
export function fieldPaths(tree: Record<string, any>, prefix = ''): string[] {
  const children = Object.keys(tree).filter(k => k !== '.');
  if (!children.length) return prefix ? [prefix.replace(/^\./, '')] : [];
  return children.flatMap(k => fieldPaths(tree[k] ?? {}, prefix + segment(k)));
}

/**
 * The fields of the object that kars portal sets and someone else owns: any field outside metadata
 * and status, or one of the labels and annotations it renders. Status writers (controllers, the
 * simulator) and annotations it does not render do not count. Pure.
 */
export function foreignEdits(
  live: KubeObject,
  desired: KubeObject,
): ForeignEdit[] {
  const ourMetaKeys = new Set([
    ...Object.keys(desired.metadata.labels ?? {}),
    ...Object.keys(desired.metadata.annotations ?? {}),
  ]);
  const entries = (live.metadata.managedFields ?? []) as Array<{
    manager?: string;
    operation?: string;
    time?: string;
    subresource?: string;
    fieldsV1?: Record<string, any>;
  }>;
  return entries.flatMap(entry => {
    if (OUR_MANAGERS.includes(entry.manager ?? '') || entry.subresource)
      return [];
    const owned: Record<string, any> = {};
    for (const [field, value] of Object.entries(entry.fieldsV1 ?? {})) {
      if (field === 'f:status' || field === '.') continue;
      if (field !== 'f:metadata') {
        owned[field] = value;
        continue;
      }
      for (const part of ['f:labels', 'f:annotations']) {
        const ours = Object.keys(value?.[part] ?? {}).filter(k =>
          ourMetaKeys.has(k.slice(2)),
        );
        if (!ours.length) continue;
        owned['f:metadata'] ??= {};
        owned['f:metadata'][part] = Object.fromEntries(ours.map(k => [k, {}]));
      }
    }
    const fields = fieldPaths(owned);
    if (!fields.length) return [];
    return [
      {
        manager: entry.manager ?? '(none)',
        ...(entry.operation ? { operation: entry.operation } : {}),
        ...(entry.time ? { time: entry.time } : {}),
        fields,
      },
    ];
  });
}

/** Whether another field manager owns a field of the object that kars portal sets. Pure. */
export function hasForeignEdits(
  live: KubeObject,
  desired: KubeObject,
): boolean {
  return foreignEdits(live, desired).length > 0;
}

/**
 * Server-side apply (one field manager, forced) of what differs: an object is applied only when its
 * live copy has another desired hash, is gone, has a field of ours that someone else edited, or no
 * longer holds every rendered value (a write through a subresource such as `/scale` leaves no
 * field manager of its own). resourceVersions known to hold exactly what was desired are not
 * checked again.
 */
export class Applier {
  private readonly clean = new Map<string, string>();

  constructor(private readonly gateway: KubeGateway) {}

  /**
   * Applies the object when needed. It answers the drift it repaired: an object whose desired
   * hash had not changed but whose live values someone changed (undefined for a create, a spec
   * change, or a foreign owner of unchanged values).
   */
  async applyIfNeeded(
    desired: KubeObject,
    live: KubeObject | undefined,
  ): Promise<Drift | undefined> {
    const key = `${desired.kind}/${desired.metadata.namespace ?? ''}/${
      desired.metadata.name
    }`;
    let drift: Drift | undefined;
    if (live && hashOf(live) === hashOf(desired)) {
      const rv = String(live.metadata.resourceVersion ?? '');
      if (this.clean.get(key) === rv) return undefined;
      const edits = foreignEdits(live, desired);
      const paths = subsetDifferences(desired, live).map(d => d.path);
      if (!edits.length && !paths.length) {
        this.clean.set(key, rv);
        return undefined;
      }
      // Only a changed value is a repair; a foreign owner of an unchanged value is taken over
      // silently (it stays a co-owner, so it would otherwise be reported on every pass).
      if (paths.length)
        drift = {
          apiVersion: desired.apiVersion,
          kind: desired.kind,
          ...(desired.metadata.namespace
            ? { namespace: desired.metadata.namespace }
            : {}),
          name: desired.metadata.name,
          edits,
          paths,
        };
    }
    const applied = await this.gateway.apply(desired, {
      fieldManager: KARS_FIELD_MANAGER,
      force: true,
    });
    this.clean.set(key, String(applied.metadata.resourceVersion ?? ''));
    return drift;
  }
}

/**
 * Creates the object, or reads it when it exists already: one write where the object is new, and
 * no read before it (a create is the test of existence). The caller judges a read object (it may
 * be someone else's). A created object's fields belong to kars portal's field manager as an
 * update; the server-side applies that follow take them over.
 */
export async function createOrRead(
  gateway: KubeGateway,
  object: KubeObject,
): Promise<KubeObject> {
  try {
    return await gateway.create(object, { fieldManager: KARS_FIELD_MANAGER });
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
    const live = await gateway.get({
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
    });
    // Gone again between the two requests: the next pass creates it.
    if (!live) throw error;
    return live;
  }
}
