import fs from 'fs';
import net from 'net';
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeGateway } from '@kars-portal/plugin-kars-node';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { eventually } from '../__testUtils__/backend';

jest.setTimeout(180_000);

/** A TCP relay in front of the API server that counts the connections clients open through it. */
async function countingRelay(upstream: URL) {
  let opened = 0;
  let open = 0;
  let mostOpen = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer(client => {
    sockets.add(client);
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
      sockets.delete(client);
      open--;
      close();
    });
  });
  await new Promise<void>(r => relay.listen(0, '127.0.0.1', r));
  return {
    port: (relay.address() as net.AddressInfo).port,
    counts: () => ({ opened, open, mostOpen }),
    /** Stops relaying: the connections still open (kept alive by the pool) are cut. */
    close: () =>
      new Promise(r => {
        relay.close(r);
        for (const socket of sockets) socket.destroy();
      }),
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

    /** The gateway, through a relay that counts its connections to the server. */
    async function relayedGateway() {
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
      return { gateway: new ClientNodeGateway(relayed), relay };
    }

    it('opens at most as many connections as requests in flight, over 10,000 requests', async () => {
      const { gateway, relay } = await relayedGateway();
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

    it('gives each watch a connection of its own, outside the pool, delivers events whole and closes the connection when the watch stops', async () => {
      const { gateway, relay } = await relayedGateway();
      const namespace = await gateway.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'watches' },
      });
      // More than the 32 connections of the gateway's pool.
      const watchCount = 40;
      const seen = Array.from({ length: watchCount }, () => [] as string[]);
      const ended: unknown[] = [];
      const opening = Promise.all(
        seen.map(events =>
          gateway.watch<{
            apiVersion: string;
            kind: string;
            metadata: { name: string; resourceVersion?: string };
            data?: Record<string, string>;
          }>(
            'v1',
            'ConfigMap',
            {
              namespace: 'watches',
              resourceVersion: String(namespace.metadata.resourceVersion),
            },
            event => {
              // kube-controller-manager adds kube-root-ca.crt to every namespace.
              if (
                event.type === 'BOOKMARK' ||
                event.object.metadata.name === 'kube-root-ca.crt'
              ) {
                return;
              }
              events.push(
                `${event.type} ${event.object.kind} ${
                  event.object.metadata.name
                } ${event.object.data?.big?.length ?? 0}`,
              );
            },
            error => ended.push(error ?? 'ended'),
          ),
        ),
      );
      // More watches than the pool has connections: all open, and a request is still answered.
      const handles = await Promise.race([
        opening,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error('the watches did not all open')),
            20_000,
          ),
        ),
      ]);
      await gateway.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'watches',
      });
      expect(relay.counts().open).toBeGreaterThan(watchCount);

      // A ConfigMap of 600 KB crosses many chunks of each stream: every watch gets it whole.
      const big = 'x'.repeat(600_000);
      await gateway.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'big', namespace: 'watches' },
        data: { big },
      });
      await gateway.delete({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'big',
        namespace: 'watches',
      });
      const expected = [
        `ADDED ConfigMap big ${big.length}`,
        `DELETED ConfigMap big ${big.length}`,
      ];
      await eventually(
        'every watch seeing the create and the delete',
        async () => seen.every(events => events.length >= 2),
      );
      for (const events of seen) expect(events).toEqual(expected);

      const openBefore = relay.counts().open;
      for (const handle of handles) handle.stop();
      await eventually(
        'the watches’ connections closed',
        async () => relay.counts().open <= openBefore - watchCount,
      );
      expect(ended).toEqual([]);
      await relay.close();
    });
  },
);
