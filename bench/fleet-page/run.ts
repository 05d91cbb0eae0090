/* eslint-disable no-console */
/**
 * Issue 10: the fleet page's first render, search, sort and next-page times with 5,000 tenants, in
 * Chromium, against the real backend (packages/backend with the kars backend and its embedded
 * cluster: the in-process kube-emulator) and the real app (packages/app/dist, served by the
 * backend's app-backend plugin), signed in as the dev guest.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/fleet-page/run.ts \
 *     [--tenants 5000] [--runs 5] [--concurrency 4] [--build | --no-build] [--keep] [--attach]
 *     [--search tenant-42] [--profile DIR]
 *
 * --keep leaves the backend running (pid in /tmp/kars-bench-fleet/backend.pid); --attach measures a
 * kept one again without starting or seeding from scratch (it creates only missing tenants);
 * --no-settle measures without waiting for every sandbox to be Running and the backend to go idle
 * (only to try the script: the figures are then taken while the reconciler works).
 * --profile DIR writes a CPU profile of the page per run (search, clear, sort and next page, from the
 * first key to the last row) as DIR/fleet-page-run<N>.cpuprofile; `bench/lib/profileSummary.ts`
 * with `--source-maps packages/app/dist/static` names the app's source files in it.
 */
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { KarsClient } from '@kars-portal/plugin-kars-common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { nameOf, tenant } from '../lib/tenants';

const ROOT = path.resolve(__dirname, '../..');
const PORT = 7117; // fixed in app-config.bench.yaml
const BASE = `http://localhost:${PORT}`;
const WORK_DIR = '/tmp/kars-bench-fleet';
const PID_FILE = path.join(WORK_DIR, 'backend.pid');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROW = 'table[aria-label="Sandboxes"] tbody tr';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const tenants = option('--tenants', 5000);
const runs = option('--runs', 5);
const concurrency = option('--concurrency', 4);
/** What the search types: it must match some tenants (tenant-42 matches 100 of 5,000, none of 1,000). */
const SEARCH = args.includes('--search')
  ? args[args.indexOf('--search') + 1]
  : 'tenant-42';
const keep = args.includes('--keep');
const attach = args.includes('--attach');
const settle = !args.includes('--no-settle');
const PROFILE_DIR = args.includes('--profile')
  ? path.resolve(args[args.indexOf('--profile') + 1])
  : undefined;
let build: 'always' | 'never' | 'stale' = 'stale';
if (args.includes('--build')) build = 'always';
if (args.includes('--no-build')) build = 'never';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// ---------------------------------------------------------------- the app bundle

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs,
    );
  }
  return newest;
}

