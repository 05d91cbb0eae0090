/* eslint-disable no-console */
/**
 * Issue 19: the backend's memory with a fleet of sandboxes. Starts the real backend
 * (packages/backend with the kars backend and its embedded cluster: the kube-emulator and workload
 * simulator in a thread of the backend's process) with the V8 inspector on a free local port,
 * creates the sandboxes through `POST /api/kars/sandboxes`, waits until all are Running and the
 * backend is idle, then prints its resident memory (from /proc: the whole process, the cluster's
 * thread included) and, through the inspector after a full garbage collection, the heap of the
 * backend's main thread (the cluster's thread has a heap of its own, counted in the resident
 * memory only). It also counts the objects the backend's list-watch caches hold, read from the embedded
 * cluster through its kubeconfig, and their JSON size whole and through the informer transforms.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/fleet-memory/run.ts \
 *     [--tenants 5000 | --small] [--concurrency 8] [--untransformed] [--idle-minutes 10] \
 *     [--steady-seconds 120] [--label L]
 *
 * --small is --tenants 200. --idle-minutes bounds the wait for an idle backend (default 10, 3 with
 * fewer than 1,000 tenants); after it the figures are taken anyway, and the output says so.
 * --steady-seconds then measures the CPU the backend uses with the fleet Running and nothing asked
 * of it (its periodic work: the channel and budget checks, resyncs, the simulated cluster), over
 * that many seconds: the whole process and its main thread apart (default 0: not measured).
 * --untransformed preloads untransformed.js: the informers keep whole objects, as before issue 19.
 * --label names the row printed at the end (default: the git commit, "untransformed" added).
 *
 * The simulated cluster's nodes hold 110 pods of 4 CPUs each (three nodes: a few dozen sandboxes);
 * the script gives them room for the fleet (the scheduler reads the nodes' allocatable) before it
 * creates the sandboxes, so that every pod runs.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  KARS_API_GROUP_VERSION,
  KARS_SANDBOX_KIND,
  KarsClient,
} from '@kars-portal/plugin-kars-common';
import { ClientNodeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import {
  ownedObjectTransform,
  podTransform,
  sandboxTransform,
} from '../../plugins/kars-backend/src/kube/transforms';
import { OWNED_SELECTOR } from '../../plugins/kars-backend/src/kube/sandboxPods';
import { OWNED_KINDS } from '../../plugins/kars-backend/src/reconcile/ownedObjects';
import { SIMULATED_NODE_LABEL } from '@kars-portal/workload-simulator';
import { inspect, inspectorUrlIn } from '../lib/inspector';
import { tenant } from '../lib/tenants';

const ROOT = path.resolve(__dirname, '../..');
const PORT = 7127; // fixed in app-config.bench.yaml
const BASE = `http://localhost:${PORT}`;
const WORK_DIR = '/tmp/kars-bench-memory'; // also in app-config.bench.yaml
const KUBECONFIG = path.join(WORK_DIR, 'kubeconfig');
const LOG = path.join(WORK_DIR, 'backend.log');

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const tenants = args.includes('--small') ? 200 : option('--tenants', 5000);
const concurrency = option('--concurrency', 8);
const untransformed = args.includes('--untransformed');
/** How long to wait for the backend to go idle before measuring anyway. */
const idleTimeoutMs = option('--idle-minutes', tenants > 1000 ? 10 : 3) * 60000;
const steadyAt = args.indexOf('--steady-seconds');
const steadySeconds = steadyAt >= 0 ? Number(args[steadyAt + 1]) : 0;
const labelAt = args.indexOf('--label');
const label =
  labelAt >= 0
    ? args[labelAt + 1]
    : `${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })
        .toString()
        .trim()}${untransformed ? ' untransformed' : ''}`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// ---------------------------------------------------------------- the backend

async function answers(url: string) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

function startBackend(): ChildProcess {
  const log = fs.openSync(LOG, 'w');
  return spawn(
    process.execPath,
    [
      // Port 0: the inspector listens on a free port and says which in the log.
      '--inspect=127.0.0.1:0',
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ...(untransformed
        ? ['--require', path.join(__dirname, 'untransformed.js')]
        : []),
      'src/index',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      path.join(__dirname, 'app-config.bench.yaml'),
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      // The guest provider signs in only in development, as in the dev portal.
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', log, log],
    },
  );
}

async function stopBackend(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise(r => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  await exited;
  clearTimeout(timer);
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A busy backend may reset a kept-alive connection: ask again.
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** CPU time (user + system) of a process in seconds, its resident and peak resident memory in bytes. */
function processUsage(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) =>
    Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) * 1024;
  return {
    cpuSeconds: ticks / 100,
    rss: kib('VmRSS'),
    peakRss: kib('VmHWM'),
  };
}

