/* eslint-disable no-console */
/**
 * Issue 19: a burst of sandboxes on a real kube-apiserver, the backend beside kubectl.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/fleet-scale/run.ts \
 *     [--count 1000] [--concurrency 16] [--profile]
 *
 * Two fresh control planes of test/kube-testenv (kube-apiserver on embedded etcd with
 * kube-controller-manager, deploy/ applied, the workload simulator playing the kubelets on nodes
 * with room for every sandbox). On the first, one `kubectl apply --server-side` of one
 * file holding every object the backend renders for `count` sandboxes (their dry-run manifests).
 * On the second, the real backend (packages/backend, a process of its own, this cluster as its only
 * one) takes `count` POST /api/kars/sandboxes,
 * `concurrency` at a time. Printed: both wall times, each sandbox's POST → Applied (status written
 * for its generation, every object applied) and POST → Running, the API server's own count of the
 * backend's requests per sandbox (apiserver_request_total), whether a Lease was lost or a reconcile
 * failed, and the backend's CPU and memory.
 */
import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { stringify } from 'yaml';
import {
  KARS_API_GROUP_VERSION,
  KARS_SANDBOX_KIND,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import {
  ClusterTarget,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { testenvBinaryPath } from '@kars-portal/kube-testenv';
import { DEFAULT_NODE_POOLS } from '@kars-portal/workload-simulator';
import {
  BackendProcess,
  guestToken,
  numberOption,
  processUsage,
  quantile,
  seconds,
  sleep,
  startBackend,
  waitFor,
} from '../lib/backendProcess';

const run = promisify(execFile);
const args = process.argv.slice(2);
const count = numberOption(args, '--count', 1000);
const concurrency = numberOption(args, '--concurrency', 16);
/** Write a V8 CPU profile of the backend into the work dir (read it with bench/lib/profileSummary.ts). */
const profile = args.includes('--profile');
const PORT = 7118;
const WORK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-bench-scale-'));
/** The backend's full resync period here: the no-op resync is measured over one and a bit. */
const RESYNC_SECONDS = 30;
const nameOf = (i: number) => `burst-${String(i).padStart(4, '0')}`;

/** Before: the figures in issue 19, measured on the same machine before the work. */
const BEFORE = {
  ratioToKubectl: '2.3-2.8x',
  appliedP99: '67 s',
  runningP99: '96 s',
  writes: '12.7',
  reads: '5.3',
};

function kubectlPath() {
  const kubectl =
    process.env.KARS_KUBECTL ??
    path.join(path.dirname(testenvBinaryPath() ?? '.'), 'kubectl');
  if (!fs.existsSync(kubectl)) {
    throw new Error(
      `no kubectl at ${kubectl}: bash test/kube-testenv/build.sh --with-kubectl`,
    );
  }
  return kubectl;
}

/** The request body of sandbox i: every isolation level, some channels. */
function request(i: number) {
  return {
    name: nameOf(i),
    spec: {
      owner: 'group:default/team-a',
      sandbox: {
        isolation: (['standard', 'enhanced', 'confidential'] as const)[i % 3],
      },
      model: 'gpt-4.1',
      channels: i % 4 === 0 ? [{ type: 'slack' }] : [],
    },
  };
}

interface RequestCounts {
  /** Requests by verb (GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE) and resource. */
  byVerb: Map<string, number>;
}

/**
 * The API server's count of answered requests (`apiserver_request_total`) by verb and resource,
 * those answered other than 2xx apart (`(refused)`: a 404 GET, a 409 create, a 403).
 */
async function requestCounts(kubectl: string, kubeconfig: string) {
  const { stdout } = await run(
    kubectl,
    ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const counts: RequestCounts = { byVerb: new Map() };
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    const resource = labels.subresource
      ? `${labels.resource}/${labels.subresource}`
      : labels.resource;
    const refused = /^2/.test(labels.code) ? '' : ' (refused)';
    const key = `${labels.verb} ${resource}${refused}`;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    counts.byVerb.set(key, (counts.byVerb.get(key) ?? 0) + value);
  }
  return counts;
}

function difference(after: RequestCounts, before: RequestCounts) {
  const diff = new Map<string, number>();
  for (const [key, value] of after.byVerb) {
    const d = value - (before.byVerb.get(key) ?? 0);
    if (d > 0) diff.set(key, d);
  }
  return diff;
}

/**
 * What the backend (or kubectl) asked of the server: kube-controller-manager also writes in every new
 * namespace (its `default` ServiceAccount and `kube-root-ca.crt` ConfigMap), the simulator and the
 * controllers write pods, ReplicaSets, Events, Leases and status; those are left out.
 */
function backendShare(diff: Map<string, number>, namespaces: number) {
  const backendResources = new Set([
    'karssandboxes',
    'karssandboxes/status',
    'namespaces',
    'rolebindings',
    'serviceaccounts',
    'configmaps',
    'services',
    'networkpolicies',
    'deployments',
    'inferencepolicies',
    'secrets',
    'selfsubjectaccessreviews',
  ]);
  let writes = 0;
  let reads = 0;
  const lines: string[] = [];
  for (const [key, value] of [...diff].sort()) {
    const [verb, resource, refused] = key.split(' ');
    if (!backendResources.has(resource) || verb === 'WATCH') continue;
    let n = value;
    const controllers = !refused && verb === 'POST';
    if (controllers && resource === 'serviceaccounts') n -= namespaces;
    if (controllers && resource === 'configmaps') n -= namespaces;
    if (n <= 0) continue;
    lines.push(`${key} ${n}`);
    if (verb === 'GET' || verb === 'LIST') reads += n;
    else writes += n;
  }
  return { writes, reads, lines };
}

/** The time each sandbox first showed Applied (status of its generation) and Running, from a watch. */
function watchSandboxes(target: ClusterTarget) {
  const applied = new Map<string, number>();
  const running = new Map<string, number>();
  let handle: { stop(): void } | undefined;
  const see = (object: any) => {
    const name = object.metadata?.name as string;
    const status = object.status ?? {};
    const now = Date.now();
    if (
      !applied.has(name) &&
      status.observedGeneration !== undefined &&
      Number(status.observedGeneration) >=
        Number(object.metadata.generation ?? 1)
    ) {
      applied.set(name, now);
    }
    if (!running.has(name) && status.phase === 'Running')
      running.set(name, now);
  };
  const start = async (): Promise<void> => {
    const list = await target.admin.list(
      KARS_API_GROUP_VERSION,
      KARS_SANDBOX_KIND,
      { namespace: 'kars-system' },
    );
    list.items.forEach(see);
    handle = await target.admin.watch(
      KARS_API_GROUP_VERSION,
      KARS_SANDBOX_KIND,
      { namespace: 'kars-system', resourceVersion: list.resourceVersion },
      event => see(event.object),
      () => void start().catch(() => undefined),
    );
  };
  return {
    applied,
    running,
    start,
    stop: () => handle?.stop(),
  };
}

/**
 * From the server's own timestamps (whole seconds): how long each sandbox's Deployment took to
 * become Available (the simulated workload), and how long after that its KarsSandbox turned Ready.
 */
async function workloadReadiness(target: ClusterTarget) {
  const time = (s?: string) => (s ? Date.parse(s) : NaN);
  const condition = (o: any, type: string) =>
    (o.status?.conditions ?? []).find(
      (c: any) => c.type === type && c.status === 'True',
    )?.lastTransitionTime;
  const sandboxes = await target.admin.list<any>(
    KARS_API_GROUP_VERSION,
    KARS_SANDBOX_KIND,
    { namespace: 'kars-system' },
  );
  const deployments = await target.admin.list<any>('apps/v1', 'Deployment', {
    labelSelector: 'app.kubernetes.io/managed-by=kars-portal',
  });
  const available = new Map<string, number>();
  const delays: number[] = [];
  for (const d of deployments.items) {
    const at = time(condition(d, 'Available'));
    available.set(d.metadata.namespace, at);
    delays.push(at - time(d.metadata.creationTimestamp));
  }
  const statusLag = sandboxes.items.map(
    s =>
      time(condition(s, 'Ready')) - (available.get(s.status?.namespace) ?? NaN),
  );
  return { available: delays, statusLag };
}

/** A control plane with deploy/ applied and the simulator, its nodes room for every sandbox. */
function clusterOptions() {
  return {
    readyDelayMs: 500,
    nodePools: DEFAULT_NODE_POOLS.map(pool => ({
      ...pool,
      nodes: Math.max(pool.nodes, Math.ceil(count / 100) + 1),
      capacity: { cpu: '64', memory: '256Gi', pods: '110' },
    })),
  };
}

async function kubectlBaseline(
  kubectl: string,
  manifests: KubeObject[],
  namespaces: number,
): Promise<{ ms: number; objects: number; writes: number }> {
  // The simulator runs here too: the objects' pods are scheduled and started as in the backend's burst.
  const target = await startClusterTarget('kube-apiserver', clusterOptions());
  try {
    const file = path.join(WORK_DIR, 'burst.yaml');
    fs.writeFileSync(file, manifests.map(o => stringify(o)).join('---\n'));
    const before = await requestCounts(kubectl, target.adminKubeconfigPath);
    const start = Date.now();
    await run(
      kubectl,
      [
        '--kubeconfig',
        target.adminKubeconfigPath,
        'apply',
        '--server-side',
        '--field-manager=bench',
        '-f',
        file,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const ms = Date.now() - start;
    const diff = difference(
      await requestCounts(kubectl, target.adminKubeconfigPath),
      before,
    );
    const { writes } = backendShare(diff, namespaces);
    return { ms, objects: manifests.length, writes };
  } finally {
    await target.stop();
  }
}

async function main() {
  const kubectl = kubectlPath();
  console.log(
    `fleet-scale: ${count} sandboxes, ${concurrency} POSTs at a time, ${
      os.cpus().length
    } cores, work dir ${WORK_DIR}`,
  );
  const target = await startClusterTarget('kube-apiserver', clusterOptions());
  let backend: BackendProcess | undefined;
  const watcher = watchSandboxes(target);
  const interrupted = async () => {
    await backend?.stop();
    await target.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const configPath = path.join(WORK_DIR, 'app-config.bench.yaml');
    fs.writeFileSync(
      configPath,
      stringify({
        app: { baseUrl: `http://localhost:${PORT}` },
        backend: {
          baseUrl: `http://localhost:${PORT}`,
          listen: { port: PORT },
          cors: { origin: `http://localhost:${PORT}` },
          database: { plugin: { kars: { connection: ':memory:' } } },
        },
        kars: {
          demoTenants: false,
          resyncSeconds: RESYNC_SECONDS,
          agentCardProvider: { url: `http://localhost:${PORT}` },
          clusters: [
            {
              name: 'real',
              type: 'kubeconfig',
              default: true,
              kubeconfigPath: target.backendKubeconfigPath,
            },
          ],
        },
        catalog: {
          processingInterval: { minutes: 30 },
          providers: {
            kars: {
              schedule: { frequency: { hours: 24 }, timeout: { minutes: 3 } },
            },
          },
        },
      }),
    );
    backend = await startBackend({
      configPath,
      port: PORT,
      logPath: path.join(WORK_DIR, 'backend.log'),
      env: profile
        ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${WORK_DIR}` }
        : undefined,
    });
    const token = await guestToken(backend.baseUrl);
    const api = async (body: unknown, dryRun: boolean) => {
      const res = await fetch(
        `${backend!.baseUrl}/api/kars/sandboxes${dryRun ? '?dryRun=true' : ''}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
        },
      );
      if (!res.ok) throw new Error(`POST ${res.status}: ${await res.text()}`);
      return res.json();
    };

    // The same objects through kubectl, on a control plane of their own.
    const manifests: KubeObject[] = [];
    for (let i = 0; i < count; i++) {
      manifests.push(...(await api(request(i), true)).objects);
    }
    const baseline = await kubectlBaseline(kubectl, manifests, count);
    console.log(
      `kubectl apply --server-side, one file of ${baseline.objects} objects (${(
        baseline.objects / count
      ).toFixed(1)} per sandbox): ${seconds(baseline.ms)}, ${(
        baseline.writes / count
      ).toFixed(1)} writes per sandbox`,
    );

    await watcher.start();
    const before = await requestCounts(kubectl, target.adminKubeconfigPath);
    const cpuBefore = processUsage(backend.pid).cpuSeconds;
    const posted = new Map<string, number>();
    const postTimes: number[] = [];
    const burstStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          const at = Date.now();
          posted.set(nameOf(i), at);
          await api(request(i), false);
          postTimes.push(Date.now() - at);
        }
      }),
    );
    const lastPost = Date.now();
    await waitFor(
      'every sandbox to be applied',
      30 * 60_000,
      async () => (watcher.applied.size >= count ? true : undefined),
      200,
    );
    const allApplied = Date.now();
    // A sandbox that does not come up (its pod unschedulable, say) is reported, not waited for.
    await waitFor(
      'every sandbox to be Running',
      Math.max(120_000, count * 300),
      async () => (watcher.running.size >= count ? true : undefined),
      200,
    ).catch(() =>
      console.log(`only ${watcher.running.size} of ${count} became Running`),
    );
    const allRunning = Date.now();
    const diff = difference(
      await requestCounts(kubectl, target.adminKubeconfigPath),
      before,
    );
    const usage = processUsage(backend.pid);
    const share = backendShare(diff, count);

    // Every sandbox Running: a full resync (every sandbox passed again) must write nothing.
    const idleBefore = await requestCounts(kubectl, target.adminKubeconfigPath);
    const idleCpu = processUsage(backend.pid).cpuSeconds;
    await sleep((RESYNC_SECONDS + 10) * 1000);
    const resync = backendShare(
      difference(
        await requestCounts(kubectl, target.adminKubeconfigPath),
        idleBefore,
      ),
      0,
    );
    const resyncCpu = processUsage(backend.pid).cpuSeconds - idleCpu;

    const readiness = await workloadReadiness(target);
    const latency = (at: Map<string, number>) =>
      [...posted].map(([name, t]) => (at.get(name) ?? NaN) - t);
    const applied = latency(watcher.applied);
    const running = latency(watcher.running);
    const burstMs = allApplied - burstStart;
    const log = fs.readFileSync(backend.logPath, 'utf8');
    const lostLease = (
      log.match(/could not renew lease .*stepping down/g) ?? []
    ).length;
    const fetchFailed = (log.match(/fetch failed|socket hang up/g) ?? [])
      .length;
    const failedReconciles = (log.match(/reconcile \S+ failed/g) ?? []).length;

    const rows: Array<[string, string, string, string]> = [
      [
        'all applied, backend / kubectl one file',
        BEFORE.ratioToKubectl,
        `${(burstMs / baseline.ms).toFixed(2)}x (${seconds(
          burstMs,
        )} / ${seconds(baseline.ms)})`,
        '<= 1.1x',
      ],
      [
        'POST -> Applied p50 / p99',
        `- / ${BEFORE.appliedP99}`,
        `${seconds(quantile(applied, 0.5))} / ${seconds(
          quantile(applied, 0.99),
        )}`,
        'p99 <= 5 s',
      ],
      [
        'POST -> Running p50 / p99',
        `- / ${BEFORE.runningP99}`,
        `${seconds(quantile(running, 0.5))} / ${seconds(
          quantile(running, 0.99),
        )}`,
        'p99 <= Applied p99 + readiness (0.5 s)',
      ],
      [
        'POST answered p50 / p99',
        '-',
        `${quantile(postTimes, 0.5).toFixed(0)} / ${quantile(
          postTimes,
          0.99,
        ).toFixed(0)} ms (${((count * 1000) / (lastPost - burstStart)).toFixed(
          0,
        )}/s)`,
        '',
      ],
      [
        'backend writes / reads per sandbox',
        `${BEFORE.writes} / ${BEFORE.reads}`,
        `${(share.writes / count).toFixed(1)} / ${(share.reads / count).toFixed(
          1,
        )}`,
        `kubectl ${(baseline.writes / count).toFixed(1)} writes`,
      ],
      [
        'lease lost / network failures / failed reconciles',
        'lost at 5,000 / 1,531-3,076 / -',
        `${lostLease} / ${fetchFailed} / ${failedReconciles}`,
        '0 / 0 / 0',
      ],
      [
        'backend CPU for the burst / RSS after',
        '-',
        `${(usage.cpuSeconds - cpuBefore).toFixed(
          0,
        )} s / ${usage.rssMiB.toFixed(0)} MiB`,
        '',
      ],
      ['last POST -> all Running', '-', seconds(allRunning - lastPost), ''],
      [
        'Deployment created -> Available p50 / p99 (the workload)',
        '-',
        `${seconds(quantile(readiness.available, 0.5))} / ${seconds(
          quantile(readiness.available, 0.99),
        )}`,
        '',
      ],
      [
        'Deployment Available -> sandbox Ready p50 / p99 (the status pass)',
        '-',
        `${seconds(quantile(readiness.statusLag, 0.5))} / ${seconds(
          quantile(readiness.statusLag, 0.99),
        )}`,
        '',
      ],
      [
        `no-op resync (${RESYNC_SECONDS + 10} s window): backend writes / CPU`,
        '-',
        `${resync.writes} / ${resyncCpu.toFixed(1)} s`,
        '0 writes',
      ],
    ];
    console.log(
      `\nBurst of ${count} on kube-apiserver (${concurrency} POSTs at a time)\n`,
    );
    console.log('| measure | before (issue 19) | now | goal |');
    console.log('| --- | ---: | ---: | --- |');
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    console.log(
      `\nthe backend's requests (kube-controller-manager's ServiceAccount and ConfigMap per namespace left out):`,
    );
    for (const line of share.lines) console.log(`  ${line}`);
  } finally {
    watcher.stop();
    await backend?.stop();
    await target.stop();
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
