/** A tiny HTTP client for tests: every response as status, headers and parsed JSON. */
export interface RawResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** A client of `baseUrl` that authenticates with `token` (none: anonymous). */
export function rawClient(baseUrl: string, token?: string) {
  const auth: Record<string, string> = token
    ? { authorization: `Bearer ${token}` }
    : {};
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<RawResponse> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...auth, ...headers },
      body:
        typeof body === 'string' || body === undefined
          ? body
          : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, json };
  };
  return {
    request,
    get: (path: string, headers?: Record<string, string>) =>
      request('GET', path, undefined, headers),
    post: (path: string, body: unknown) => request('POST', path, body),
    put: (path: string, body: unknown) => request('PUT', path, body),
    del: (path: string, body?: unknown) => request('DELETE', path, body),
    patch: (
      path: string,
      body: unknown,
      type = 'application/merge-patch+json',
    ) => request('PATCH', path, body, { 'content-type': type }),
    apply: (path: string, body: unknown, manager: string, force = false) =>
      request(
        'PATCH',
        `${path}?fieldManager=${manager}${force ? '&force=true' : ''}`,
        JSON.stringify(body),
        {
          'content-type': 'application/apply-patch+yaml',
        },
      ),
  };
}

export type RawClient = ReturnType<typeof rawClient>;

/** Polls `fn` until it stops throwing (or the time is up). */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 25));
    }
  }
}
