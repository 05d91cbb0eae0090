/* eslint-disable no-console */
/**
 * Issue 19: how fast the workload simulator brings a fleet of sandbox Deployments to Available, and
 * what it costs once they are. Starts the kube-emulator and the workload simulator in this process,
 * as the backend's embedded cluster runs them, creates `--deployments` sandbox namespaces and
 * Deployments (rendered by the backend's renderDeployment, `concurrency` at a time, plain JSON),
 * and prints: creates per second, the time from the last create to every Deployment Available,
 * each pod's wait from creation to binding (PodScheduled), the process's CPU while idle with the
 * fleet Running (what the simulator's passes cost when nothing changes), and its heap after a full
 * garbage collection and resident memory then (the emulator's objects, managedFields and watch
 * history, and the simulator's caches).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/workload-simulator/run.ts \
 *     [--deployments 5000] [--concurrency 16] [--timeout-minutes 10] [--profile]
 *
 * --profile writes a V8 CPU profile of the convergence into /tmp (read it with
 * bench/lib/profileSummary.ts).
 */
import fs from 'fs';
import inspector from 'inspector/promises';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  DEFAULT_NODE_POOLS,
  startWorkloadSimulator,
} from '@kars-portal/workload-simulator';
import { renderDeployment } from '../../plugins/kars-backend/src/render/deployment';
import { renderNamespace } from '../../plugins/kars-backend/src/render/namespace';
import { testClusterSettings } from '../../plugins/kars-backend/src/__testUtils__/clusters';
import { numberOption, quantile, seconds, sleep } from '../lib/backendProcess';
import { tenant } from '../lib/tenants';

const args = process.argv.slice(2);
const count = numberOption(args, '--deployments', 5000);
const concurrency = numberOption(args, '--concurrency', 16);
const timeoutMs = numberOption(args, '--timeout-minutes', 10) * 60_000;
const profile = args.includes('--profile');
const IDLE_SECONDS = 20;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function request(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return (await res.json()) as Obj;
}

/**
 * Counts Available Deployments from a list and then a watch, listing and watching again whenever
 * the watch ends (client-node ends a watch that is quiet for 30 s); resolves when `count` are.
 */
