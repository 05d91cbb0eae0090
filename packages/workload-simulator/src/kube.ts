import http from 'node:http';
import https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';

/** A Kubernetes object as plain JSON (what the API server sends and takes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** An API error: the HTTP status and the Status object's message. */
export class KubeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Plain JSON over the API server of a kubeconfig. client-node's typed models rename or drop fields
 * (a Node's `status.runtimeHandlers`, say), so everything the simulator writes goes as JSON.
 */
export class KubeClient {
  private readonly server: URL;

  constructor(readonly kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    this.server = new URL(cluster.server);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<Obj> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options: https.RequestOptions = {
      method,
      headers: {
        accept: 'application/json',
        'content-type': contentType,
        // Node frames no body of a DELETE unless its length is given.
        ...(payload === undefined
          ? {}
          : { 'content-length': Buffer.byteLength(payload) }),
      },
    };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const transport = this.server.protocol === 'https:' ? https : http;
    const url = new URL(
      this.server.pathname.replace(/\/$/, '') + path,
      this.server,
    );
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
}

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

/**
 * What an informer keeps: every object of one collection (with a label selector), by
 * namespace/name, from a list and then a watch that is restarted when it ends.
 */
export class Collection {
  readonly items = new Map<string, Obj>();
  private abort?: AbortController;
  private restart?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly path: string,
    private readonly labelSelector: string | undefined,
    private readonly onChange: () => void,
  ) {}

  static key = (o: Obj) =>
    o.metadata?.namespace
      ? `${o.metadata.namespace}/${o.metadata.name}`
      : o.metadata?.name;

  list(): Obj[] {
    return [...this.items.values()];
  }

  async start(): Promise<void> {
    const list = await this.client.get(
      `${this.path}${query({ labelSelector: this.labelSelector })}`,
    );
    this.items.clear();
    for (const o of list.items ?? []) this.items.set(Collection.key(o), o);
    this.onChange();
    if (this.stopped) return;
    let resourceVersion: string | undefined = list.metadata?.resourceVersion;
    this.abort = await new Watch(this.client.kubeConfig).watch(
      this.path,
      {
        labelSelector: this.labelSelector,
        resourceVersion,
        allowWatchBookmarks: true,
      },
      (type: string, o: Obj) => {
        resourceVersion = o.metadata?.resourceVersion;
        if (type === 'DELETED') this.items.delete(Collection.key(o));
        else if (type === 'ADDED' || type === 'MODIFIED')
          this.items.set(Collection.key(o), o);
        else return;
        this.onChange();
      },
      () => this.scheduleRestart(),
    );
  }

  /** Takes a written object in at once, unless the cache already holds a newer one. */
  remember(o: Obj) {
    const key = Collection.key(o);
    const known = this.items.get(key);
    if (
      known &&
      Number(known.metadata?.resourceVersion) >
        Number(o.metadata?.resourceVersion)
    )
      return;
    this.items.set(key, o);
  }

  forget(o: Obj) {
    this.items.delete(Collection.key(o));
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
    this.abort?.abort();
  }
}
