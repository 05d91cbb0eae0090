import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  kwokBinaryPaths,
  missingBinaryReason,
  testenvBinaryPath,
} from './binary';
import { httpsRequest } from './http';
import { readTokenKubeconfig, tokenKubeconfig } from './kubeconfig';

/** Options of a TokenRequest for a ServiceAccount. */
export interface ServiceAccountTokenOptions {
  /** Audiences of the token; the API server's own when omitted. */
  audiences?: string[];
  /** Lifetime; the API server's minimum is 600 seconds. Default 3600. */
  expirationSeconds?: number;
  /** Create the ServiceAccount when it does not exist yet. Default true. */
  create?: boolean;
}

/** How to reach a running control plane (what test workers get). */
export interface KubeTestenvConnection {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** Admin kubeconfig (token of a `system:masters` user). */
  kubeconfigPath: string;
  kubeconfigYaml: string;
  /** Base64 of the PEM CA that signed the serving certificate. */
  caData: string;
  adminToken: string;
  /** A token for a ServiceAccount, made through TokenRequest as the admin. */
  tokenForServiceAccount(
    namespace: string,
    name: string,
    options?: ServiceAccountTokenOptions,
  ): Promise<string>;
  /** A kubeconfig for the same server that authenticates with `token`. */
  kubeconfigFor(token: string, options?: { namespace?: string }): string;
}

/** A control plane this process started. */
export interface KubeTestenv extends KubeTestenvConnection {
  /** KT_DIR: state, certificates, logs; removed by stop(). */
  dir: string;
  /** The launcher's pid, which is also its process group id. */
  pid: number;
  version: string;
  /** Seconds from spawn until ready, as this process measured it. */
  startupSeconds: number;
  /** Log files of the launcher and its components. */
  logs: Record<string, string>;
  /** SIGTERM the process group started here, wait for it, remove the state dir. */
  stop(): Promise<void>;
}

export interface StartKubeTestenvOptions {
  /** Defaults to {@link testenvBinaryPath}. */
  binaryPath?: string;
  /** Give up when not ready after this long. Default 180 s. */
  readyTimeoutMs?: number;
  /** kube-controller-manager controllers; `'none'` runs kube-apiserver alone. Default: the launcher's. */
  controllers?: string[] | 'none';
  /** Extra kube-apiserver flags. */
  apiServerArgs?: string[];
  /** Keep KT_DIR after stop() (for debugging). */
  keepDir?: boolean;
  /**
   * Run kwok beside the control plane, with kube-scheduler and kube-controller-manager's default
   * controllers (`controllers` then defaults to `*`: the Deployment, ReplicaSet and node lifecycle
   * controllers included): nodes annotated {@link KWOK_NODE_SELECTOR} become Ready and keep a
   * Lease, and the pods scheduled onto them Running. Needs the kube-scheduler and kwok that
   * build.sh builds beside kube-testenv.
   */
  kwok?: boolean;
}

/** The annotation (key=value) of the nodes kwok manages in kwok mode. */
export const KWOK_NODE_SELECTOR = 'kwok.x-k8s.io/node=fake';

/** A process started beside the launcher (kube-scheduler, kwok), in a process group of its own. */
interface Component {
  name: string;
  log: string;
  stop(): Promise<void>;
}