function watchAvailable(kubeConfig: KubeConfig, base: string, token: string) {
  const available = new Set<string>();
  let done: () => void = () => undefined;
  const all = new Promise<void>(resolve => {
    done = resolve;
  });
  let stopped = false;
  let controller: AbortController | undefined;
  const see = (d: Obj) => {
    const ok = (d.status?.conditions ?? []).some(
      (c: Obj) => c.type === 'Available' && c.status === 'True',
    );
    if (ok) available.add(d.metadata.namespace);
    if (available.size >= count) done();
  };
  const selector = 'kars.azure.com/component=sandbox';
  const listAndWatch = async (): Promise<void> => {
    if (stopped) return;
    const list = await request(
      base,
      token,
      'GET',
      `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(selector)}`,
    );
    (list.items as Obj[]).forEach(see);
    controller = await new Watch(kubeConfig).watch(
      '/apis/apps/v1/deployments',
      {
        labelSelector: selector,
        resourceVersion: list.metadata.resourceVersion,
      },
      (_type: string, d: Obj) => see(d),
      () => {
        listAndWatch().catch(() => undefined);
      },
    );
  };
  const started = listAndWatch();
  return {
    available,
    all,
    started,
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}

async function main() {
  const emulator = await startKubeEmulator({});
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(emulator.kubeconfigYaml);
  const simulator = await startWorkloadSimulator({
    kubeConfig,
    readyDelayMs: 500,
    nodePools: DEFAULT_NODE_POOLS.map(pool => ({
      ...pool,
      nodes: Math.max(pool.nodes, Math.ceil(count / 100) + 1),
      capacity: { cpu: '64', memory: '256Gi', pods: '110' },
    })),
  });
  const cluster = testClusterSettings();
  const watch = watchAvailable(kubeConfig, emulator.url, emulator.token);
  await watch.started;
  const session = new inspector.Session();
  if (profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }

  const cpuAtStart = cpuSeconds();
  const start = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const { name, spec } = tenant(i);
        const input = {
          name,
          spec: sandboxSpecSchema.parse(spec),
          cluster,
          sandboxUid: `uid-${i}`,
        };
        const namespace = renderNamespace(input);
        const deployment = renderDeployment(input);
        await request(
          emulator.url,
          emulator.token,
          'POST',
          '/api/v1/namespaces',
          namespace,
        );
        await request(
          emulator.url,
          emulator.token,
          'POST',
          `/apis/apps/v1/namespaces/${deployment.metadata.namespace}/deployments`,
          deployment,
        );
      }
    }),
  );
  const created = Date.now();
  const timedOut = await Promise.race([
    watch.all.then(() => false),
    sleep(timeoutMs).then(() => true),
  ]);
  const converged = Date.now();
  const cpuConverging = cpuSeconds() - cpuAtStart;
  if (profile) {
    const { profile: cpuProfile } = await session.post('Profiler.stop');
    const file = `/tmp/workload-simulator-${count}.cpuprofile`;
    fs.writeFileSync(file, JSON.stringify(cpuProfile));
    console.log(`CPU profile: ${file}`);
    session.disconnect();
  }

  const pods = await request(
    emulator.url,
    emulator.token,
    'GET',
    '/api/v1/pods?labelSelector=kars.azure.com%2Fcomponent%3Dsandbox',
  );
  const bindWaits = (pods.items as Obj[]).flatMap(p => {
    const scheduled = (p.status?.conditions ?? []).find(
      (c: Obj) => c.type === 'PodScheduled' && c.status === 'True',
    );
    return scheduled
      ? [
          Date.parse(scheduled.lastTransitionTime) -
            Date.parse(p.metadata.creationTimestamp),
        ]
      : [];
  });

  const revision = async () =>
    Number(
      (
        await request(
          emulator.url,
          emulator.token,
          'GET',
          '/api/v1/namespaces?limit=1',
        )
      ).metadata.resourceVersion,
    );
  if (timedOut) {
    const states = new Map<string, number>();
    for (const p of pods.items as Obj[]) {
      const ready = (p.status?.conditions ?? []).find(
        (c: Obj) => c.type === 'Ready',
      );
      const state = `${p.status?.phase ?? 'no phase'}, Ready ${
        ready?.status ?? 'unset'
      }`;
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    console.log('  pods by state:', Object.fromEntries(states));
    const deployments = await request(
      emulator.url,
      emulator.token,
      'GET',
      '/apis/apps/v1/deployments?labelSelector=kars.azure.com%2Fcomponent%3Dsandbox',
    );
    const reasons = new Map<string, number>();
    for (const d of deployments.items as Obj[]) {
      const reason = (d.status?.conditions ?? [])
        .map((c: Obj) => `${c.type}=${c.status} ${c.reason}`)
        .join(', ');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    console.log('  Deployments by condition:', Object.fromEntries(reasons));
  }
  const idleRevision = await revision();
  const idleCpuBefore = cpuSeconds();
  await sleep(IDLE_SECONDS * 1000);
  const idleCpu = (cpuSeconds() - idleCpuBefore) / IDLE_SECONDS;
  const idleWrites = (await revision()) - idleRevision;
  const gcSession = new inspector.Session();
  gcSession.connect();
  await gcSession.post('HeapProfiler.collectGarbage');
  gcSession.disconnect();
  const { heapUsed, rss } = process.memoryUsage();

  console.log(
    `\nworkload simulator, ${count} sandbox Deployments (emulator and simulator in one process)`,
  );
  console.log(
    `  creates:                         ${(
      (2 * count) /
      ((created - start) / 1000)
    ).toFixed(
      0,
    )} objects/s (${count} namespaces + ${count} Deployments in ${seconds(
      created - start,
    )}, ${concurrency} at a time)`,
  );
  console.log(
    timedOut
      ? `  last create -> all Available:    not reached in ${seconds(
          timeoutMs,
        )}: ${watch.available.size} of ${count} Available`
      : `  last create -> all Available:    ${seconds(converged - created)}`,
  );
  console.log(
    `  pods bound: ${bindWaits.length} of ${
      pods.items.length
    }; creation -> bound p50 ${seconds(
      quantile(bindWaits, 0.5),
    )}, p99 ${seconds(
      quantile(bindWaits, 0.99),
    )} (whole seconds on the server)`,
  );
  console.log(
    `  CPU from first create to all Available: ${cpuConverging.toFixed(1)} s`,
  );
  console.log(
    `  CPU while idle, the fleet Running:       ${(100 * idleCpu).toFixed(
      1,
    )} % of a core, ${idleWrites} writes (over ${IDLE_SECONDS} s)`,
  );
  console.log(
    `  memory, the fleet Running:              heap used ${mib(
      heapUsed,
    )} after a full GC, resident ${mib(rss)}`,
  );

  watch.stop();
  await simulator.stop();
  await emulator.stop();
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
