import { ResponseError } from '@backstage/errors';
import http from 'http';
import { AddressInfo } from 'net';
import { KarsClient } from './KarsClient';

/** The Kubernetes Events and logs of a sandbox through the client, against a server that streams. */
describe('KarsClient events and logs', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: Array<{ url?: string; auth?: string }> = [];
  let writeMore: ((text: string) => void) | undefined;
  let closed = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      req.on('close', () => closed++);
      if (req.url?.startsWith('/api/kars/sandboxes/tenant-a/kube-events')) {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ items: [] }));
      } else if (req.url?.startsWith('/api/kars/sandboxes/other/logs')) {
        res.statusCode = 403;
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            error: { name: 'NotAllowedError', message: 'may not read logs' },
            response: { statusCode: 403 },
          }),
        );
      } else {
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.write('line one\n');
        if (req.url?.includes('follow=true')) {
          writeMore = text => res.write(text);
        } else {
          res.end('line two\n');
        }
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/kars`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise(r => server.close(r));
  });

  const client = () =>
    new KarsClient({ discoveryApi: { getBaseUrl: async () => baseUrl } });

  it('reads the Kubernetes Events', async () => {
    expect(
      await client().getKubeEvents('tenant-a', { token: 't0ken' }),
    ).toEqual({ items: [] });
    expect(seen.at(-1)).toEqual({
      url: '/api/kars/sandboxes/tenant-a/kube-events',
      auth: 'Bearer t0ken',
    });
  });

  it('reads the last lines as text, with the query in the URL', async () => {
    expect(
      await client().getLogs('tenant-a', {
        container: 'inference-router',
        tailLines: 20,
        previous: true,
      }),
    ).toBe('line one\nline two\n');
    expect(seen.at(-1)?.url).toBe(
      '/api/kars/sandboxes/tenant-a/logs?container=inference-router&tailLines=20&previous=true',
    );
  });

  it('answers the error of a refused read', async () => {
    const error = await client()
      .getLogs('other')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(403);
  });

  it('follows: a stream of what comes, until the signal aborts the request', async () => {
    const abort = new AbortController();
    const stream = await client().followLogs(
      'tenant-a',
      { tailLines: 1 },
      { signal: abort.signal },
    );
    expect(seen.at(-1)?.url).toBe(
      '/api/kars/sandboxes/tenant-a/logs?tailLines=1&follow=true',
    );
    const reader = stream.getReader();
    expect((await reader.read()).value).toBe('line one\n');
    writeMore!('line two\n');
    expect((await reader.read()).value).toBe('line two\n');
    const before = closed;
    abort.abort();
    await expect(reader.read()).rejects.toThrow();
    for (let i = 0; i < 100 && closed === before; i++) {
      await new Promise(r => setTimeout(r, 10));
    }
    expect(closed).toBe(before + 1);
  });
});