/** CPU time (user + system) of one thread of a process in seconds. */
function threadCpuSeconds(pid: number, tid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The CPU the backend uses over `seconds` with nothing asked of it, in % of a core: the whole
 * process, and its main thread (the cluster's thread, the garbage collector's and libuv's are the
 * rest).
 */
async function steadyCpu(pid: number, seconds: number) {
  const process0 = processUsage(pid).cpuSeconds;
  const main0 = threadCpuSeconds(pid, pid);
  await sleep(seconds * 1000);
  const percent = (cpu: number) => ((100 * cpu) / seconds).toFixed(0);
  return {
    process: percent(processUsage(pid).cpuSeconds - process0),
    main: percent(threadCpuSeconds(pid, pid) - main0),
  };
}

/**
 * Waits until the backend uses under 10% of a core over 10 s (its reconciler, catalog and
 * simulator done); false when it did not within the timeout.
 */
async function waitIdle(pid: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = processUsage(pid).cpuSeconds;
  let quiet = 0;
  while (quiet < 10) {
    if (Date.now() > deadline) return false;
    await sleep(1000);
    const now = processUsage(pid).cpuSeconds;
    quiet = now - last < 0.1 ? quiet + 1 : 0;
    last = now;
  }
  return true;
}

// ---------------------------------------------------------------- the inspector

/** process.memoryUsage() of the backend after a full garbage collection. */
async function heapAfterGc(inspectorUrl: string) {
  const session = await inspect(inspectorUrl);
  try {
    await session.send('HeapProfiler.collectGarbage');
    const { result } = await session.send('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    return JSON.parse(result.value) as NodeJS.MemoryUsage;
  } finally {
    session.close();
  }
}

// ---------------------------------------------------------------- the tenants

async function seed(client: KarsClient, token: string) {
  const start = Date.now();
  let next = 0;
  let done = 0;
  const progress = setInterval(
    () => console.log(`  ${done} of ${tenants} created`),
    30000,
  );
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < tenants) {
          const body = tenant(next++);
          // Creating the same spec again is a no-op, so a reset connection is retried.
          await client
            .createSandbox(body, { token })
            .catch(() => client.createSandbox(body, { token }));
          done++;
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
  const createdMs = Date.now() - start;
  await waitFor(
    'every sandbox to be Running',
    60 * 60000,
    async () => {
      const running = (
        await client.listSandboxes({ phase: 'Running', limit: 1 }, { token })
      ).totalCount;
      return running >= tenants ? running : undefined;
    },
    2000,
  );
  return { createdMs, runningMs: Date.now() - start };
}

/**
 * The kinds the backend's list-watch caches hold (kube/Informer), as its informers select them,
 * and what each cache keeps of an object (the pods' transform is the lead's to wire in
 * Reconciler.ts: until then the pod cache keeps whole pods).
 */
const CACHED: Array<{
  apiVersion: string;
  kind: string;
  selector?: string;
  transform: (o: KubeObject) => KubeObject;
}> = [
  {
    apiVersion: KARS_API_GROUP_VERSION,
    kind: KARS_SANDBOX_KIND,
    transform: sandboxTransform,
  },
  ...OWNED_KINDS.map(k => ({
    apiVersion: k.apiVersion,
    kind: k.kind,
    selector: OWNED_SELECTOR,
    transform: ownedObjectTransform(k.kind),
  })),
  {
    apiVersion: 'v1',
    kind: 'Pod',
    selector: OWNED_SELECTOR,
    transform: podTransform,
  },
];

function embeddedGateway() {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(KUBECONFIG);
  return new ClientNodeGateway(kubeConfig);
}

/** Gives every simulated node room for the whole fleet: pods, CPU and memory. */
async function makeRoom() {
  const gateway = embeddedGateway();
  const nodes = await waitFor('the simulated nodes', 120000, async () => {
    const { items } = await gateway.list('v1', 'Node', {
      labelSelector: SIMULATED_NODE_LABEL,
    });
    return items.length ? items : undefined;
  });
  const room = { cpu: '100000', memory: '1000Ti', pods: String(tenants * 2) };
  for (const node of nodes) {
    await gateway.mergePatch(
      { apiVersion: 'v1', kind: 'Node', name: node.metadata.name },
      { status: { capacity: room, allocatable: room } },
      { subresource: 'status' },
    );
  }
  return nodes.length;
}

/** How many objects of each cached kind the embedded cluster holds, their JSON size whole and transformed. */
async function cachedObjects() {
  const gateway = embeddedGateway();
  const counts: Array<{
    kind: string;
    count: number;
    bytes: number;
    keptBytes: number;
  }> = [];
  for (const { apiVersion, kind, selector, transform } of CACHED) {
    let bytes = 0;
    let keptBytes = 0;
    // One page: the emulator answers a continued page from its event history, which takes
    // minutes with 1,000 sandboxes.
    const { items } = await gateway.list(apiVersion, kind, {
      labelSelector: selector,
    });
    const count = items.length;
    for (const o of items) {
      bytes += JSON.stringify(o).length;
      keptBytes += JSON.stringify(transform(o)).length;
    }
    counts.push({ kind, count, bytes, keptBytes });
  }
  return counts;
}

// ---------------------------------------------------------------- main

async function main() {
  fs.rmSync(WORK_DIR, { recursive: true, force: true });
  fs.mkdirSync(WORK_DIR, { recursive: true });
  console.log(
    `fleet-memory benchmark (${label}): ${tenants} tenants, ${
      os.cpus().length
    } cores, load average ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  if (await answers(`${BASE}/.backstage/health/v1/readiness`))
    throw new Error(`${BASE} already answers: another run is in progress`);

  const start = Date.now();
  const child = startBackend();
  const pid = child.pid!;
  const exited = new Promise<undefined>((_, reject) =>
    child.once('exit', code =>
      reject(new Error(`backend exited (${code}), see ${LOG}`)),
    ),
  );
  exited.catch(() => undefined);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      child.kill('SIGTERM');
      process.exit(130);
    });
  try {
    await Promise.race([
      exited,
      waitFor('the backend', 300000, async () =>
        (await answers(`${BASE}/.backstage/health/v1/readiness`))
          ? true
          : undefined,
      ),
    ]);
    const inspectorUrl = inspectorUrlIn(fs.readFileSync(LOG, 'utf8'));
    if (!inspectorUrl) throw new Error(`no inspector URL in ${LOG}`);
    if (
      untransformed &&
      !fs
        .readFileSync(LOG, 'utf8')
        .includes('informer transforms replaced by the identity')
    )
      throw new Error(`--untransformed: the transforms were not replaced`);
    const empty = processUsage(pid);
    const emptyHeap = await heapAfterGc(inspectorUrl);
    console.log(
      `backend: pid ${pid} ready at ${BASE} in ${seconds(
        Date.now() - start,
      )}, resident ${mib(empty.rss)}, heap used ${mib(
        emptyHeap.heapUsed,
      )} after GC (log ${LOG})`,
    );

    console.log(
      `simulated cluster: ${await makeRoom()} nodes given room for ${tenants} sandboxes`,
    );

    const { backstageIdentity } = await (
      await fetch(`${BASE}/api/auth/guest/refresh`)
    ).json();
    const token: string = backstageIdentity.token;
    const client = new KarsClient({
      discoveryApi: { getBaseUrl: async id => `${BASE}/api/${id}` },
    });
    const seeded = await seed(client, token);
    console.log(
      `seed: ${tenants} POST /api/kars/sandboxes (${concurrency} at a time) in ${seconds(
        seeded.createdMs,
      )}; all Running after ${seconds(seeded.runningMs)}`,
    );
    const idleStart = Date.now();
    const idle = await waitIdle(pid, idleTimeoutMs);
    console.log(
      `backend ${
        idle ? 'idle' : 'NOT idle (measuring anyway)'
      } after another ${seconds(Date.now() - idleStart)}, load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );

    if (steadySeconds > 0) {
      const cpu = await steadyCpu(pid, steadySeconds);
      console.log(
        `steady, the fleet Running and no requests: the process ${cpu.process} % of a core, its main thread ${cpu.main} %, over ${steadySeconds} s`,
      );
    }
    const before = processUsage(pid);
    const heap = await heapAfterGc(inspectorUrl);
    const after = processUsage(pid);
    const objects = await cachedObjects();
    const total = objects.reduce((n, o) => n + o.count, 0);
    const json = objects.reduce((n, o) => n + o.bytes, 0);
    const kept = objects.reduce((n, o) => n + o.keptBytes, 0);
    console.log(
      `\ncached kinds in the embedded cluster: ${total} objects, ${mib(
        json,
      )} as JSON, ${mib(kept)} transformed`,
    );
    for (const o of objects)
      console.log(
        `  ${o.kind.padEnd(16)} ${String(o.count).padStart(6)}  ${(
          o.bytes / Math.max(o.count, 1)
        ).toFixed(0)} bytes each, ${(
          o.keptBytes / Math.max(o.count, 1)
        ).toFixed(0)} transformed`,
      );
    console.log(
      `\n| run | tenants | resident | resident after GC | peak resident | main thread heap used after GC | heap total | external |`,
    );
    console.log(`|---|--:|--:|--:|--:|--:|--:|--:|`);
    console.log(
      `| ${label} | ${tenants} | ${mib(before.rss)} | ${mib(after.rss)} | ${mib(
        after.peakRss,
      )} | ${mib(heap.heapUsed)} | ${mib(heap.heapTotal)} | ${mib(
        heap.external,
      )} |`,
    );
  } finally {
    await stopBackend(child);
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
