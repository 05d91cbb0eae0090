import { createHash } from 'crypto';

/** A Kubernetes object as read from the API server. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: any;
}

/** JSON with sorted keys, so equal objects serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter(k => (value as Record<string, unknown>)[k] !== undefined)
      .map(
        k =>
          `${JSON.stringify(k)}:${canonicalJson(
            (value as Record<string, unknown>)[k],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

/** `kind/namespace/name`, with the API group, which names one object in a cluster. */
export function objectKey(o: KubeObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${o.kind}${group ? `.${group}` : ''}/${o.metadata.namespace ?? ''}/${
    o.metadata.name
  }`;
}

/**
 * Kinds whose objects change without anyone writing what the suite judges: Events, and the Lease
 * the reconciler renews to stay leader.
 */
export const UNJUDGED_KINDS: ReadonlySet<string> = new Set(['Event', 'Lease']);

/**
 * What a write changes: the object without its resourceVersion, managedFields and status (status is
 * the reconciler's and the workload simulator's report, written as they observe the cluster).
 * Secret data is part of it, as a digest.
 */
export function contentDigest(o: KubeObject): string {
  const { resourceVersion, managedFields, ...metadata } = o.metadata;
  const { status, ...rest } = o;
  return sha256(canonicalJson({ ...rest, metadata }));
}

/** One object as a snapshot keeps it: no content, only digests. */
export interface SnapshotEntry {
  uid?: string;
  resourceVersion?: string;
  digest: string;
}

/** Every judged object of a cluster at one moment, by {@link objectKey}. */
export type Snapshot = Map<string, SnapshotEntry>;

export function takeSnapshot(objects: KubeObject[]): Snapshot {
  return new Map(
    objects
      .filter(o => !UNJUDGED_KINDS.has(o.kind))
      .map(o => [
        objectKey(o),
        {
          uid: o.metadata.uid,
          resourceVersion: o.metadata.resourceVersion,
          digest: contentDigest(o),
        },
      ]),
  );
}

/** A write the cluster shows between two snapshots. */
export interface Write {
  key: string;
  change: 'added' | 'removed' | 'changed' | 'replaced';
}

/**
 * The writes between two snapshots: objects added, removed, replaced (same name, new uid) or with
 * changed content. Objects whose resourceVersion moved with the same content (status only) are not
 * writes of what the suite judges.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): Write[] {
  const writes: Write[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b) writes.push({ key, change: 'added' });
    else if (b.uid !== a.uid) writes.push({ key, change: 'replaced' });
    else if (b.digest !== a.digest) writes.push({ key, change: 'changed' });
  }
  for (const key of before.keys()) {
    if (!after.has(key)) writes.push({ key, change: 'removed' });
  }
  return writes.sort((x, y) => x.key.localeCompare(y.key));
}
