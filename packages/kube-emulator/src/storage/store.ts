import { KubeObject } from '../api/types';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as kept in the bounded history watches resume from. */
export interface StoreEvent {
  type: EventType;
  rv: number;
  resource: string;
  object: KubeObject;
  /** The object before this write (MODIFIED, DELETED). */
  prev?: KubeObject;
}

const keyOf = (namespace: string | undefined, name: string) =>
  `${namespace ?? ''}/${name}`;

/** Byte-order comparison, as etcd orders keys. */
const byKey = (a: string, b: string) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

/**
 * The in-memory object store: one global, monotonic resourceVersion, objects per resource, and a
 * bounded event history so watches can resume and paged lists stay consistent.
 */
export class ObjectStore {
  private rv = 0;
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  /** Each table's keys in etcd order, rebuilt after a key is added or removed. */
  private readonly sortedKeys = new Map<string, string[]>();
  private history: StoreEvent[] = [];
  /** Events after this revision are all in `history`. */
  private historyFloor = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly historyLimit = 10000) {}

  get resourceVersion() {
    return this.rv;
  }

  /** The oldest revision a watch or continue token may start from. */
  get oldestResumableVersion() {
    return this.historyFloor;
  }

  /** Forgets the history so far (after bootstrap, like a fresh watch cache). */
  resetHistory() {
    this.history = [];
    this.historyFloor = this.rv;
  }

  private table(resource: string) {
    let t = this.tables.get(resource);
    if (!t) {
      t = new Map();
      this.tables.set(resource, t);
    }
    return t;
  }

  get(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.tables.get(resource)?.get(keyOf(namespace, name));
  }

  /** Objects of a resource in key order, optionally in one namespace. */
  list(resource: string, namespace?: string): KubeObject[] {
    const t = this.tables.get(resource);
    if (!t) return [];
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...t.keys()].sort(byKey);
      this.sortedKeys.set(resource, keys);
    }
    const prefix = namespace === undefined ? '' : `${namespace}/`;
    const out: KubeObject[] = [];
    for (const k of keys) if (k.startsWith(prefix)) out.push(t.get(k)!);
    return out;
  }

  resources(): string[] {
    return [...this.tables.keys()];
  }

  /** Writes an object (create or update), assigning the next resourceVersion. */
  put(resource: string, object: KubeObject): KubeObject {
    const key = keyOf(object.metadata.namespace, object.metadata.name);
    const t = this.table(resource);
    const prev = t.get(key);
    if (!prev) this.sortedKeys.delete(resource);
    const rv = ++this.rv;
    const stored: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(rv) },
    };
    t.set(key, stored);
    this.record({
      type: prev ? 'MODIFIED' : 'ADDED',
      rv,
      resource,
      object: stored,
      prev,
    });
    return stored;
  }

  /** Removes an object; the DELETED event carries the deletion's resourceVersion. */
  remove(resource: string, object: KubeObject): KubeObject {
    const key = keyOf(object.metadata.namespace, object.metadata.name);
    const t = this.table(resource);
    const prev = t.get(key);
    if (!prev) return object;
    t.delete(key);
    this.sortedKeys.delete(resource);
    const rv = ++this.rv;
    const gone: KubeObject = {
      ...prev,
      metadata: { ...prev.metadata, resourceVersion: String(rv) },
    };
    this.record({ type: 'DELETED', rv, resource, object: gone, prev });
    return gone;
  }

  private record(event: StoreEvent) {
    this.history.push(event);
    // Trimmed a tenth of the limit at a time, not on every write: a shift of the whole array per
    // write made each write O(history) once the history was full.
    if (
      this.history.length >
      this.historyLimit + Math.ceil(this.historyLimit / 10)
    ) {
      const dropped = this.history.splice(
        0,
        this.history.length - this.historyLimit,
      );
      this.historyFloor = dropped[dropped.length - 1].rv;
    }
    for (const l of [...this.listeners]) l(event);
  }

  /** Events after `rv` of one resource, or undefined when `rv` is older than the history. */
  eventsSince(resource: string, rv: number): StoreEvent[] | undefined {
    if (rv < this.historyFloor) return undefined;
    return this.history.filter(e => e.rv > rv && e.resource === resource);
  }

  /** The objects of a resource as they were at revision `rv`, or undefined when too old. */
  listAt(
    resource: string,
    rv: number,
    namespace?: string,
  ): KubeObject[] | undefined {
    if (rv >= this.rv) return this.list(resource, namespace);
    const later = this.eventsSince(resource, rv);
    if (!later) return undefined;
    const state = new Map(
      this.list(resource, namespace).map(o => [
        keyOf(o.metadata.namespace, o.metadata.name),
        o,
      ]),
    );
    for (const e of later.reverse()) {
      if (namespace !== undefined && e.object.metadata.namespace !== namespace)
        continue;
      const key = keyOf(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type === 'ADDED') state.delete(key);
      else if (e.prev) state.set(key, e.prev);
    }
    return [...state.entries()]
      .sort(([a], [b]) => byKey(a, b))
      .map(([, v]) => v);
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Everything, for persistence. */
  dump(): { resourceVersion: number; resources: Record<string, KubeObject[]> } {
    const resources: Record<string, KubeObject[]> = {};
    for (const [resource, t] of this.tables)
      if (t.size) resources[resource] = [...t.values()];
    return { resourceVersion: this.rv, resources };
  }

  /** Restores a dump without recording events. */
  load(state: {
    resourceVersion: number;
    resources: Record<string, KubeObject[]>;
  }) {
    for (const [resource, objects] of Object.entries(state.resources)) {
      const t = this.table(resource);
      for (const o of objects)
        t.set(keyOf(o.metadata.namespace, o.metadata.name), o);
      this.sortedKeys.delete(resource);
    }
    this.rv = Math.max(this.rv, state.resourceVersion);
    this.resetHistory();
  }
}
