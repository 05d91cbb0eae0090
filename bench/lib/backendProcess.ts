/* eslint-disable no-console */
/**
 * The real backend (packages/backend) in a process of its own, for the benchmarks: started with
 * the repository's app-config.yaml and the benchmark's own config on top, watched through /proc.
 */
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';

export const ROOT = path.resolve(__dirname, '../..');

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A numeric command-line option, `--name 42`. */
export function numberOption(args: string[], name: string, fallback: number) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
}

/** The value at fraction `q` (0..1) of the sorted values (NaNs left out); NaN when there are none. */
export function quantile(values: number[], q: number) {
  const sorted = values.filter(v => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Polls `probe` until it answers a value (errors count as no answer), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** CPU time (user + system) of a process in seconds, and its resident memory in MiB. */
export function processUsage(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  const rss = Number(
    /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1],
  );
  return { cpuSeconds: ticks / 100, rssMiB: rss / 1024 };
}

/** A running backend: its process, base URL and log file. */
export interface BackendProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  logPath: string;
  stop(): Promise<void>;
}

/**
 * Starts packages/backend with app-config.yaml and `configPath` on top, listening on `port` (the
 * config must say the same port), and waits until it is ready.
 */
export async function startBackend(options: {
  configPath: string;
  port: number;
  logPath: string;
  env?: Record<string, string>;
}): Promise<BackendProcess> {
  const log = fs.openSync(options.logPath, 'w');
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
      options.configPath,
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      // The guest provider signs in only in development, as in the dev portal.
      env: { ...process.env, NODE_ENV: 'development', ...options.env },
      stdio: ['ignore', log, log],
    },
  );
  const baseUrl = `http://localhost:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', code =>
      reject(new Error(`the backend exited (${code}); see ${options.logPath}`)),
    ),
  );
  exited.catch(() => undefined);
  await Promise.race([
    exited,
    waitFor('the backend', 300_000, async () =>
      (
        await fetch(`${baseUrl}/.backstage/health/v1/readiness`)
      ).ok
        ? true
        : undefined,
    ),
  ]);
  return {
    child,
    pid: child.pid!,
    baseUrl,
    logPath: options.logPath,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** A token of the dev guest (user:default/guest) from a backend that signs guests in. */
export async function guestToken(baseUrl: string): Promise<string> {
  const { backstageIdentity } = await (
    await fetch(`${baseUrl}/api/auth/guest/refresh`)
  ).json();
  return backstageIdentity.token;
}
