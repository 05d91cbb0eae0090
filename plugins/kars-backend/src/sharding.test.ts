import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import {
  karsClusterConnectorsExtensionPoint,
  KubeGateway,
  WatchHandle,
} from '@kars-portal/plugin-kars-node';
import { sandboxNamespace } from '@kars-portal/plugin-kars-common';
import {
  DEFAULT_NODE_POOLS,
  startWorkloadSimulator,
} from '@kars-portal/workload-simulator';
import { karsPlugin } from './plugin';
import {
  backendGateway,
  capturingLogger,
  eventually,
} from './__testUtils__/backend';
import { shardOf, shardOfLease } from './reconcile/shards';

jest.setTimeout(300_000);

const SHARDS = 16;
const LEASE_SECONDS = 10;
const BURST = 60;
const PG = 'POSTGRES_15';

/**
 * Whether this run has a real kube-apiserver and PostgreSQL (`source scripts/postgres.sh &&
 * kars_pg_start`). With CI=true PostgreSQL missing is an error, not a skip.
 */
function available(): boolean {
  if (!clusterTargetNames().includes('kube-apiserver')) return false;
  if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)
    return true;
  if (process.env.CI === 'true') {
    throw new Error(
      'PostgreSQL is required with CI=true (source scripts/postgres.sh && kars_pg_start)',
    );
  }
  return false;
}

/**
 * A replica's connection to the API server, which `kill()` cuts as the replica's death would:
 * from then on every request fails and every watch ends. Its timers keep running, unable to
 * renew or release a Lease or to write anything.
 */
function killable(inner: KubeGateway) {
  let dead = false;
  const watches = new Set<WatchHandle>();
  const gateway = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (dead) throw new Error('connect ECONNREFUSED (replica killed)');
        const result = await value.apply(target, args);
        if (property === 'watch') {
          const handle = result as WatchHandle;
          if (dead) handle.stop();
          else watches.add(handle);
        }
        return result;
      };
    },
  });
  return {
    gateway,
    kill() {
      dead = true;
      for (const watch of watches) watch.stop();
    },
  };
}

/** One reconcile pass of a replica, from its debug log line. */
interface Pass {
  replica: number;
  sandbox: string;
  start: number;
  end: number;
  failed: boolean;
}

/** A backend replica: the kars plugin on its own connection, sharing the database. */
async function startReplica(index: number, target: ClusterTarget, knex: Knex) {
  const lines: string[] = [];
  const connection = killable(backendGateway(target));
  const backend = await startTestBackend({
    features: [
      karsPlugin,
      createBackendModule({
        pluginId: 'kars',
        moduleId: `replica-${index}`,
        register(reg) {
          reg.registerInit({
            deps: { connectors: karsClusterConnectorsExtensionPoint },
            async init({ connectors }) {
              connectors.addClusterConnector('replica', {
                connect: async () => ({ gateway: connection.gateway }),
              });
            },
          });
        },
      }),
      mockServices.rootConfig.factory({
        data: {
          kars: {
            reconcile: { shards: SHARDS, leaseDurationSeconds: LEASE_SECONDS },
            clusters: [{ name: 'primary', type: 'replica' }],
          },
        },
      }),
      mockServices.database.factory({ knex }),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => capturingLogger(lines),
      }),
    ],
  });
  const identity = async () =>
    eventually(
      `replica ${index} in the fleet`,
      async () =>
        lines
          .map(l =>
            /^(\S+) holds lease kars-system\/kars-portal-reconciler-member-/.exec(
              l,
            ),
          )
          .find(Boolean)?.[1],
    );
  return {
    index,
    backend,
    identity: await identity(),
    kill: connection.kill,
    passes(): Pass[] {
      return lines.flatMap(line => {
        const match =
          /^reconcile pass of (\S+) (done|failed) in \d+ ms (\{.*\})$/.exec(
            line,
          );
        if (!match) return [];
        const meta = JSON.parse(match[3]);
        return [
          {
            replica: index,
            sandbox: match[1],
            start: meta.start,
            end: meta.end,
            failed: match[2] === 'failed',
          },
        ];
      });
    },
  };
}

type Replica = Awaited<ReturnType<typeof startReplica>>;

