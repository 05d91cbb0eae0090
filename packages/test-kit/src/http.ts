import http from 'node:http';
import { AddressInfo } from 'node:net';
import type { FakeKarsApi } from './fake/FakeKarsApi';

/** The fake kars API on a real local HTTP server. */
export interface FakeKarsServer {
  /** `http://127.0.0.1:<port>/api/kars`, what discovery returns for the kars plugin. */
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Serves the fake on a real HTTP server on 127.0.0.1, for code that talks HTTP itself (the
 * scaffolder actions' KarsClient, the catalog provider). An answer delayed by the fake is not sent
 * when the client went away meanwhile.
 */
export async function startFakeKarsServer(
  fake: FakeKarsApi,
): Promise<FakeKarsServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const answer = fake.handle({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      });
      setTimeout(() => {
        if (res.destroyed) return;
        // Logs are text; every other answer is JSON.
        const text = typeof answer.body === 'string';
        res.writeHead(answer.status, {
          'content-type': text
            ? 'text/plain; charset=utf-8'
            : 'application/json',
        });
        res.end(
          answer.body === undefined || text
            ? answer.body
            : JSON.stringify(answer.body),
        );
      }, answer.delayMs).unref();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/kars`,
    async stop() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
