/* eslint-disable no-console */
/**
 * Issue 19: `GET /api/kars/sandboxes` with a fleet of 5,000 sandboxes under 1, 10 and 100
 * concurrent clients, against the real backend (bench/sandbox-list/backend.ts: auth with the guest
 * sign-in, the permission backend, the kars backend and its embedded cluster), as a user whose read
 * permission is conditional (owner of team-a's sandboxes) and as an admin (every sandbox).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/sandbox-list/run.ts \
 *     [--sandboxes 5000] [--seconds 10] [--creates 1000] [--small] [--profile]
 *
 * --small: 200 sandboxes, 2 s per measurement, 100 creates (for CI). --creates: how many sandboxes
 * the admin then creates through the API, 16 at a time (after as many dry runs). --profile: the backend runs with the
 * inspector, and each row with 100 clients is CPU-profiled into /tmp/kars-bench-list/*.cpuprofile
 * (summed up by bench/lib/profileSummary.ts). The sandboxes are written straight into the
 * embedded cluster through its admin kubeconfig (KarsSandbox objects and their status). The
 * cluster starts from deploy/ and a `kars-controller` Deployment (the bootstrap directory), so the
 * backend's preflight leaves the sandboxes to "another controller" and does not reconcile them
 * while they are written and measured.
 */
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeGateway } from '@kars-portal/plugin-kars-node';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { buildSandboxObject } from '../../plugins/kars-backend/src/service/sandboxObject';
import { processUsage, quantile, sleep } from '../lib/backendProcess';
import { cpuProfileOf, inspectorUrlIn } from '../lib/inspector';

const ROOT = path.resolve(__dirname, '../..');
const PORT = 7137; // fixed in app-config.bench.yaml
const BASE = `http://localhost:${PORT}`;
const WORK_DIR = '/tmp/kars-bench-list';
// Both in app-config.bench.yaml.
const BOOTSTRAP = path.join(WORK_DIR, 'bootstrap');
const KUBECONFIG = path.join(WORK_DIR, 'kubeconfig');
const TEAMS = 20;

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const small = args.includes('--small');
const count = option('--sandboxes', small ? 200 : 5000);
const seconds = option('--seconds', small ? 2 : 10);
const profile = args.includes('--profile');
const creates = option('--creates', small ? 100 : 1000);
const CLIENTS = [1, 10, 100];

/** The figures issue 19 reports at 5,000 sandboxes, before the index. */
const BEFORE: Record<number, string> = {
  1: 'p99 29 ms',
  10: 'p99 2.6 s',
  100: 'p99 5.6 s; ~70 req/s max',
};

// ---------------------------------------------------------------- the backend

/** Set when a started backend exits before it was stopped: the waits then fail at once. */
let crashed: string | undefined;

function startBackend(extraConfig: string[], log: string): ChildProcess {
  const logPath = path.join(WORK_DIR, log);
  const out = fs.openSync(logPath, 'w');
  crashed = undefined;
  const child = spawn(
    process.execPath,
    [
      // Port 0: the inspector listens on a free port and says which in the log.
      ...(profile ? ['--inspect=127.0.0.1:0'] : []),
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'backend.ts'),
      '--config',
      path.join(__dirname, 'app-config.bench.yaml'),
      ...extraConfig.flatMap(c => ['--config', c]),
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      // The guest provider signs in only in development, as in the dev portal.
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', out, out],
    },
  );
  child.once('exit', code => {
    crashed = `the backend exited (${code}), see ${logPath}`;
  });
  return child;
}

