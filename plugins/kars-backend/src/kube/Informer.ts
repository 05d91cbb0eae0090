import { LoggerService } from '@backstage/backend-plugin-api';
import { InformerTransform } from './transforms';
import {
  KubeApiError,
  KubeGateway,
  KubeObject,
  WatchHandle,
} from '@kars-portal/plugin-kars-node';

/** What an informer watches. */
export interface InformerOptions<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  /** Relist when no event (not even a bookmark) arrived for this long. */
  stallTimeoutMs?: number;
  /** Delay before relisting after an error. */
  retryDelayMs?: number;
  /**
   * What of each listed or watched object the cache keeps (client-go's `SetTransform`); listeners
   * and readers see only the transformed object. Default: all of it.
   */
  transform?: InformerTransform<T>;
}

/**
 * A change the informer saw, after its cache applied it. An upsert carries the object the cache held
 * before (`old`), absent when the object is new to the cache.
 */
export type InformerEvent<T> =
  | { type: 'upsert'; object: T; old?: T }
  | { type: 'delete'; object: T }
  | { type: 'resync' };

const keyOf = (o: KubeObject) =>
  o.metadata.namespace
    ? `${o.metadata.namespace}/${o.metadata.name}`
    : o.metadata.name;

/**
 * A list-watch cache: lists, then watches from the list's resourceVersion; relists on any watch
 * error (410 Gone included) and when the watch falls silent for longer than the stall timeout.
 * Level-triggered consumers read {@link Informer.list} and get told what changed.
 */
export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  /** The same objects by namespace (cluster-scoped ones under ''), for per-sandbox reads. */
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly listeners = new Set<(event: InformerEvent<T>) => void>();
  private readonly waiters = new Set<() => void>();
  private resourceVersion = '';
  private watch?: WatchHandle;
  private stallTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private running = false;
  private synced = false;
  private syncedPromise: Promise<void>;
  private resolveSynced!: () => void;
  private generation = 0;

  constructor(
    private readonly gateway: KubeGateway,
    private readonly options: InformerOptions<T>,
    private readonly logger: LoggerService,
  ) {
    this.syncedPromise = new Promise(r => (this.resolveSynced = r));
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  async start(): Promise<void> {
    if (this.running) return this.syncedPromise;
    this.running = true;
    void this.relist();
    return this.syncedPromise;
  }

  stop() {
    this.running = false;
    this.generation++;
    this.watch?.stop();
    clearTimeout(this.stallTimer);
    clearTimeout(this.retryTimer);
  }

  get hasSynced() {
    return this.synced;
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** The cached objects of one namespace, without a scan of the others. */
  listInNamespace(namespace: string): T[] {
    return [...(this.byNamespace.get(namespace)?.values() ?? [])];
  }

  private put(key: string, item: T) {
    const namespace = item.metadata.namespace ?? '';
    this.items.set(key, item);
    let inNamespace = this.byNamespace.get(namespace);
    if (!inNamespace) {
      inNamespace = new Map();
      this.byNamespace.set(namespace, inNamespace);
    }
    inNamespace.set(key, item);
  }

  private remove(key: string, item: T) {
    const namespace = item.metadata.namespace ?? '';
    this.items.delete(key);
    const inNamespace = this.byNamespace.get(namespace);
    inNamespace?.delete(key);
    if (inNamespace?.size === 0) this.byNamespace.delete(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (event: InformerEvent<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Waits until the cache satisfies a condition (read-your-writes), checking after every change,
   * up to a timeout; resolves true when it did.
   */
  waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise(resolve => {
      const timers: NodeJS.Timeout[] = [];
      const finish = (met: boolean, check: () => void) => {
        timers.forEach(clearTimeout);
        this.waiters.delete(check);
        resolve(met);
      };
      const check = () => {
        if (condition()) finish(true, check);
      };
      timers.push(setTimeout(() => finish(false, check), timeoutMs));
      this.waiters.add(check);
    });
  }

  private emit(event: InformerEvent<T>) {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`informer listener failed: ${error}`);
      }
    }
    for (const check of [...this.waiters]) check();
  }

  private async relist() {
    const generation = ++this.generation;
    this.watch?.stop();
    clearTimeout(this.stallTimer);
    if (!this.running) return;
    try {
      const all: T[] = [];
      let continueToken: string | undefined;
      let resourceVersion = '';
      do {
        const page = await this.gateway.list<T>(
          this.options.apiVersion,
          this.options.kind,
          {
            namespace: this.options.namespace,
            labelSelector: this.options.labelSelector,
            limit: 500,
            continueToken,
          },
        );
        const transform = this.options.transform;
        all.push(...(transform ? page.items.map(transform) : page.items));
        continueToken = page.continue;
        resourceVersion = page.resourceVersion;
      } while (continueToken);
      if (generation !== this.generation) return;
      const seen = new Set(all.map(keyOf));
      for (const [key, old] of this.items) {
        if (!seen.has(key)) {
          this.remove(key, old);
          this.emit({ type: 'delete', object: old });
        }
      }
      for (const item of all) {
        const key = keyOf(item);
        const old = this.items.get(key);
        this.put(key, item);
        if (old?.metadata.resourceVersion !== item.metadata.resourceVersion) {
          this.emit({ type: 'upsert', object: item, old });
        }
      }
      this.resourceVersion = resourceVersion;
      if (!this.synced) {
        this.synced = true;
        this.resolveSynced();
      }
      this.emit({ type: 'resync' });
      await this.startWatch(generation);
    } catch (error) {
      this.scheduleRelist(generation, error);
    }
  }

  private scheduleRelist(generation: number, error: unknown) {
    if (generation !== this.generation || !this.running) return;
    const gone = error instanceof KubeApiError && error.statusCode === 410;
    if (!gone) {
      this.logger.warn(
        `${this.options.kind} list-watch failed, relisting: ${
          error instanceof Error ? error.message : error
        }`,
      );
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => void this.relist(),
      gone ? 0 : this.options.retryDelayMs ?? 1000,
    );
  }

  private armWatchdog(generation: number) {
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      if (generation !== this.generation) return;
      this.logger.warn(`${this.options.kind} watch fell silent, relisting`);
      void this.relist();
    }, this.options.stallTimeoutMs ?? 5 * 60_000);
  }

  private async startWatch(generation: number) {
    this.armWatchdog(generation);
    this.watch = await this.gateway.watch<T>(
      this.options.apiVersion,
      this.options.kind,
      {
        namespace: this.options.namespace,
        labelSelector: this.options.labelSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
      },
      event => {
        if (generation !== this.generation) return;
        this.armWatchdog(generation);
        const rv = event.object.metadata.resourceVersion as string | undefined;
        if (rv) this.resourceVersion = rv;
        if (event.type === 'BOOKMARK') return;
        const object = this.options.transform?.(event.object) ?? event.object;
        const key = keyOf(object);
        if (event.type === 'DELETED') {
          this.remove(key, object);
          this.emit({ type: 'delete', object });
        } else {
          const old = this.items.get(key);
          this.put(key, object);
          this.emit({ type: 'upsert', object, old });
        }
      },
      error => {
        if (generation !== this.generation) return;
        if (error) {
          this.scheduleRelist(generation, error);
        } else {
          void this.restartWatch(generation);
        }
      },
    );
  }

  private async restartWatch(generation: number) {
    try {
      await this.startWatch(generation);
    } catch (error) {
      this.scheduleRelist(generation, error);
    }
  }
}
