import fs from 'fs';
import net from 'net';
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeGateway } from '@kars-portal/plugin-kars-node';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';

jest.setTimeout(180_000);

/** A TCP relay in front of the API server that counts the connections clients open through it. */
async function countingRelay(upstream: URL) {
  let opened = 0;
  let open = 0;
  let mostOpen = 0;
  const relay = net.createServer(client => {
    opened++;
    open++;
    mostOpen = Math.max(mostOpen, open);
    const server = net.connect(Number(upstream.port), upstream.hostname);
    client.pipe(server).pipe(client);
    const close = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', close);
    server.on('error', close);
    client.once('close', () => {
      open--;
      close();
    });
  });
  await new Promise<void>(r => relay.listen(0, '127.0.0.1', r));
  return {
    port: (relay.address() as net.AddressInfo).port,
    counts: () => ({ opened, open, mostOpen }),
    close: () => new Promise(r => relay.close(r)),
  };
}

/**
 * The backend's gateway keeps its connections: after 10,000 requests (reads, writes and refused
 * ones), the connections the server saw opened are no more than the requests ever in flight,
 * over TLS to the real kube-apiserver as to the emulator. (client-node's typed API opens one per
 * request.)
 */
describe.each(clusterTargetNames())(
  'the gateway connection pool on the %s',
  targetName => {
    let target: ClusterTarget;

    beforeAll(async () => {
      target = await startClusterTarget(targetName, {
        deploy: false,
        simulator: false,
      });
    });

    afterAll(async () => {
      await target?.stop();
    });

    it('opens at most as many connections as requests in flight, over 10,000 requests', async () => {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(
        fs.readFileSync(target.adminKubeconfigPath, 'utf8'),
      );
      const server = new URL(kubeConfig.getCurrentCluster()!.server);
      const relay = await countingRelay(server);
      const cluster = kubeConfig.getCurrentCluster()!;
      const relayed = new KubeConfig();
      relayed.loadFromOptions({
        clusters: [
          {
            ...cluster,
            server: `${server.protocol}//${server.hostname}:${relay.port}`,
          },
        ],
        users: kubeConfig.getUsers(),
        contexts: kubeConfig.getContexts(),
        currentContext: kubeConfig.getCurrentContext(),
      });
      const gateway = new ClientNodeGateway(relayed);
      const inFlight = 8;
      await gateway.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'pool' },
      });
      let next = 0;
      const refusals: number[] = [];
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < 10_000) {
            const i = next++;
            const name = `cm-${i % 50}`;
            if (i % 10 === 0) {
              await gateway.apply(
                {
                  apiVersion: 'v1',
                  kind: 'ConfigMap',
                  metadata: { name, namespace: 'pool' },
                  data: { i: String(i) },
                },
                { fieldManager: 'pool-test', force: true },
              );
            } else if (i % 10 === 1) {
              // A refused write: the server answers 422, the connection stays.
              await gateway
                .create({
                  apiVersion: 'v1',
                  kind: 'ConfigMap',
                  metadata: { name: 'Not_A_Name', namespace: 'pool' },
                })
                .catch(() => refusals.push(i));
            } else {
              await gateway.get({
                apiVersion: 'v1',
                kind: 'ConfigMap',
                name,
                namespace: 'pool',
              });
            }
          }
        }),
      );
      const counts = relay.counts();
      await relay.close();
      expect(refusals).toHaveLength(1000);
      expect(counts.opened).toBeGreaterThan(0);
      expect(counts.opened).toBeLessThanOrEqual(inFlight);
      expect(counts.mostOpen).toBeLessThanOrEqual(inFlight);
    });
  },
);