/** What the launcher writes to $KT_DIR/ready.json (see launcher.go). */
interface ReadyInfo {
  port: number;
  server: string;
  kubeconfig: string;
  caFile: string;
  token: string;
  dir: string;
  version: string;
  pids: Record<string, number>;
  controllers: string[] | null;
  logs: Record<string, string>;
  startupSeconds: number;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * A connection to a control plane from its admin kubeconfig (as written by the
 * launcher or by {@link startKubeTestenv}).
 */
export function connectKubeTestenv(
  kubeconfigPath: string,
): KubeTestenvConnection {
  const kubeconfigYaml = fs.readFileSync(kubeconfigPath, 'utf8');
  const { server, caData, token } = readTokenKubeconfig(kubeconfigYaml);
  return makeConnection({ server, caData, adminToken: token, kubeconfigPath, kubeconfigYaml });
}

function makeConnection(base: {
  server: string;
  caData: string;
  adminToken: string;
  kubeconfigPath: string;
  kubeconfigYaml: string;
}): KubeTestenvConnection {
  const { server, caData, adminToken } = base;
  const call = (method: string, urlPath: string, body?: unknown) =>
    httpsRequest({ url: server + urlPath, caData, token: adminToken, method, body });

  return {
    ...base,
    async tokenForServiceAccount(namespace, name, options = {}) {
      const { audiences, expirationSeconds = 3600, create = true } = options;
      const saPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts`;
      const request = () =>
        call('POST', `${saPath}/${encodeURIComponent(name)}/token`, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { ...(audiences ? { audiences } : {}), expirationSeconds },
        });
      let res = await request();
      if (res.status === 404 && create) {
        const made = await call('POST', saPath, {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name, namespace },
        });
        if (made.status !== 201 && made.status !== 409) {
          throw new Error(
            `creating ServiceAccount ${namespace}/${name}: HTTP ${made.status} ${made.body}`,
          );
        }
        res = await request();
      }
      if (res.status !== 201 && res.status !== 200) {
        throw new Error(
          `TokenRequest for ${namespace}/${name}: HTTP ${res.status} ${res.body}`,
        );
      }
      const token = JSON.parse(res.body)?.status?.token;
      if (typeof token !== 'string' || !token) {
        throw new Error(`TokenRequest for ${namespace}/${name}: no token in ${res.body}`);
      }
      return token;
    },
    kubeconfigFor(token, options = {}) {
      return tokenKubeconfig({
        server,
        caData,
        token,
        namespace: options.namespace,
      });
    },
  };
}

const started = new Set<number>();

/**
 * Starts a component in a process group of its own, logging to `<dir>/<name>.log`; it fails when
 * the process exits within its first second.
 */
async function startComponent(
  name: string,
  binary: string,
  args: string[],
  dir: string,
): Promise<Component> {
  const log = path.join(dir, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(binary, args, {
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`kube-testenv: could not spawn ${binary}`);
  started.add(pid);
  let exited = false;
  const exit = new Promise<void>(resolve =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      killGroup(pid, 'SIGTERM');
      await Promise.race([exit, sleep(10_000)]);
    }
    if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
    started.delete(pid);
  };
  await Promise.race([exit, sleep(1000)]);
  if (exited) {
    await stop();
    throw new Error(`kube-testenv: ${name} exited at start:\n${tail(log)}`);
  }
  return { name, log, stop };
}

let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when stop() was never called: do not leave the control plane behind.
  process.on('exit', () => {
    for (const pgid of started) killGroup(pgid, 'SIGKILL');
  });
}

/**
 * Starts kube-testenv (kube-apiserver on an embedded etcd, plus
 * kube-controller-manager) in its own process group with a fresh state dir, and
 * resolves once the launcher has written ready.json and /readyz answers 200.
 */
export async function startKubeTestenv(
  options: StartKubeTestenvOptions = {},
): Promise<KubeTestenv> {
  const binary = options.binaryPath ?? testenvBinaryPath();
  if (!binary) {
    throw new Error(`kube-testenv: ${missingBinaryReason()}`);
  }
  const kwok = options.kwok ? kwokBinaryPaths() : undefined;
  if (options.kwok && !kwok) {
    throw new Error(
      'kube-testenv: kwok mode needs kube-scheduler and kwok, which are not built for the current sources (run: bash test/kube-testenv/build.sh)',
    );
  }
  const controllers = options.controllers ?? (kwok ? ['*'] : undefined);
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-kube-testenv-'));
  const launcherLog = path.join(dir, 'launcher.log');
  const out = fs.openSync(launcherLog, 'a');

  const args: string[] = [];
  if (controllers) {
    args.push(
      `--controllers=${controllers === 'none' ? 'none' : controllers.join(',')}`,
    );
  }
  if (options.apiServerArgs?.length) {
    args.push('--', ...options.apiServerArgs);
  }

  const t0 = Date.now();
  const child = spawn(binary, args, {
    detached: true, // its own process group: stop() signals exactly that group
    env: { ...process.env, KT_DIR: dir },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`kube-testenv: could not spawn ${binary}`);
  }
  started.add(pid);
  installExitHook();

  let exited: { code: number | null; signal: string | null } | undefined;
  const exitPromise = new Promise<void>(resolve => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  const components: Component[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of components.reverse()) await c.stop();
    if (!exited) {
      killGroup(pid, 'SIGTERM');
      await Promise.race([exitPromise, sleep(30_000)]);
    }
    // kube-controller-manager follows the launcher (same group, and it exits with its parent).
    const deadline = Date.now() + 10_000;
    while (groupAlive(pid) && Date.now() < deadline) {
      if (!exited) killGroup(pid, 'SIGTERM');
      await sleep(100);
    }
    if (groupAlive(pid)) {
      killGroup(pid, 'SIGKILL');
      await sleep(200);
    }
    started.delete(pid);
    if (!options.keepDir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  const readyFile = path.join(dir, 'ready.json');
  let info: ReadyInfo | undefined;
  try {
    const deadline = t0 + readyTimeoutMs;
    while (!info) {
      if (exited) {
        throw new Error(
          `kube-testenv exited before it was ready (code ${exited.code}, signal ${exited.signal}):\n${tail(launcherLog)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `kube-testenv not ready after ${readyTimeoutMs} ms:\n${tail(launcherLog)}`,
        );
      }
      if (fs.existsSync(readyFile)) {
        info = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as ReadyInfo;
      } else {
        await sleep(100);
      }
    }
    const caData = fs.readFileSync(info.caFile).toString('base64');
    const readyz = await httpsRequest({
      url: `${info.server}/readyz`,
      caData,
      token: info.token,
    });
    if (readyz.status !== 200) {
      throw new Error(`kube-testenv: /readyz answered ${readyz.status}: ${readyz.body}`);
    }
    if (kwok) {
      components.push(
        await startComponent(
          'kube-scheduler',
          kwok.scheduler,
          [
            `--kubeconfig=${info.kubeconfig}`,
            '--leader-elect=false',
            '--secure-port=0',
          ],
          dir,
        ),
        await startComponent(
          'kwok',
          kwok.kwok,
          [
            `--kubeconfig=${info.kubeconfig}`,
            '--manage-all-nodes=false',
            `--manage-nodes-with-annotation-selector=${KWOK_NODE_SELECTOR}`,
            '--node-lease-duration-seconds=40',
          ],
          dir,
        ),
      );
    }
    const kubeconfigYaml = fs.readFileSync(info.kubeconfig, 'utf8');
    const connection = makeConnection({
      server: info.server,
      caData,
      adminToken: info.token,
      kubeconfigPath: info.kubeconfig,
      kubeconfigYaml,
    });
    return {
      ...connection,
      dir,
      pid,
      version: info.version,
      startupSeconds: (Date.now() - t0) / 1000,
      logs: {
        launcher: launcherLog,
        ...info.logs,
        ...Object.fromEntries(components.map(c => [c.name, c.log])),
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