function run(command: string, argv: string[], cwd: string, log: string) {
  return new Promise<void>((resolve, reject) => {
    const out = fs.openSync(log, 'w');
    const child = spawn(command, argv, { cwd, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${argv.join(' ')} failed, see ${log}`)),
    );
  });
}

async function ensureAppBuilt() {
  const index = path.join(ROOT, 'packages/app/dist/index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(
    ...['packages/app/src', 'plugins/kars/src', 'plugins/kars-common/src'].map(
      d => newestMtime(path.join(ROOT, d)),
    ),
  );
  const stale = built < sources;
  if (build === 'never' || (build === 'stale' && !stale)) {
    if (!built) throw new Error(`${index} is missing: run without --no-build`);
    console.log(
      `app bundle: packages/app/dist from ${new Date(built).toISOString()}${
        stale ? ' (older than the sources: --no-build)' : ''
      }`,
    );
    return;
  }
  const start = Date.now();
  await run(
    'yarn',
    ['workspace', 'app', 'build'],
    ROOT,
    path.join(WORK_DIR, 'app-build.log'),
  );
  console.log(
    `app bundle: built packages/app/dist in ${seconds(Date.now() - start)}`,
  );
}

// ---------------------------------------------------------------- the backend

async function answers(url: string) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

function startBackend(): ChildProcess {
  const log = fs.openSync(path.join(WORK_DIR, 'backend.log'), 'w');
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
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
  fs.writeFileSync(PID_FILE, String(child.pid));
  return child;
}

async function stopBackend(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise(r => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  await exited;
  clearTimeout(timer);
  fs.rmSync(PID_FILE, { force: true });
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

/** CPU time (user + system) of a process in seconds, and its resident memory in MiB. */
function processUsage(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  const rss = Number(
    /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1],
  );
  return { cpuSeconds: ticks / 100, rssMiB: rss / 1024 };
}

/** Waits until the backend uses under 10% of a core over 10 s (its reconciler, catalog and simulator done). */
async function waitIdle(pid: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = processUsage(pid).cpuSeconds;
  let quiet = 0;
  while (quiet < 10) {
    if (Date.now() > deadline) {
      console.log('  backend did not go idle; measuring anyway');
      return;
    }
    await sleep(1000);
    const now = processUsage(pid).cpuSeconds;
    quiet = now - last < 0.1 ? quiet + 1 : 0;
    last = now;
  }
}

// ---------------------------------------------------------------- the tenants

async function seed(client: KarsClient, token: string) {
  const have = (await client.listSandboxes({ limit: 1 }, { token })).totalCount;
  const start = Date.now();
  if (have < tenants) {
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
  }
  const created = Date.now() - start;
  if (!settle) return { had: have, createdMs: created, runningMs: NaN };
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
  return { had: have, createdMs: created, runningMs: Date.now() - start };
}

// ---------------------------------------------------------------- measuring

interface Stat {
  what: string;
  values: number[];
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function print(title: string, stats: Stat[]) {
  const header = ['measurement', 'median ms', 'min ms', 'max ms'];
  const lines = stats.map(s => [
    s.what,
    ...[median(s.values), Math.min(...s.values), Math.max(...s.values)].map(n =>
      n.toFixed(0),
    ),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map(l => l[i].length)),
  );
  const fmt = (cells: string[]) =>
    `| ${cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(fmt(header));
  console.log(
    `|${widths
      .map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`))
      .join('|')}|`,
  );
  for (const l of lines) console.log(fmt(l));
}

async function apiTimes(token: string): Promise<Stat[]> {
  const url = (q: string) => `${BASE}/api/kars/sandboxes?${q}`;
  const get = async (q: string) => {
    const start = process.hrtime.bigint();
    const res = await fetch(url(q), {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`GET ${q}: ${res.status}`);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, body };
  };
  const desc = 'limit=50&sort=name&order=desc';
  const cursor = (await get(desc)).body.nextCursor as string;
  const queries: Array<[string, string]> = [
    ['first page (sort=name asc)', 'limit=50&sort=name&order=asc'],
    [`search q=${SEARCH}`, `limit=50&sort=name&order=asc&q=${SEARCH}`],
    ['sort=name desc', desc],
    ['next page (cursor)', `${desc}&cursor=${encodeURIComponent(cursor)}`],
    ['filter trouble=true', 'limit=50&sort=name&order=asc&trouble=true'],
    ['sort=budget desc', 'limit=50&sort=budget&order=desc'],
  ];
  const stats: Stat[] = [];
  for (const [what, q] of queries) {
    await get(q); // warm-up
    const values: number[] = [];
    for (let r = 0; r < runs; r++) values.push((await get(q)).ms);
    stats.push({ what: `GET /api/kars/sandboxes: ${what}`, values });
  }
  return stats;
}

/** In every page: when the first fleet row appeared, the last input and click, and a DOM waiter. */
function instrument() {
  const w = window as any;
  const bench = {
    firstRow: -1,
    sidebar: -1,
    lastInput: -1,
    lastClick: -1,
  } as any;
  w.__bench = bench;
  document.addEventListener(
    'input',
    () => (bench.lastInput = performance.now()),
    true,
  );
  document.addEventListener(
    'click',
    () => (bench.lastClick = performance.now()),
    true,
  );
  const rowSelector = 'table[aria-label="Sandboxes"] tbody tr';
  const caption = () =>
    Array.from(document.querySelectorAll('p'))
      .map(p => p.textContent ?? '')
      .find(t => /^\d+–\d+ of \d+$/.test(t));
  const firstName = () =>
    document.querySelector(`${rowSelector} td`)?.textContent ?? '';
  bench.state = () => ({
    caption: caption(),
    first: firstName(),
    rows: document.querySelectorAll(rowSelector).length,
  });
  // Resolves with the time the page first shows the caption and a first row starting with a prefix.
  bench.until = (want: { caption: string; firstPrefix: string }) =>
    new Promise<number>(resolve => {
      const met = () =>
        caption() === want.caption && firstName().startsWith(want.firstPrefix);
      if (met()) {
        resolve(performance.now());
        return;
      }
      const observer = new MutationObserver(() => {
        if (met()) {
          observer.disconnect();
          resolve(performance.now());
        }
      });
      observer.observe(document, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
  new MutationObserver((_, observer) => {
    if (bench.sidebar < 0 && document.querySelector('nav')) {
      bench.sidebar = performance.now();
    }
    if (document.querySelector(rowSelector)) {
      bench.firstRow = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Start, end of the page's last request to /api/kars/sandboxes whose URL contains `part`. */
function request(page: Page, part: string) {
  return page.evaluate(p => {
    const entries = performance
      .getEntriesByType('resource')
      .filter(
        e => e.name.includes('/api/kars/sandboxes?') && e.name.includes(p),
      ) as PerformanceResourceTiming[];
    const e = entries[entries.length - 1];
    if (!e) throw new Error(`no request to /api/kars/sandboxes with ${p}`);
    return { start: e.startTime, end: e.responseEnd };
  }, part);
}

/** Sets up a waiter, does `act`, and returns when the wait ended, in page time. */
async function timeUntil(
  page: Page,
  want: { caption: string; firstPrefix: string },
  act: () => Promise<void>,
) {
  await page.evaluate(w => {
    (window as any).__bench.pending = (window as any).__bench.until(w);
  }, want);
  await act();
  return Promise.race([
    page.evaluate(() => (window as any).__bench.pending as Promise<number>),
    sleep(60000).then(async () => {
      throw new Error(
        `page never showed ${JSON.stringify(want)}; it shows ${JSON.stringify(
          await page.evaluate(() => (window as any).__bench.state()),
        )}`,
      );
    }),
  ]);
}

/** Samples the page's main thread every 100 µs until `stop`, which returns the V8 CPU profile. */
async function startProfile(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await cdp.send('Profiler.stop');
      await cdp.detach();
      return profile;
    },
  };
}

async function browserTimes(browser: Browser): Promise<Stat[]> {
  const url = `${BASE}/kars`;
  // Sign in once as the guest; later contexts start from its storage (signed in, empty HTTP cache).
  const signIn = await browser.newContext();
  const first = await signIn.newPage();
  await first.goto(url);
  await first.getByRole('button', { name: 'Enter' }).click();
  await first.waitForSelector(ROW, { timeout: 120000 });
  const storageState = await signIn.storageState();
  await signIn.close();

  const matches = Array.from({ length: tenants }, (_, i) => nameOf(i)).filter(
    n => n.includes(SEARCH),
  ).length;
  const all = `of ${tenants}`;
  const s = {
    coldRender: [] as number[],
    coldRequest: [] as number[],
    warmRender: [] as number[],
    warmSidebar: [] as number[],
    warmBeforeRequest: [] as number[],
    warmRequest: [] as number[],
    warmAfterResponse: [] as number[],
    search: [] as number[],
    searchDebounce: [] as number[],
    searchRequest: [] as number[],
    searchAfterResponse: [] as number[],
    clear: [] as number[],
    sort: [] as number[],
    sortRequest: [] as number[],
    next: [] as number[],
    nextRequest: [] as number[],
  };
  const open = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForSelector(ROW, { timeout: 120000 });
    const { firstRow, sidebar } = await page.evaluate(() => ({
      firstRow: (window as any).__bench.firstRow as number,
      sidebar: (window as any).__bench.sidebar as number,
    }));
    const req = await request(page, 'sort=name&order=asc');
    return { page, firstRow, sidebar, req };
  };

  for (let r = 0; r < runs; r++) {
    // Cold: a new browser context (empty HTTP cache), signed in from the stored state.
    const cold = await browser.newContext({ storageState });
    await cold.addInitScript(instrument);
    const c = await open(cold);
    s.coldRender.push(c.firstRow);
    s.coldRequest.push(c.req.end - c.req.start);
    await cold.close();

    // Warm: a new tab in a context that has loaded the app before (a returning user).
    const warm = await browser.newContext({ storageState });
    await warm.addInitScript(instrument);
    await (await open(warm)).page.close();
    const { page, firstRow, sidebar, req } = await open(warm);
    s.warmRender.push(firstRow);
    s.warmSidebar.push(sidebar);
    s.warmBeforeRequest.push(req.start);
    s.warmRequest.push(req.end - req.start);
    s.warmAfterResponse.push(firstRow - req.end);

    const shown = await page.evaluate(() => (window as any).__bench.state());
    if (shown.caption !== `1–50 ${all}` || shown.rows !== 50)
      throw new Error(`unexpected first page: ${JSON.stringify(shown)}`);

    const profiler = PROFILE_DIR ? await startProfile(warm, page) : undefined;
    // Search: type the term; the field waits 300 ms after the last key before it asks.
    const search = page.getByLabel('Search sandboxes');
    const searched = await timeUntil(
      page,
      {
        caption: `1–${Math.min(50, matches)} of ${matches}`,
        firstPrefix: SEARCH,
      },
      async () => {
        await search.click();
        await search.pressSequentially(SEARCH);
        const typed = await search.inputValue();
        if (typed !== SEARCH)
          throw new Error(`the search field holds "${typed}"`);
      },
    );
    const typed: number = await page.evaluate(
      () => (window as any).__bench.lastInput,
    );
    const sreq = await request(page, `q=${SEARCH}`);
    s.search.push(searched - typed);
    s.searchDebounce.push(sreq.start - typed);
    s.searchRequest.push(sreq.end - sreq.start);
    s.searchAfterResponse.push(searched - sreq.end);

    const cleared = await timeUntil(
      page,
      { caption: `1–50 ${all}`, firstPrefix: nameOf(0) },
      () => search.fill(''),
    );
    s.clear.push(
      cleared - (await page.evaluate(() => (window as any).__bench.lastInput)),
    );

    // Sort: the name column is sorted ascending; a click sorts it descending.
    const clickTime = () =>
      page.evaluate(() => (window as any).__bench.lastClick as number);
    const sorted = await timeUntil(
      page,
      { caption: `1–50 ${all}`, firstPrefix: nameOf(tenants - 1) },
      () => page.getByRole('button', { name: 'Name', exact: true }).click(),
    );
    s.sort.push(sorted - (await clickTime()));
    const oreq = await request(page, 'order=desc');
    s.sortRequest.push(oreq.end - oreq.start);

    const paged = await timeUntil(
      page,
      { caption: `51–100 ${all}`, firstPrefix: nameOf(tenants - 51) },
      () => page.getByRole('button', { name: 'Next page' }).click(),
    );
    s.next.push(paged - (await clickTime()));
    const nreq = await request(page, 'cursor=');
    s.nextRequest.push(nreq.end - nreq.start);
    if (profiler) {
      const file = path.join(PROFILE_DIR!, `fleet-page-run${r + 1}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(await profiler.stop()));
      console.log(`profile: ${file}`);
    }
    await warm.close();
  }

  return [
    {
      what: 'first render, new context (empty cache): navigation → first row',
      values: s.coldRender,
    },
    { what: '↳ of which GET /api/kars/sandboxes', values: s.coldRequest },
    {
      what: 'first render, new tab (cached bundle): navigation → first row',
      values: s.warmRender,
    },
    {
      what: "↳ navigation → the app's sidebar shown (no kars code yet)",
      values: s.warmSidebar,
    },
    {
      what: '↳ navigation → list request sent (bundle, sign-in)',
      values: s.warmBeforeRequest,
    },
    { what: '↳ GET /api/kars/sandboxes', values: s.warmRequest },
    { what: '↳ response → first row in the DOM', values: s.warmAfterResponse },
    {
      what: `search "${SEARCH}": last key → ${matches} matches shown`,
      values: s.search,
    },
    { what: '↳ last key → request sent (debounce)', values: s.searchDebounce },
    { what: '↳ GET /api/kars/sandboxes?q=…', values: s.searchRequest },
    { what: '↳ response → rows and caption', values: s.searchAfterResponse },
    { what: 'clear search: → first page shown', values: s.clear },
    { what: 'sort by name desc: click → first row changed', values: s.sort },
    { what: '↳ GET /api/kars/sandboxes?order=desc', values: s.sortRequest },
    { what: 'next page: click → rows 51–100 shown', values: s.next },
    { what: '↳ GET /api/kars/sandboxes?cursor=…', values: s.nextRequest },
  ];
}

