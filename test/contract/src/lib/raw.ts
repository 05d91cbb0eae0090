import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';

/** Query parameters; `undefined` values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as received (binary content types such as protobuf). */
  bytes: Buffer;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json: any;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

export interface WatchResult {
  /** HTTP status of the watch request. */
  status: number;
  /** The body when the server refused the watch (status is not 200). */
  body?: any;
  events: WatchEvent[];
  /** Why collecting stopped. */
  ended: 'until' | 'server' | 'timeout';
}

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/**
 * Plain HTTP to the API server of a kubeconfig, for what client-node cannot
 * express: exact status codes and Status bodies, content types (Table, apply
 * patches), and watch streams read event by event. Authentication and TLS come
 * from the kubeconfig through client-node (`applyToHTTPSOptions`).
 */
export class RawClient {
  private readonly server: URL;

  constructor(private readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
  }

  private async options(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {
      method,
      protocol: this.server.protocol,
      hostname: this.server.hostname,
      port: this.server.port,
      path: `${this.server.pathname.replace(/\/$/, '')}${path}`,
      headers: { ...headers },
      agent: false,
    };
    await this.kc.applyToHTTPSOptions(opts);
    return opts;
  }

  private transport() {
    return this.server.protocol === 'https:' ? https : http;
  }

  async request(
    method: string,
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      contentType?: string;
      accept?: string;
      /** More request headers (impersonation). */
      headers?: Record<string, string>;
      timeoutMs?: number;
    } = {},
  ): Promise<RawResponse> {
    const {
      query,
      body,
      accept = 'application/json',
      timeoutMs = 30_000,
    } = options;
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      payload =
        typeof body === 'string' || Buffer.isBuffer(body)
          ? body
          : JSON.stringify(body);
    }
    const headers: Record<string, string> = {
      ...options.headers,
      Accept: accept,
    };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const opts = await this.options(method, withQuery(path, query), headers);
    return new Promise((resolve, reject) => {
      const req = this.transport().request(opts, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            text,
            get json() {
              return JSON.parse(text);
            },
          });
        });
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(
          new Error(`${method} ${path}: no answer in ${timeoutMs} ms`),
        ),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  get(path: string, query?: Query, accept?: string) {
    return this.request('GET', path, { query, accept });
  }

  /** Server-side apply of `body` (JSON is valid YAML) as `fieldManager`. */
  apply(path: string, body: unknown, fieldManager: string, force?: boolean) {
    return this.request('PATCH', path, {
      query: { fieldManager, force },
      body,
      contentType: 'application/apply-patch+yaml',
    });
  }

  /**
   * Opens a watch (`watch=1` is added) and collects its events until `until`
   * returns true, the server ends the stream, or `timeoutMs` passes.
   */
  async watch(
    path: string,
    query: Query,
    options: {
      until?: (events: WatchEvent[]) => boolean;
      timeoutMs?: number;
    } = {},
  ): Promise<WatchResult> {
    const { until, timeoutMs = 15_000 } = options;
    const opts = await this.options(
      'GET',
      withQuery(path, { ...query, watch: 1 }),
      { Accept: 'application/json' },
    );
    return new Promise((resolve, reject) => {
      const events: WatchEvent[] = [];
      let done = false;
      let status = 0;
      let req: http.ClientRequest | undefined = undefined;
      const timers: NodeJS.Timeout[] = [];
      const finish = (ended: WatchResult['ended'], body?: any) => {
        if (done) return;
        done = true;
        timers.forEach(clearTimeout);
        req?.destroy();
        resolve({ status, body, events, ended });
      };
      req = this.transport().request(opts, res => {
        status = res.statusCode ?? 0;
        let buffer = '';
        if (status !== 200) {
          res.on('data', (c: Buffer) => {
            buffer += c.toString('utf8');
          });
          res.on('end', () => {
            let body: any = buffer;
            try {
              body = JSON.parse(buffer);
            } catch {
              // not JSON: keep the text
            }
            finish('server', body);
          });
          return;
        }
        res.on('data', (c: Buffer) => {
          buffer += c.toString('utf8');
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) events.push(JSON.parse(line));
            nl = buffer.indexOf('\n');
          }
          if (until?.(events)) finish('until');
        });
        res.on('end', () => {
          const line = buffer.trim();
          if (line) events.push(JSON.parse(line));
          finish('server');
        });
        res.on('error', () => finish('server'));
      });
      timers.push(setTimeout(() => finish('timeout'), timeoutMs));
      req.on('error', e => {
        if (!done) {
          done = true;
          timers.forEach(clearTimeout);
          reject(e);
        }
      });
      req.end();
    });
  }
}
