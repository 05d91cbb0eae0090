import { BACKEND_URL, serviceToken } from './config';

/** Who a request is sent as. `raw` sends the Authorization header exactly as given. */
export type Auth =
  | { kind: 'guest' }
  | { kind: 'service' }
  | { kind: 'none' }
  | { kind: 'raw'; header: string };

/** One HTTP request to the dev backend: a path (with its query) under http://localhost:7007. */
export interface HttpRequest {
  method: string;
  path: string;
  auth: Auth;
  /** Sent as bytes, so that no content type is implied. */
  body?: string | Buffer;
  /** The Content-Type header; none when undefined. */
  contentType?: string;
}

/** What came back. `json` is the parsed body when it is JSON. */
export interface HttpReply {
  status: number;
  text: string;
  json?: any;
  contentType: string;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function isConnectionError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(
    cause?.code ?? '',
  );
}

/** The messages of Backstage's lifecycle middleware while the backend starts or shuts down. */
const LIFECYCLE_UNAVAILABLE =
  /"message":\s*"Service (is shutting down|has not started up yet)"/;

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The dev portal's backend, over HTTP only. Guest tokens come from the guest sign-in route (the
 * identity the browser gets); the service token is the dev-only static token of app-config.yaml.
 * Every reply goes to `observe` (the secret scan), with the request it answers.
 */
export class Portal {
  private guest?: Promise<string>;
  private readonly service = serviceToken();

  constructor(
    private readonly observe: (request: HttpRequest, reply: HttpReply) => void,
  ) {}

  /** A guest session's Backstage token: user:default/guest, a member of team-a. */
  guestToken(): Promise<string> {
    this.guest ??= (async () => {
      const res = await this.fetchRetrying('/api/auth/guest/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{}'),
      });
      if (!res.ok) throw new Error(`guest sign-in: HTTP ${res.status}`);
      return (await res.json()).backstageIdentity.token;
    })().catch(e => {
      this.guest = undefined;
      throw e;
    });
    return this.guest;
  }

  private async authorization(auth: Auth): Promise<string | undefined> {
    switch (auth.kind) {
      case 'guest':
        return `Bearer ${await this.guestToken()}`;
      case 'service':
        return `Bearer ${this.service}`;
      case 'raw':
        return auth.header;
      default:
        return undefined;
    }
  }

  /**
   * Waits for the backend while it restarts (the dev portal restarts its backend when a source file
   * changes): a refused connection, or Backstage's own 503 while it starts or stops, never reached
   * the plugin, so sending again is safe.
   */
  private async fetchRetrying(path: string, init: RequestInit) {
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      try {
        const res = await fetch(`${BACKEND_URL}${path}`, {
          ...init,
          redirect: 'manual',
        });
        if (res.status !== 503 || Date.now() > deadline) return res;
        const text = await res.clone().text();
        if (!LIFECYCLE_UNAVAILABLE.test(text)) return res;
      } catch (error) {
        if (!isConnectionError(error) || Date.now() > deadline) throw error;
      }
      await sleep(1000);
    }
  }

  async send(request: HttpRequest): Promise<HttpReply> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      if (request.contentType !== undefined) {
        headers['content-type'] = request.contentType;
      }
      const authorization = await this.authorization(request.auth);
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await this.fetchRetrying(request.path, {
        method: request.method,
        headers,
        body:
          typeof request.body === 'string'
            ? Buffer.from(request.body, 'utf8')
            : request.body,
      });
      const text = await res.text();
      // A guest token is no longer accepted after the backend restarted with new keys: sign in again.
      if (res.status === 401 && request.auth.kind === 'guest' && attempt < 1) {
        this.guest = undefined;
        continue;
      }
      const reply: HttpReply = {
        status: res.status,
        text,
        json: parseJson(text),
        contentType: res.headers.get('content-type') ?? '',
      };
      this.observe(request, reply);
      return reply;
    }
  }

  /** A JSON request as guest, service or anonymous. */
  json(method: string, path: string, auth: Auth, body?: unknown) {
    return this.send({
      method,
      path,
      auth,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), contentType: 'application/json' }),
    });
  }
}
