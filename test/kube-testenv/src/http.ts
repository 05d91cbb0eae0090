import https from 'node:https';

/** What a request to the control plane answered. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * One HTTPS request to the API server, trusting only its CA. The harness needs
 * nothing more (readiness and TokenRequest), so it carries no client library.
 */
export function httpsRequest(options: {
  url: string;
  caData: string;
  token?: string;
  method?: string;
  body?: unknown;
  timeoutMs?: number;
}): Promise<HttpAnswer> {
  const { url, caData, token, method = 'GET', body, timeoutMs = 10_000 } =
    options;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: Buffer.from(caData, 'base64'),
        headers: {
          Accept: 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload
            ? {
                'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(payload),
              }
            : {}),
        },
        timeout: timeoutMs,
        agent: false,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs}ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}
