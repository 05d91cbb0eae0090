/* eslint-disable no-console */
/**
 * Write and list rates of the kube-emulator and, when its binary is built, the real
 * kube-apiserver of test/kube-testenv, each in a process of its own, through the same three
 * clients: @kubernetes/client-node's typed API (a new connection per request, as client-node 2.x
 * makes them), kars' own KubeGateway (plain JSON over kept-alive connections, what the backend
 * uses) and a bare load generator. The emulator is measured twice: over TLS as its kubeconfig says,
 * and over plain HTTP on the same port. Then it fills each server to 10,000 objects and reports the
 * server's resident memory (the sum over its process group, from /proc).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/kube-api/run.ts \
 *     [--count 1500] [--fill 10000] [--no-real]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ClientNodeGateway } from '@kars-portal/plugin-kars-node';
import {
  missingBinaryReason,
  startKubeTestenv,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';

interface Target {
  name: string;
  kubeconfigYaml: string;
  /** The server's process group: its resident memory is the sum over the group. */
  pgid: number;
  stop(): Promise<void>;
}

type Row = { what: string; unit: string; values: Record<string, string> };

const args = process.argv.slice(2);
const option = (flag: string, fallback: number) =>
  args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : fallback;
const count = option('--count', 1500);
const fill = option('--fill', 10_000);
const withReal = !args.includes('--no-real');
const CONCURRENCY = 8;
const LIST_ROUNDS = 20;
const PAGE = 50;
const REPO = path.resolve(__dirname, '../..');

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/** The resident memory of every process in a process group, in MiB (from /proc). */
function groupRssMiB(pgid: number): number {
  let kib = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may hold spaces): state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended while we read it.
    }
  }
  return kib / 1024;
}

const configMap = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { bench: 'kube-api' } },
  data: { key: 'value'.repeat(20) },
});

async function measure(target: Target): Promise<Record<string, number>> {
  const kc = new KubeConfig();
  kc.loadFromString(target.kubeconfigYaml);
  const core = kc.makeApiClient(CoreV1Api);
  const gateway = new ClientNodeGateway(kc);
  const ns = `bench-${Date.now()}`;
  await core.createNamespace({ body: { metadata: { name: ns } } });
  const out: Record<string, number> = { rssEmpty: groupRssMiB(target.pgid) };
  let written = 0;

  const typed = (name: string) =>
    core.createNamespacedConfigMap({
      namespace: ns,
      body: configMap(name, ns),
    });
  const kept = (name: string) => gateway.create(configMap(name, ns));
  const raw = await rawClient(kc);
  const bare = (name: string) =>
    raw.post(
      `/api/v1/namespaces/${ns}/configmaps`,
      JSON.stringify(configMap(name, ns)),
    );
  for (const [key, create] of [
    ['Typed', typed],
    ['Gateway', kept],
    ['Raw', bare],
  ] as const) {
    const seq = await timed(async () => {
      for (let i = 0; i < count; i++)
        await create(`seq-${key.toLowerCase()}-${i}`);
    });
    out[`createSequential${key}`] = count / seq;
    const par = await timed(() =>
      pool(count, CONCURRENCY, async i => {
        await create(`par-${key.toLowerCase()}-${i}`);
      }),
    );
    out[`createConcurrent${key}`] = count / par;
    written += 2 * count;
  }

  const selector = 'bench=kube-api';
  const full = await timed(async () => {
    for (let r = 0; r < LIST_ROUNDS; r++) {
      const list = await gateway.list('v1', 'ConfigMap', {
        namespace: ns,
        labelSelector: selector,
      });
      if (list.items.length !== written)
        throw new Error(`${target.name}: listed ${list.items.length}`);
    }
  });
  out.listFull = LIST_ROUNDS / full;

  const paged = await timed(async () => {
    for (let r = 0; r < LIST_ROUNDS; r++) {
      let token: string | undefined;
      let seen = 0;
      do {
        const page = await gateway.list('v1', 'ConfigMap', {
          namespace: ns,
          labelSelector: selector,
          limit: PAGE,
          continueToken: token,
        });
        seen += page.items.length;
        token = page.continue;
      } while (token);
      if (seen !== written) throw new Error(`${target.name}: paged ${seen}`);
    }
  });
  out.listPaged = LIST_ROUNDS / paged;

  const rest = Math.max(0, fill - written);
  await pool(rest, CONCURRENCY, async i => {
    await gateway.create(configMap(`fill-${i}`, ns));
  });
  written += rest;
  const { items } = await gateway.list('v1', 'ConfigMap', {
    namespace: ns,
    labelSelector: selector,
  });
  if (items.length !== written)
    throw new Error(`${target.name}: ${items.length} of ${written} stored`);
  out.objects = written;
  out.rssFilled = groupRssMiB(target.pgid);
  return out;
}

/**
 * A load generator, not a client library: POSTs of ready JSON over kept-alive connections,
 * with the kubeconfig's CA and credentials read once. It costs the client little, so the rate it
 * gets is closer to what the server can take.
 */
