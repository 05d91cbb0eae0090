import http from 'http';
import https from 'https';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './types';

/** How many connections to one API server the backend keeps open at most. */
export const DEFAULT_MAX_SOCKETS = 32;

/** One request to the API server. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
}

type Options = Omit<https.RequestOptions, 'headers'> & {
  headers?: Record<string, string>;
};

/** The Status body of a failed request, read without trusting its shape. */
function statusOf(text: string): { reason?: string; message?: string } {
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return { message: text.slice(0, 500) };
  }
}

/**
 * Plain JSON over HTTP(S) to the API server of a kubeconfig, on one keep-alive connection pool.
 * Bodies go out exactly as given and come back exactly as the server sent them: client-node's typed
 * models are never involved, so no field is renamed or dropped (they turn `from` into `_from`).
 * Authentication (tokens, exec plugins, client certificates) is client-node's, applied per request.
 */
export class KubeHttp {
  private readonly server: URL;
  private agents: Partial<
    Record<'pool' | 'streams', { key: string; agent: http.Agent }>
  > = {};

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly maxSockets = DEFAULT_MAX_SOCKETS,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
  }

  /** The response body as JSON; a KubeApiError for any non-2xx answer or a network failure. */
  async json<T>(request: KubeRequest): Promise<T> {
    const text = await this.send(request);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * The response of a GET as a stream, once the server has answered 2xx; a KubeApiError for any
   * other answer or a network failure. Aborting `signal` ends the request (and the stream). A
   * `longLived` stream (a watch) gets a connection of its own, outside the pool, so watches never
   * take the pool's connections from requests.
   */
  async stream(
    request: Omit<KubeRequest, 'method' | 'body' | 'contentType'>,
    signal?: AbortSignal,
    options: { longLived?: boolean } = {},
  ): Promise<http.IncomingMessage> {
    const { url, headers, agent, secure } = await this.prepare(
      { ...request, method: 'GET' },
      options.longLived,
    );
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        {
          method: 'GET',
          headers: { ...headers, Accept: '*/*' },
          agent,
          signal,
        },
        res => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            resolve(res);
            return;
          }
          readAll(res).then(
            text => reject(apiError(code, text, res.headers)),
            error => reject(networkError(error)),
          );
        },
      );
      req.on('error', error => reject(networkError(error)));
      req.end();
    });
  }

  private async send(request: KubeRequest): Promise<string> {
    const { url, headers, agent, secure, payload } = await this.prepare(
      request,
    );
    return new Promise<string>((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        { method: request.method, headers, agent },
        res => {
          readAll(res).then(
            text => {
              const code = res.statusCode ?? 0;
              if (code >= 200 && code < 300) resolve(text);
              else reject(apiError(code, text, res.headers));
            },
            error => reject(networkError(error)),
          );
        },
      );
      req.on('error', error => reject(networkError(error)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** The URL, headers (authentication included), agent and payload of a request. */
  private async prepare(request: KubeRequest, longLived = false) {
    const options: Options = {};
    await this.kubeConfig.applyToHTTPSOptions(options as https.RequestOptions);
    const headers: Record<string, string> = {
      ...options.headers,
      Accept: 'application/json',
    };
    if (options.auth) {
      headers.Authorization = `Basic ${Buffer.from(options.auth).toString(
        'base64',
      )}`;
    }
    let payload: string | undefined;
    if (request.body !== undefined) {
      payload = JSON.stringify(request.body);
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const url = new URL(
      this.server.pathname.replace(/\/$/, '') + request.path,
      this.server,
    );
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const secure = url.protocol === 'https:';
    const agent = this.agentFor(
      options,
      secure,
      longLived ? 'streams' : 'pool',
    );
    return { url, headers, agent, secure, payload };
  }

  /**
   * One agent of each kind for the TLS material of the kubeconfig, made anew only when that material
   * changes (a rotated client certificate): the keep-alive `pool` of at most `maxSockets`
   * connections for requests, and `streams`, a connection per long-lived stream, not kept. A proxy
   * in the kubeconfig keeps client-node's own agent.
   */
  private agentFor(
    options: Options,
    secure: boolean,
    kind: 'pool' | 'streams',
  ): http.Agent {
    if (this.kubeConfig.getCurrentCluster()?.proxyUrl && options.agent) {
      return options.agent as http.Agent;
    }
    const tls = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      rejectUnauthorized: options.rejectUnauthorized,
      servername: options.servername,
    };
    const key = JSON.stringify([
      secure,
      String(tls.ca ?? ''),
      String(tls.cert ?? ''),
      String(tls.key ?? ''),
      tls.rejectUnauthorized,
      tls.servername,
    ]);
    const kept = this.agents[kind];
    if (kept?.key === key) return kept.agent;
    kept?.agent.destroy();
    const settings =
      kind === 'pool'
        ? { keepAlive: true, maxSockets: this.maxSockets }
        : { keepAlive: false };
    const agent = secure
      ? new https.Agent({ ...settings, ...tls })
      : new http.Agent(settings);
    this.agents[kind] = { key, agent };
    return agent;
  }

  /** Closes the pooled connections and the long-lived streams. */
  close() {
    for (const kept of Object.values(this.agents)) kept?.agent.destroy();
    this.agents = {};
  }
}

/** The whole body of a response, as text. */
function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', chunk => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The KubeApiError of a failed answer: its status, and the reason and message of its Status body. */
function apiError(
  code: number,
  text: string,
  headers: http.IncomingHttpHeaders,
): KubeApiError {
  const status = statusOf(text);
  const retryAfter = Number(headers['retry-after']);
  return new KubeApiError(
    code,
    status.reason ?? 'Unknown',
    status.message ?? `HTTP ${code}`,
    Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}

function networkError(error: Error): KubeApiError {
  return new KubeApiError(0, 'NetworkError', error.message);
}
