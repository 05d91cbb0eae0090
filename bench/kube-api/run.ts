/* eslint-disable no-console */
/**
 * Create and list rates of the kube-emulator and, when its binary is built, the real
 * kube-apiserver of test/kube-testenv, through the same @kubernetes/client-node calls.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/kube-api/run.ts [--count 500] [--no-real]
 */
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  missingBinaryReason,
  startKubeTestenv,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

interface Target {
  name: string;
  kubeconfigYaml: string;
  stop(): Promise<void>;
}

type Row = { what: string; unit: string; values: Record<string, number> };

const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--count') + 1] ?? 0) || 500;
const withReal = !args.includes('--no-real');
const CONCURRENCY = 8;
const LIST_ROUNDS = 20;
const PAGE = 50;

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

async function measure(target: Target): Promise<Record<string, number>> {
  const kc = new KubeConfig();
  kc.loadFromString(target.kubeconfigYaml);
  const core = kc.makeApiClient(CoreV1Api);
  const ns = `bench-${Date.now()}`;
  await core.createNamespace({ body: { metadata: { name: ns } } });
  const cm = (name: string) => ({
    metadata: { name, labels: { bench: 'kube-api' } },
    data: { key: 'value'.repeat(20) },
  });
  const out: Record<string, number> = {};

  const seq = await timed(async () => {
    for (let i = 0; i < count; i++)
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: cm(`seq-${i}`),
      });
  });
  out.createSequential = count / seq;

  const par = await timed(() =>
    pool(count, CONCURRENCY, async i => {
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: cm(`par-${i}`),
      });
    }),
  );
  out.createConcurrent = count / par;

  const selector = 'bench=kube-api';
  const full = await timed(async () => {
    for (let r = 0; r < LIST_ROUNDS; r++) {
      const list = await core.listNamespacedConfigMap({
        namespace: ns,
        labelSelector: selector,
      });
      if (list.items.length !== 2 * count)
        throw new Error(`${target.name}: listed ${list.items.length}`);
    }
  });
  out.listFull = LIST_ROUNDS / full;

  const paged = await timed(async () => {
    for (let r = 0; r < LIST_ROUNDS; r++) {
      let token: string | undefined;
      let seen = 0;
      do {
        const page = await core.listNamespacedConfigMap({
          namespace: ns,
          labelSelector: selector,
          limit: PAGE,
          _continue: token,
        });
        seen += page.items.length;
        token = page.metadata?._continue;
      } while (token);
      if (seen !== 2 * count) throw new Error(`${target.name}: paged ${seen}`);
    }
  });
  out.listPaged = LIST_ROUNDS / paged;

  await core.deleteNamespace({ name: ns });
  return out;
}

async function targets(): Promise<Target[]> {
  const emu = await startKubeEmulator();
  const list: Target[] = [
    {
      name: 'emulator',
      kubeconfigYaml: emu.kubeconfigYaml,
      stop: () => emu.stop(),
    },
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
    stop: () => real.stop(),
  });
  return list;
}

function print(rows: Row[], names: string[]) {
  const header = ['operation', 'unit', ...names];
  const lines = rows.map(r => [
    r.what,
    r.unit,
    ...names.map(n =>
      r.values[n] === undefined ? '-' : r.values[n].toFixed(1),
    ),
  ]);
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
      console.log(`measuring ${t.name} (${count} ConfigMaps each way)…`);
      results[t.name] = await measure(t);
    }
  } finally {
    for (const t of all) await t.stop();
  }
  const names = all.map(t => t.name);
  const row = (what: string, unit: string, key: string): Row => ({
    what,
    unit,
    values: Object.fromEntries(names.map(n => [n, results[n][key]])),
  });
  print(
    [
      row(
        `create ${count} ConfigMaps, sequential`,
        'objects/s',
        'createSequential',
      ),
      row(
        `create ${count} ConfigMaps, concurrency ${CONCURRENCY}`,
        'objects/s',
        'createConcurrent',
      ),
      row(
        `list ${2 * count} (label selector, one page)`,
        'lists/s',
        'listFull',
      ),
      row(
        `list ${2 * count} (label selector, pages of ${PAGE})`,
        'lists/s',
        'listPaged',
      ),
    ],
    names,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