async function rawClient(kc: KubeConfig) {
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const server = new URL(kc.getCurrentCluster()!.server);
  const secure = server.protocol === 'https:';
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: CONCURRENCY,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
      })
    : new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const headers = {
    ...(options.headers as Record<string, string>),
    'content-type': 'application/json',
    accept: 'application/json',
  };
  return {
    post: (pathname: string, body: string) =>
      new Promise<void>((resolve, reject) => {
        const req = (secure ? https : http).request(
          {
            agent,
            hostname: server.hostname,
            port: server.port,
            method: 'POST',
            path: pathname,
            headers,
          },
          res => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 201
                ? resolve()
                : reject(new Error(`POST ${pathname}: ${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
  };
}

/**
 * The emulator's own CLI in a child process, as `yarn emulator` runs it, reached over TLS as its
 * kubeconfig says, or over plain HTTP on the same port as the dev portal's backend reaches the
 * emulator it embeds (same process, loopback: no TLS).
 */
async function startEmulatorProcess(
  transport: 'https' | 'http',
): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-bench-emulator-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(REPO, 'packages/kube-emulator/src/cli.ts'),
      '--port',
      '0',
      '--kubeconfig',
      kubeconfig,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pid = child.pid!;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk;
      if (out.includes('kubeconfig:')) resolve();
    });
    child.on('exit', code =>
      reject(new Error(`the emulator exited (${code}): ${out}`)),
    );
  });
  child.stdout!.resume();
  const config = parse(fs.readFileSync(kubeconfig, 'utf8'));
  if (transport === 'http') {
    const cluster = config.clusters[0].cluster;
    cluster.server = cluster.server.replace(/^https:/, 'http:');
    delete cluster['certificate-authority-data'];
    // client-node refuses an http:// server unless TLS verification is off (there is no TLS).
    cluster['insecure-skip-tls-verify'] = true;
  }
  return {
    name: `emulator (${transport.toUpperCase()})`,
    kubeconfigYaml: stringify(config),
    pgid: pid,
    async stop() {
      const exited = new Promise(r => child.once('exit', r));
      process.kill(-pid, 'SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function targets(): Promise<Target[]> {
  const list = [
    await startEmulatorProcess('https'),
    await startEmulatorProcess('http'),
  ];
  if (!withReal) return list;
  const binaryPath = testenvBinaryPath();
  if (!binaryPath) {
    console.log(`real kube-apiserver skipped: ${missingBinaryReason()}`);
    return list;
  }
  const real = await startKubeTestenv({ binaryPath });
  list.push({
    name: `kube-apiserver ${real.version}`,
    kubeconfigYaml: real.kubeconfigYaml,
    pgid: real.pid,
    stop: () => real.stop(),
  });
  return list;
}

function print(rows: Row[], names: string[]) {
  const header = ['operation', 'unit', ...names];
  const lines = rows.map(r => [r.what, r.unit, ...names.map(n => r.values[n])]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map(l => l[i].length)),
  );
  const fmt = (cells: string[]) =>
    `| ${cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(' | ')} |`;
  console.log(fmt(header));
  console.log(
    `|${widths
      .map((w, i) => (i < 2 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`))
      .join('|')}|`,
  );
  for (const l of lines) console.log(fmt(l));
}

async function main() {
  const all = await targets();
  const results: Record<string, Record<string, number>> = {};
  try {
    for (const t of all) {
      console.log(`measuring ${t.name}…`);
      results[t.name] = await measure(t);
    }
  } finally {
    for (const t of all) await t.stop();
  }
  const names = all.map(t => t.name);
  const row = (what: string, unit: string, key: string): Row => ({
    what,
    unit,
    values: Object.fromEntries(names.map(n => [n, results[n][key].toFixed(1)])),
  });
  const creates = (client: string, key: string) => [
    row(
      `create ${count} ConfigMaps, sequential, ${client}`,
      'objects/s',
      `createSequential${key}`,
    ),
    row(
      `create ${count} ConfigMaps, concurrency ${CONCURRENCY}, ${client}`,
      'objects/s',
      `createConcurrent${key}`,
    ),
  ];
  const listed = 6 * count;
  print(
    [
      ...creates('client-node typed API', 'Typed'),
      ...creates('kars KubeGateway', 'Gateway'),
      ...creates('load generator (raw HTTPS keep-alive)', 'Raw'),
      row(`list ${listed} (label selector, one page)`, 'lists/s', 'listFull'),
      row(
        `list ${listed} (label selector, pages of ${PAGE})`,
        'lists/s',
        'listPaged',
      ),
      row('server resident memory, empty', 'MiB', 'rssEmpty'),
      row(
        `server resident memory at ${results[names[0]].objects} ConfigMaps`,
        'MiB',
        'rssFilled',
      ),
    ],
    names,
  );
  const real = names.find(n => n.startsWith('kube-apiserver'));
  if (!real) return;
  const clients: Record<string, string> = {
    Typed: 'client-node typed API',
    Gateway: 'kars KubeGateway',
    Raw: 'load generator',
  };
  for (const emulator of names.filter(n => n !== real)) {
    for (const [key, client] of Object.entries(clients)) {
      const ratio = (k: string) =>
        (results[emulator][k] / results[real][k]).toFixed(1);
      console.log(
        `${emulator} / kube-apiserver write rate, ${client}: ${ratio(
          `createSequential${key}`,
        )}× sequential, ${ratio(`createConcurrent${key}`)}× concurrent`,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