// ---------------------------------------------------------------- main

async function main() {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    throw new Error(
      'playwright-core is not installed (it comes with the test/e2e workspace): run yarn install',
    );
  }
  fs.mkdirSync(WORK_DIR, { recursive: true });
  if (PROFILE_DIR) fs.mkdirSync(PROFILE_DIR, { recursive: true });
  console.log(
    `fleet-page benchmark: ${tenants} tenants, ${runs} runs, ${
      os.cpus().length
    } cores, load average ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );

  let child: ChildProcess | undefined;
  let pid: number;
  if (attach) {
    if (!(await answers(`${BASE}/.backstage/health/v1/readiness`)))
      throw new Error(`--attach: nothing answers at ${BASE}`);
    pid = Number(fs.readFileSync(PID_FILE, 'utf8'));
    console.log(`backend: attached to pid ${pid} at ${BASE}`);
  } else {
    if (await answers(`${BASE}/.backstage/health/v1/readiness`))
      throw new Error(
        `${BASE} already answers (a backend kept with --keep?): pass --attach, or stop it (kill $(cat ${PID_FILE}))`,
      );
    await ensureAppBuilt();
    const start = Date.now();
    child = startBackend();
    pid = child.pid!;
    const exited = new Promise<undefined>((_, reject) =>
      child!.once('exit', code =>
        reject(
          new Error(`backend exited (${code}), see ${WORK_DIR}/backend.log`),
        ),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      waitFor('the backend', 300000, async () =>
        (await answers(`${BASE}/.backstage/health/v1/readiness`))
          ? true
          : undefined,
      ),
    ]);
    console.log(
      `backend: packages/backend pid ${pid} ready at ${BASE} in ${seconds(
        Date.now() - start,
      )} (log ${WORK_DIR}/backend.log)`,
    );
  }

  const stop = async () => {
    if (!child) return;
    if (keep)
      console.log(`backend left running: pid ${pid} (kill $(cat ${PID_FILE}))`);
    else await stopBackend(child);
  };
  process.once('SIGINT', () => {
    if (child && !keep) child.kill('SIGTERM');
    process.exit(130);
  });

  let browser: Browser | undefined;
  try {
    const { backstageIdentity } = await (
      await fetch(`${BASE}/api/auth/guest/refresh`)
    ).json();
    const token: string = backstageIdentity.token;
    const client = new KarsClient({
      discoveryApi: { getBaseUrl: async id => `${BASE}/api/${id}` },
    });

    const cpuBefore = processUsage(pid).cpuSeconds;
    const seeded = await seed(client, token);
    const running = settle
      ? `; all ${tenants} Running after ${seconds(seeded.runningMs)}, ${seconds(
          seeded.runningMs - seeded.createdMs,
        )} after the last POST`
      : '';
    if (seeded.had >= tenants) {
      console.log(
        `seed: the backend already holds ${seeded.had} sandboxes${running}`,
      );
    } else {
      console.log(
        `seed: ${
          tenants - seeded.had
        } POST /api/kars/sandboxes (${concurrency} at a time) in ${seconds(
          seeded.createdMs,
        )} (${(((tenants - seeded.had) * 1000) / seeded.createdMs).toFixed(
          1,
        )}/s)${running}`,
      );
    }
    const idleStart = Date.now();
    if (settle) await waitIdle(pid, 20 * 60000);
    const usage = processUsage(pid);
    console.log(
      `backend ${settle ? 'idle' : 'not waited for'} after another ${seconds(
        Date.now() - idleStart,
      )}; CPU time for seeding and settling ${(
        usage.cpuSeconds - cpuBefore
      ).toFixed(0)} s, resident memory ${usage.rssMiB.toFixed(0)} MiB`,
    );

    console.log(
      `measuring at load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );
    const api = await apiTimes(token);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    });
    console.log(`browser: Chromium ${browser.version()} (${CHROMIUM})`);
    const page = await browserTimes(browser);

    print(
      `Fleet page /kars in Chromium, ${tenants} tenants, ${runs} runs (page clock, performance.now())`,
      page,
    );
    print(
      `Backend alone, ${tenants} tenants, ${runs} runs (Node fetch, whole body read)`,
      api,
    );
  } finally {
    await browser?.close();
    await stop();
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
