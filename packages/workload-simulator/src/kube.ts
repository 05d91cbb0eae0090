import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** A Kubernetes object as plain JSON (what the API server sends and takes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** An API error: the HTTP status and the Status object's message. */
export class KubeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Five to ten minutes, as client-go's reflectors ask, so the watches of many clients end apart. */
const randomWatchTimeoutSeconds = () => 300 + Math.floor(Math.random() * 300);

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

/**
 * Plain JSON over the API server of a kubeconfig. client-node's typed models rename or drop fields
 * (a Node's `status.runtimeHandlers`, say), so everything the simulator writes goes as JSON.
 */
export class KubeClient {
  private readonly server: URL;
  /** One kept-alive agent for every request (client-node's own closes each connection after use). */
  private agent?: http.Agent;
  /** A connection per watch, not kept: watches never take the requests' connections. */
  private watchAgent?: http.Agent;

  constructor(readonly kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    this.server = new URL(cluster.server);
  }

  /** The transport, URL and options (credentials included) of a request on `agentKind`. */
  private async prepare(
    path: string,
    headers: http.OutgoingHttpHeaders,
    agentKind: 'requests' | 'watches',
  ) {
    const options: https.RequestOptions = { headers };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const transport = this.server.protocol === 'https:' ? https : http;
    const tls = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      rejectUnauthorized: options.rejectUnauthorized,
      servername: options.servername,
    };
    if (agentKind === 'requests') {
      this.agent ??= new transport.Agent({
        keepAlive: true,
        maxSockets: 32,
        ...tls,
      });
      options.agent = this.agent;
    } else {
      this.watchAgent ??= new transport.Agent({ keepAlive: false, ...tls });
      options.agent = this.watchAgent;
    }
    const url = new URL(
      this.server.pathname.replace(/\/$/, '') + path,
      this.server,
    );
    return { transport, url, options };
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<Obj> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { transport, url, options } = await this.prepare(
      path,
      {
        accept: 'application/json',
        'content-type': contentType,
        // Node frames no body of a DELETE unless its length is given.
        ...(payload === undefined
          ? {}
          : { 'content-length': Buffer.byteLength(payload) }),
      },
      'requests',
    );
    options.method = method;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, options, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Obj = {};
          try {
            json = text ? JSON.parse(text) : {};
          } catch {
            json = { message: text };
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            reject(
              new KubeError(
                status,
                `${method} ${path}: HTTP ${status} ${json.message ?? ''}`,
              ),
            );
          } else resolve(json);
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  get = (path: string) => this.request('GET', path);
  create = (path: string, body: unknown) => this.request('POST', path, body);
  mergePatch = (path: string, body: unknown) =>
    this.request('PATCH', path, body, 'application/merge-patch+json');
  delete = (path: string, body?: unknown) => this.request('DELETE', path, body);

  /**
   * Watches a collection: `onEvent` hears each event the server sends (one JSON line each, read
   * as it comes, without client-node's web streams and readline), `onDone` once, when the stream
   * ends: with nothing when the server ended it, with the reason when it failed. Resolves, once
   * the server has answered, to a function that stops the watch.
   */
  async watch(
    path: string,
    params: Record<string, string | undefined>,
    onEvent: (type: string, object: Obj) => void,
    onDone: (error?: unknown) => void,
  ): Promise<() => void> {
    const { transport, url, options } = await this.prepare(
      `${path}${query({ ...params, watch: 'true' })}`,
      { accept: 'application/json' },
      'watches',
    );
    const abort = new AbortController();
    options.signal = abort.signal;
    let ended = false;
    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      abort.abort();
      onDone(error);
    };
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, options, resolve);
      req.on('error', reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      res.resume();
      abort.abort();
      throw new KubeError(status, `WATCH ${path}: HTTP ${status}`);
    }
    // One JSON event per line; a chunk may end inside a line.
    let pending = '';
    const line = (text: string) => {
      let event: { type?: string; object?: Obj };
      try {
        event = JSON.parse(text);
      } catch (error) {
        end(error);
        return;
      }
      onEvent(event.type ?? '', event.object ?? {});
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      pending += chunk;
      let start = 0;
      for (
        let newline = pending.indexOf('\n');
        newline >= 0 && !ended;
        newline = pending.indexOf('\n', start)
      ) {
        if (newline > start) line(pending.slice(start, newline));
        start = newline + 1;
      }
      pending = pending.slice(start);
    });
    res.on('end', () => {
      if (pending.trim() && !ended) line(pending);
      end();
    });
    res.on('error', error => end(error));
    res.on('close', () => end());
    return () => {
      ended = true;
      abort.abort();
    };
  }

  /** Closes the kept-alive connections and the watches. */
  close() {
    this.agent?.destroy();
    this.watchAgent?.destroy();
  }
}

