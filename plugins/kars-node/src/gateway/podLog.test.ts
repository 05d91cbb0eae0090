import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ClientNodeGateway } from './ClientNodeGateway';
import { KubeApiError } from './types';

/**
 * pods/log through the gateway, against a server that answers as kube-apiserver does: the log
 * streamed as it is written, an error Status, and a request that ends when the caller aborts.
 */
describe('ClientNodeGateway.podLog', () => {
  let server: http.Server;
  let gateway: ClientNodeGateway;
  const seen: string[] = [];
  let closedRequests = 0;
  let write: ((line: string) => void) | undefined;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      req.on('close', () => closedRequests++);
      if (req.url?.includes('/pods/gone/')) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            status: 'Failure',
            reason: 'InternalError',
            message: 'dial tcp: lookup node-0: no such host',
            code: 500,
          }),
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('first line\n');
      write = line => res.write(line);
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    gateway = new ClientNodeGateway(kc);
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise(r => server.close(r));
  });

  it('streams what is written, asks with the options, and ends the request when aborted', async () => {
    const abort = new AbortController();
    const stream = await gateway.podLog(
      'kars-tenant-a',
      'tenant-a-1',
      { container: 'agent', tailLines: 10, follow: true },
      abort.signal,
    );
    expect(seen.at(-1)).toBe(
      '/api/v1/namespaces/kars-tenant-a/pods/tenant-a-1/log?container=agent&tailLines=10&follow=true',
    );
    stream.setEncoding('utf8');
    const chunks: string[] = [];
    stream.on('data', chunk => chunks.push(chunk));
    stream.on('error', () => undefined);
    const waitFor = async (what: () => boolean) => {
      for (let i = 0; i < 200 && !what(); i++) {
        await new Promise(r => setTimeout(r, 10));
      }
      expect(what()).toBe(true);
    };
    await waitFor(() => chunks.join('') === 'first line\n');
    write!('second line\n');
    await waitFor(() => chunks.join('') === 'first line\nsecond line\n');
    const before = closedRequests;
    abort.abort();
    await waitFor(() => closedRequests === before + 1);
  });

  it('fails with the Status of an error answer', async () => {
    const error = await gateway
      .podLog('kars-tenant-a', 'gone', { container: 'agent', previous: true })
      .catch(e => e);
    expect(seen.at(-1)).toBe(
      '/api/v1/namespaces/kars-tenant-a/pods/gone/log?container=agent&previous=true',
    );
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({
      statusCode: 500,
      reason: 'InternalError',
      message: 'dial tcp: lookup node-0: no such host',
    });
  });
});
