import {
  KARS_ANNOTATIONS,
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_FIELD_MANAGER,
} from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import { subsetDifferences } from '../render/deepSubset';

/** The desired-hash annotation of an object. */
export const hashOf = (o: KubeObject | undefined) =>
  o?.metadata.annotations?.[KARS_ANNOTATIONS.desiredHash];

const OUR_MANAGERS = [KARS_FIELD_MANAGER, KARS_CREDENTIALS_FIELD_MANAGER];

/**
 * Whether someone other than kars portal owns a field of the object that kars portal sets: any
 * field outside metadata and status, or one of the labels and annotations it renders. Status
 * writers (controllers, the simulator) and annotations it does not render do not count. Pure.
 */
export function hasForeignEdits(
  live: KubeObject,
  desired: KubeObject,
): boolean {
  const ourMetaKeys = new Set([
    ...Object.keys(desired.metadata.labels ?? {}),
    ...Object.keys(desired.metadata.annotations ?? {}),
  ]);
  const entries = (live.metadata.managedFields ?? []) as Array<{
    manager?: string;
    subresource?: string;
    fieldsV1?: Record<string, any>;
  }>;
  return entries.some(entry => {
    if (OUR_MANAGERS.includes(entry.manager ?? '') || entry.subresource)
      return false;
    return Object.entries(entry.fieldsV1 ?? {}).some(([field, value]) => {
      if (field === 'f:status' || field === '.') return false;
      if (field !== 'f:metadata') return true;
      return ['f:labels', 'f:annotations'].some(part =>
        Object.keys(value?.[part] ?? {}).some(k => ourMetaKeys.has(k.slice(2))),
      );
    });
  });
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

  async applyIfNeeded(desired: KubeObject, live: KubeObject | undefined) {
    const key = `${desired.kind}/${desired.metadata.namespace ?? ''}/${
      desired.metadata.name
    }`;
    if (live && hashOf(live) === hashOf(desired)) {
      const rv = String(live.metadata.resourceVersion ?? '');
      if (this.clean.get(key) === rv) return;
      if (
        !hasForeignEdits(live, desired) &&
        subsetDifferences(desired, live).length === 0
      ) {
        this.clean.set(key, rv);
        return;
      }
    }
    const applied = await this.gateway.apply(desired, {
      fieldManager: KARS_FIELD_MANAGER,
      force: true,
    });
    this.clean.set(key, String(applied.metadata.resourceVersion ?? ''));
  }
}