/**
 * What an informer keeps: every object of one collection (with a label selector), by
 * namespace/name and by namespace, from a list and then a watch that is restarted when it ends.
 * `onChange` hears the namespace and event type of each object the watch brings (no namespace
 * after a new list: anything may have changed).
 */
export class Collection {
  private readonly objects = new Map<string, Obj>();
  private readonly byNamespace = new Map<string, Map<string, Obj>>();
  private stopWatch?: () => void;
  private restart?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly path: string,
    private readonly labelSelector: string | undefined,
    private readonly onChange: (
      namespace: string | undefined,
      type?: 'ADDED' | 'MODIFIED' | 'DELETED',
    ) => void,
    /** Asks the server to end each watch after this long; by default after five to ten minutes. */
    private readonly watchTimeoutSeconds?: number,
  ) {}

  static key = (o: Obj) =>
    o.metadata?.namespace
      ? `${o.metadata.namespace}/${o.metadata.name}`
      : o.metadata?.name;

  get(key: string): Obj | undefined {
    return this.objects.get(key);
  }

  has(key: string): boolean {
    return this.objects.has(key);
  }

  get size(): number {
    return this.objects.size;
  }

  list(): Obj[] {
    return [...this.objects.values()];
  }

  /** The objects in one namespace. */
  inNamespace(namespace: string): Obj[] {
    return [...(this.byNamespace.get(namespace)?.values() ?? [])];
  }

  /** The namespaces that hold any of the objects. */
  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  private put(o: Obj) {
    const key = Collection.key(o);
    this.objects.set(key, o);
    const namespace = o.metadata?.namespace ?? '';
    let inNamespace = this.byNamespace.get(namespace);
    if (!inNamespace) {
      inNamespace = new Map();
      this.byNamespace.set(namespace, inNamespace);
    }
    inNamespace.set(key, o);
  }

  private drop(o: Obj) {
    const key = Collection.key(o);
    this.objects.delete(key);
    const namespace = o.metadata?.namespace ?? '';
    const inNamespace = this.byNamespace.get(namespace);
    inNamespace?.delete(key);
    if (inNamespace?.size === 0) this.byNamespace.delete(namespace);
  }

  async start(): Promise<void> {
    const list = await this.client.get(
      `${this.path}${query({ labelSelector: this.labelSelector })}`,
    );
    this.objects.clear();
    this.byNamespace.clear();
    for (const o of list.items ?? []) this.put(o);
    this.onChange(undefined);
    if (this.stopped) return;
    await this.watchFrom(list.metadata?.resourceVersion);
  }

  /**
   * Watches from a resourceVersion. When the server ends the watch it resumes from the last
   * version seen; a version the server no longer has (410 Expired) or a failed watch lists anew.
   */
  private async watchFrom(from: string | undefined) {
    let resourceVersion = from;
    let expired = false;
    const stopWatch = await this.client.watch(
      this.path,
      {
        labelSelector: this.labelSelector,
        resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(
          this.watchTimeoutSeconds ?? randomWatchTimeoutSeconds(),
        ),
      },
      (type, o) => {
        if (type === 'ERROR') {
          expired = o.code === 410;
          return;
        }
        resourceVersion = o.metadata?.resourceVersion ?? resourceVersion;
        if (type === 'DELETED') this.drop(o);
        else if (type === 'ADDED' || type === 'MODIFIED') this.put(o);
        else return;
        this.onChange(o.metadata?.namespace, type);
      },
      error => {
        if (!error && !expired && resourceVersion) {
          this.resume(resourceVersion);
        } else this.scheduleRestart();
      },
    );
    if (this.stopped) stopWatch();
    else this.stopWatch = stopWatch;
  }

  private resume(resourceVersion: string) {
    if (this.stopped) return;
    this.restart = setTimeout(
      () => this.watchFrom(resourceVersion).catch(() => this.scheduleRestart()),
      0,
    );
  }

  /** Takes a written object in at once, unless the cache already holds a newer one. */
  remember(o: Obj) {
    const known = this.objects.get(Collection.key(o));
    if (
      known &&
      Number(known.metadata?.resourceVersion) >
        Number(o.metadata?.resourceVersion)
    )
      return;
    this.put(o);
  }

  forget(o: Obj) {
    this.drop(o);
  }

  private scheduleRestart() {
    if (this.stopped) return;
    this.restart = setTimeout(
      () => this.start().catch(() => this.scheduleRestart()),
      1000,
    );
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.restart);
    this.stopWatch?.();
  }
}