(available() ? describe : describe.skip)(
  'three backend replicas sharing one PostgreSQL reconcile the sandboxes of a real kube-apiserver in shards',
  () => {
    const databases = TestDatabases.create({ ids: [PG] });
    let target: ClusterTarget;
    let stopSimulator: () => Promise<void>;
    const knexes: Knex[] = [];
    const replicas: Replica[] = [];
    const jane = mockCredentials.user.header('user:default/jane');

    /** The holder of each shard Lease, from the server. */
    async function shardHolders(): Promise<Map<number, string>> {
      const { items } = await target.admin.list<any>(
        'coordination.k8s.io/v1',
        'Lease',
        { namespace: 'kars-system' },
      );
      return new Map(
        items.flatMap(lease => {
          const shard = shardOfLease(lease.metadata.name);
          return shard === undefined
            ? []
            : [[shard, String(lease.spec?.holderIdentity ?? '')]];
        }),
      );
    }

    /** How many shards each replica holds, by the server's Leases. */
    async function shardCounts(among: Replica[]) {
      const holders = [...(await shardHolders()).values()];
      return among.map(r => holders.filter(h => h === r.identity).length);
    }

    /**
     * The sandboxes that are Running for their generation, with their Deployment and policy; the
     * others' phases in the error when `all` is set and some are not.
     */
    async function converged(names: string[], all = false): Promise<string[]> {
      const [sandboxes, deployments, policies] = await Promise.all([
        target.admin.list<any>('kars.azure.com/v1alpha1', 'KarsSandbox', {
          namespace: 'kars-system',
        }),
        target.admin.list<any>('apps/v1', 'Deployment', {}),
        target.admin.list<any>('networking.k8s.io/v1', 'NetworkPolicy', {}),
      ]);
      const has = (items: any[], name: string) =>
        items.some(o => o.metadata.namespace === sandboxNamespace(name));
      const state = (name: string) => {
        const sandbox = sandboxes.items.find(s => s.metadata.name === name);
        return [
          sandbox?.status?.phase ?? 'no status',
          sandbox?.status?.phase === 'Running'
            ? ''
            : (sandbox?.status?.conditions ?? [])
                .filter((c: any) => c.status !== 'True')
                .map((c: any) => `${c.type}: ${c.reason}: ${c.message}`)
                .join(' '),
          sandbox?.status?.observedGeneration === sandbox?.metadata.generation
            ? ''
            : 'old generation',
          has(deployments.items, name) ? '' : 'no Deployment',
          has(policies.items, name) ? '' : 'no NetworkPolicy',
        ]
          .filter(Boolean)
          .join(', ');
      };
      const done = names.filter(name => state(name) === 'Running');
      if (all && done.length < names.length) {
        throw new Error(
          `${names.length - done.length} not converged: ${names
            .filter(n => !done.includes(n))
            .slice(0, 5)
            .map(n => `${n} (${state(n)})`)
            .join('; ')}`,
        );
      }
      return done;
    }

    /** Creates sandboxes through the API, each request to the next replica in turn. */
    async function createBurst(names: string[], through: Replica[]) {
      for (let i = 0; i < names.length; i += 10) {
        await Promise.all(
          names.slice(i, i + 10).map(async (name, j) => {
            const created = await request(
              through[(i + j) % through.length].backend.server,
            )
              .post('/api/kars/sandboxes')
              .set('Authorization', jane)
              .send({ name, spec: {} });
            expect(created.status).toBe(201);
          }),
        );
      }
    }

    const allPasses = () => replicas.flatMap(r => r.passes());

    beforeAll(async () => {
      target = await startClusterTarget('kube-apiserver', { simulator: false });
      // Room for every sandbox's pod: 36 nodes in the sandbox pool (2 by default).
      const simulator = await startWorkloadSimulator({
        kubeconfigPath: target.adminKubeconfigPath,
        readyDelayMs: 200,
        prometheusPort: 0,
        nodePools: DEFAULT_NODE_POOLS.map(pool =>
          pool.name === 'sandbox' ? { ...pool, nodes: 36 } : pool,
        ),
      });
      stopSimulator = () => simulator.stop();
      const first = await databases.init(PG);
      knexes.push(first);
      // Each replica has a connection pool of its own to the one database.
      for (let i = 1; i <= 3; i++) {
        const knex = i === 1 ? first : knexFactory(first.client.config);
        if (i > 1) knexes.push(knex);
        replicas.push(await startReplica(i, target, knex));
      }
    }, 300_000);

    afterAll(async () => {
      for (const replica of replicas) await replica.backend.stop();
      for (const knex of knexes.slice(1)) await knex.destroy();
      await stopSimulator?.();
      await target?.stop();
    });

    it('share the shards evenly once all three run: 6, 5 and 5, every shard held', async () => {
      const counts = await eventually(
        'the shards balanced over three replicas',
        async () => {
          const c = await shardCounts(replicas);
          return c.reduce((a, b) => a + b) === SHARDS &&
            [...c].sort().join() === '5,5,6'
            ? c
            : undefined;
        },
      );
      expect(counts.reduce((a, b) => a + b)).toBe(SHARDS);
    });

    it('each reconcile about a third of a burst, no sandbox by two replicas at once', async () => {
      const names = Array.from({ length: BURST }, (_, i) => `burst-a-${i}`);
      await createBurst(names, replicas);
      await eventually(
        `${BURST} sandboxes converged`,
        async () => (await converged(names, true)).length === BURST,
        120_000,
      );
      const holders = await shardHolders();
      const share = replicas.map(r => {
        const reconciled = new Set(
          r
            .passes()
            .filter(p => !p.failed && names.includes(p.sandbox))
            .map(p => p.sandbox),
        );
        return reconciled.size / BURST;
      });
      for (const part of share) {
        expect(part).toBeGreaterThanOrEqual(0.15);
        expect(part).toBeLessThanOrEqual(0.55);
      }
      // Each sandbox was reconciled by the replica holding its shard, and by no other.
      for (const r of replicas) {
        for (const pass of r.passes().filter(p => names.includes(p.sandbox))) {
          expect([
            pass.sandbox,
            holders.get(shardOf(pass.sandbox, SHARDS)),
          ]).toEqual([pass.sandbox, r.identity]);
        }
      }
      expectNoOverlap(allPasses());
    });

    it('a replica killed mid-burst loses nothing: its shards are taken over and every sandbox converges', async () => {
      const names = Array.from({ length: BURST }, (_, i) => `burst-b-${i}`);
      const [, , victim] = replicas;
      const survivors = replicas.slice(0, 2);
      await createBurst(names, replicas);
      await eventually(
        `replica 3 reconciling the burst`,
        async () =>
          victim.passes().filter(p => names.includes(p.sandbox)).length >= 3,
      );
      const victimShards = [...(await shardHolders())]
        .filter(([, holder]) => holder === victim.identity)
        .map(([shard]) => shard);
      victim.kill();
      const killedAt = Date.now();
      expect((await converged(names)).length).toBeLessThan(BURST);

      await eventually(
        `${BURST} sandboxes converged without replica 3`,
        async () => (await converged(names, true)).length === BURST,
        120_000,
      );
      // Every earlier sandbox is still as it was.
      expect(
        await converged(
          Array.from({ length: BURST }, (_, i) => `burst-a-${i}`),
        ),
      ).toHaveLength(BURST);
      // The two survivors share the shards, 8 each, the victim's included.
      await eventually('the shards balanced over two replicas', async () => {
        const c = await shardCounts(survivors);
        return c[0] === 8 && c[1] === 8;
      });
      const holders = await shardHolders();
      expect(victimShards.length).toBeGreaterThan(0);
      for (const shard of victimShards) {
        expect(survivors.map(r => r.identity)).toContain(holders.get(shard));
      }
      // The victim's unfinished sandboxes were reconciled by a survivor after the kill.
      const takenOver = names.filter(n =>
        victimShards.includes(shardOf(n, SHARDS)),
      );
      for (const name of takenOver) {
        expect(
          survivors.some(r =>
            r.passes().some(p => p.sandbox === name && p.start > killedAt),
          ),
        ).toBe(true);
      }
      // The victim made no pass that started after its leases could be taken over.
      for (const pass of victim.passes()) {
        expect(pass.start).toBeLessThan(killedAt + LEASE_SECONDS * 1000);
      }
      expectNoOverlap(allPasses());
    });

    it('a replica joining mid-burst takes its share from the others, which end their passes of a shard before giving it up', async () => {
      const names = Array.from({ length: BURST }, (_, i) => `burst-c-${i}`);
      const [first, second] = replicas;
      await createBurst(names, [first, second]);
      await eventually('the burst under way', async () =>
        [first, second].every(r =>
          r.passes().some(p => names.includes(p.sandbox)),
        ),
      );
      const joinedAt = Date.now();
      const knex = knexFactory(knexes[0].client.config);
      knexes.push(knex);
      const joining = await startReplica(4, target, knex);
      replicas.push(joining);
      const live = [first, second, joining];

      await eventually(
        `${BURST} sandboxes converged`,
        async () => (await converged(names, true)).length === BURST,
        120_000,
      );
      const counts = await eventually(
        'the shards balanced over three replicas',
        async () => {
          const c = await shardCounts(live);
          return [...c].sort().join() === '5,5,6' ? c : undefined;
        },
      );
      expect(counts.reduce((a, b) => a + b)).toBe(SHARDS);
      // The shards the joining replica took came from the other two, while they were reconciling.
      expect(
        joining.passes().filter(p => p.start > joinedAt && !p.failed).length,
      ).toBeGreaterThan(0);
      expectNoOverlap(allPasses());
    });
  },
);

/** No sandbox had passes of two replicas at overlapping times. */
function expectNoOverlap(passes: Pass[]) {
  const bySandbox = new Map<string, Pass[]>();
  for (const pass of passes) {
    bySandbox.set(pass.sandbox, [...(bySandbox.get(pass.sandbox) ?? []), pass]);
  }
  const overlaps: string[] = [];
  for (const [sandbox, list] of bySandbox) {
    for (const a of list) {
      for (const b of list) {
        if (a.replica < b.replica && a.start < b.end && b.start < a.end) {
          overlaps.push(
            `${sandbox}: replica ${a.replica} [${a.start}, ${a.end}] and replica ${b.replica} [${b.start}, ${b.end}]`,
          );
        }
      }
    }
  }
  expect(overlaps).toEqual([]);
}