async function stopBackend(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.removeAllListeners('exit');
  const exited = new Promise(r => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  await exited;
  clearTimeout(timer);
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (crashed) throw new Error(crashed);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** Signs in as the guest (a member of team-a) and returns the Backstage token. */
async function signIn(): Promise<string> {
  return waitFor('the guest sign-in', 120_000, async () => {
    const res = await fetch(`${BASE}/api/auth/guest/refresh`);
    if (!res.ok) return undefined;
    return ((await res.json()) as any).backstageIdentity.token as string;
  });
}

async function listCount(token: string) {
  const res = await fetch(`${BASE}/api/kars/sandboxes?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.ok
    ? (((await res.json()) as any).totalCount as number)
    : undefined;
}

/** Waits until the backend uses under 10% of a core for 3 s in a row (its startup work done). */
async function waitIdle(pid: number) {
  let last = processUsage(pid).cpuSeconds;
  let quiet = 0;
  for (let i = 0; quiet < 3 && i < 120; i++) {
    await sleep(1000);
    const now = processUsage(pid).cpuSeconds;
    quiet = now - last < 0.1 ? quiet + 1 : 0;
    last = now;
  }
}

// ---------------------------------------------------------------- the fleet

/** deploy/ and a kars-controller Deployment: "another controller" owns the sandboxes. */
function writeBootstrap() {
  fs.rmSync(BOOTSTRAP, { recursive: true, force: true });
  fs.mkdirSync(BOOTSTRAP, { recursive: true });
  const deploy = path.join(ROOT, 'deploy');
  for (const file of fs.readdirSync(deploy)) {
    if (/\.ya?ml$/.test(file)) {
      fs.symlinkSync(path.join(deploy, file), path.join(BOOTSTRAP, file));
    }
  }
  fs.writeFileSync(
    path.join(BOOTSTRAP, '99-bench-kars-controller.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: kars-controller, namespace: kars-system }',
      'spec:',
      '  replicas: 0',
      '  selector: { matchLabels: { app: kars-controller } }',
      '  template:',
      '    metadata: { labels: { app: kars-controller } }',
      '    spec: { containers: [{ name: controller, image: kars-controller:bench }] }',
      '',
    ].join('\n'),
  );
}

const ISOLATION = ['standard', 'enhanced', 'confidential'] as const;
const MODELS = ['gpt-4.1', 'gpt-4o', 'Phi-4', 'gpt-4.1-mini'];
const PHASES = ['Running', 'Running', 'Running', 'Creating', 'Degraded'];
const nameOf = (i: number) => `tenant-${String(i).padStart(4, '0')}`;
const teamOf = (i: number) =>
  `group:default/team-${String.fromCharCode(97 + (i % TEAMS))}`;

/** A KarsSandbox of a varied fleet: 20 owner teams, isolation levels, models, budgets, channels. */
function sandbox(i: number) {
  const object = buildSandboxObject(
    nameOf(i),
    sandboxSpecSchema.parse({
      owner: teamOf(i),
      sandbox: { isolation: ISOLATION[i % 3] },
      model: MODELS[i % 4],
      tokenBudget: {
        perRequestTokens: 4000,
        dailyTokens: 50000 * (1 + (i % 4)),
        monthlyTokens: 2000000,
      },
      channels: [
        ...(i % 3 === 0 ? [{ type: 'telegram' }] : []),
        ...(i % 7 === 0 ? [{ type: 'slack' }] : []),
      ],
    }),
    'kars-system',
  );
  if (i % 3 === 0) {
    object.metadata.annotations = {
      ...object.metadata.annotations,
      'kars.azure.com/credential-keys': 'TELEGRAM_BOT_TOKEN',
    };
  }
  return object;
}

function status(i: number) {
  const phase = PHASES[i % PHASES.length];
  const at = new Date(Date.UTC(2026, 11, 5, 0, 0, i % 3600)).toISOString();
  return {
    phase,
    lastReconciledAt: at,
    conditions: [
      {
        type: 'Ready',
        status: phase === 'Running' ? 'True' : 'False',
        reason: phase,
        message: '',
        lastTransitionTime: at,
      },
    ],
  };
}

function gateway() {
  const kc = new KubeConfig();
  kc.loadFromFile(KUBECONFIG);
  return new ClientNodeGateway(kc);
}

/** Writes the sandboxes missing from the cluster and their status, 16 at a time. */
async function seed() {
  const kube = gateway();
  const have = new Set(
    (
      await kube.list('kars.azure.com/v1alpha1', 'KarsSandbox', {
        namespace: 'kars-system',
      })
    ).items.map(o => o.metadata.name),
  );
  const missing = Array.from({ length: count }, (_, i) => i).filter(
    i => !have.has(nameOf(i)),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < missing.length) {
        const i = missing[next++];
        await kube.create(sandbox(i));
        await kube.mergePatch(
          {
            apiVersion: 'kars.azure.com/v1alpha1',
            kind: 'KarsSandbox',
            name: nameOf(i),
            namespace: 'kars-system',
          },
          { status: status(i) },
          { subresource: 'status' },
        );
      }
    }),
  );
  return missing.length;
}

// ---------------------------------------------------------------- the load

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

function get(query: string, token: string, etag?: string) {
  return new Promise<{ status: number; etag?: string; body: string }>(
    (resolve, reject) => {
      const req = http.get(
        `${BASE}/api/kars/sandboxes?${query}`,
        {
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            ...(etag ? { 'if-none-match': etag } : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              etag: res.headers.etag,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    },
  );
}

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
  requests: number;
  failed: number;
}

/**
 * `clients` loops, each sending its next request when its last is answered, while `more()` holds:
 * the latencies of the requests answered as wanted (`request` resolves true), the rest counted.
 */
async function closedLoop(
  clients: number,
  more: () => boolean,
  request: () => Promise<boolean>,
): Promise<Figures> {
  const latencies: number[] = [];
  let failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (more()) {
        const t = process.hrtime.bigint();
        if (await request().catch(() => false)) {
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        } else {
          failed++;
        }
      }
    }),
  );
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((x, y) => x - y);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    perSecond: latencies.length / wall,
    requests: latencies.length,
    failed,
  };
}

/** `clients` loops asking the same query for `seconds`; latencies of the expected answers. */
function load(
  query: string | (() => string),
  token: string,
  clients: number,
  expected: number,
  etag?: string,
): Promise<Figures> {
  const end = Date.now() + seconds * 1000;
  return closedLoop(
    clients,
    () => Date.now() < end,
    async () =>
      (await get(typeof query === 'string' ? query : query(), token, etag))
        .status === expected,
  );
}

/**
 * The queries measured. Every client asks the same one, as polling tabs of one user do, so its
 * page is built once per change of the fleet (the backend keeps recent pages by ETag); the last
 * two ask for another sandbox each time (a search term, a name), so every request builds its page.
 */
const QUERIES: Array<[string, string | (() => string)]> = [
  ['default page', ''],
  ['search q=tenant-42', 'q=tenant-42'],
  ['sort=budget desc', 'sort=budget&order=desc'],
  ['filter trouble=true', 'trouble=true'],
  [
    'search, a new term each request',
    () => `q=${nameOf(Math.floor(Math.random() * count))}`,
  ],
  [
    'one sandbox by name, another each request (as the catalog reads)',
    () =>
      `name=${nameOf(
        Math.floor(Math.random() * count),
      )}&include=spec,agentCard`,
  ],
];

/** The load, CPU-profiled into WORK_DIR when --profile is given and `clients` is 100. */
async function profiled(
  name: string,
  clients: number,
  inspectorUrl: string | undefined,
  run: () => Promise<Figures>,
) {
  if (!inspectorUrl || clients !== 100) return run();
  let figures: Figures | undefined;
  const cpu = await cpuProfileOf(inspectorUrl, async () => {
    figures = await run();
  });
  const file = path.join(WORK_DIR, `${name.replace(/\W+/g, '-')}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify(cpu));
  console.log(`  profile: ${file}`);
  return figures!;
}

async function measure(
  who: string,
  token: string,
  inspectorUrl: string | undefined,
) {
  const rows: string[] = [];
  const total = await listCount(token);
  console.log(`\n${who}: sees ${total} of ${count} sandboxes`);
  for (const [what, query] of [
    ...QUERIES,
    ['If-None-Match → 304', ''] as const,
  ]) {
    const asked = typeof query === 'string' ? query : query();
    const first = await get(asked, token);
    if (first.status !== 200)
      throw new Error(`GET ?${asked}: ${first.status} ${first.body}`);
    const revalidate = what.startsWith('If-None-Match');
    for (const clients of CLIENTS) {
      const f = await profiled(
        `${who.split(' ')[0]} ${what}`,
        clients,
        inspectorUrl,
        () =>
          load(
            query,
            token,
            clients,
            revalidate ? 304 : 200,
            revalidate ? first.etag : undefined,
          ),
      );
      const row = `| ${who} | ${what} | ${clients} | ${f.p50.toFixed(
        1,
      )} | ${f.p99.toFixed(1)} | ${Math.round(f.perSecond)} | ${f.failed} | ${
        what === 'default page' && count === 5000 ? BEFORE[clients] : ''
      } |`;
      console.log(row);
      rows.push(row);
    }
  }
  return rows;
}

/**
 * `POST /api/kars/sandboxes` as an admin, `concurrency` at a time: first with `?dryRun=true`
 * (authentication, the permission, validation and admission, the server's dry run: everything a
 * create does but write), then for real (the KarsSandbox, its credentials Secret, the audit row,
 * read-your-writes). The backend does not reconcile here (another controller owns the cluster), so
 * this is the create path alone.
 */
async function measureCreates(token: string, creates: number) {
  const concurrency = 16;
  const rows: string[] = [];
  for (const dryRun of [true, false]) {
    let next = 0;
    const figures = await closedLoop(
      concurrency,
      () => next < creates,
      async () => {
        const i = next++;
        const res = await fetch(
          `${BASE}/api/kars/sandboxes${dryRun ? '?dryRun=true' : ''}`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({
              name: `created-${String(i).padStart(5, '0')}`,
              spec: { owner: teamOf(i) },
            }),
          },
        );
        await res.text();
        return res.status === (dryRun ? 200 : 201);
      },
    );
    const row = `| POST /sandboxes${
      dryRun ? '?dryRun=true' : ''
    } | ${concurrency} | ${figures.requests} | ${figures.p50.toFixed(
      1,
    )} | ${figures.p99.toFixed(1)} | ${figures.perSecond.toFixed(1)} | ${
      figures.failed
    } |`;
    console.log(row);
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------- main

async function main() {
  if (
    await fetch(BASE).then(
      () => true,
      () => false,
    )
  ) {
    throw new Error(`something already answers on ${BASE}`);
  }
  fs.mkdirSync(WORK_DIR, { recursive: true });
  writeBootstrap();
  const adminConfig = path.join(WORK_DIR, 'admins.yaml');
  fs.writeFileSync(adminConfig, 'kars:\n  admins: [group:default/team-a]\n');
  let child: ChildProcess | undefined;
  process.once('SIGINT', () => {
    child?.kill('SIGTERM');
    process.exit(130);
  });
  const rows: string[] = [];
  const createRows: string[] = [];
  try {
    for (const [who, extra] of [
      ['conditional (team-a member)', []],
      ['admin', [adminConfig]],
    ] as const) {
      const started = Date.now();
      // The backend writes the embedded cluster's kubeconfig when the cluster runs.
      fs.rmSync(KUBECONFIG, { force: true });
      child = startBackend([...extra], `backend-${who.split(' ')[0]}.log`);
      const token = await signIn();
      await waitFor("the embedded cluster's kubeconfig", 120_000, async () =>
        fs.existsSync(KUBECONFIG) ? true : undefined,
      );
      const seedStart = Date.now();
      const written = await seed();
      const { clusters } = (await (
        await fetch(`${BASE}/api/kars/cluster`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as any;
      const preflight = clusters[0].preflight.find(
        (c: any) => c.name === 'no-other-kars-controller',
      );
      console.log(
        `${who}: wrote ${written} KarsSandbox objects and their status in ${(
          (Date.now() - seedStart) /
          1000
        ).toFixed(1)} s; the backend reconciles: ${clusters[0].reconciling} (${
          preflight?.message ?? 'no preflight yet'
        })`,
      );
      const visible = who === 'admin' ? count : Math.ceil(count / TEAMS);
      await waitFor('every sandbox listed', 120_000, async () =>
        (await listCount(token)) === visible ? true : undefined,
      );
      // The first budget and channel checks run 30 s after the start: measure after them.
      await sleep(Math.max(0, 35_000 - (Date.now() - started)));
      await waitIdle(child.pid!);
      const inspectorUrl = profile
        ? inspectorUrlIn(
            fs.readFileSync(
              path.join(WORK_DIR, `backend-${who.split(' ')[0]}.log`),
              'utf8',
            ),
          )
        : undefined;
      rows.push(...(await measure(who, token, inspectorUrl)));
      if (who === 'admin')
        createRows.push(...(await measureCreates(token, creates)));
      await stopBackend(child);
    }
  } finally {
    if (child) await stopBackend(child);
    agent.destroy();
  }
  console.log(
    `\nGET /api/kars/sandboxes, ${count} sandboxes, ${seconds} s per row, client and backend on the same machine\n`,
  );
  console.log(
    '| caller | query | clients | p50 ms | p99 ms | requests/s | failed | before (issue 19) |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const row of rows) console.log(row);
  console.log(
    `\nPOST /api/kars/sandboxes as an admin beside ${count} sandboxes, the backend not reconciling\n`,
  );
  console.log(
    '| request | in flight | answered | p50 ms | p99 ms | per second | failed |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of createRows) console.log(row);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
