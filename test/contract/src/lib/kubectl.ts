import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  connectKubeTestenv,
  testenvBinaryPath,
  tokenKubeconfig,
} from '@kars-portal/kube-testenv';
import { KubectlOutput } from './kubectlCompare';

/** kubectl to use: set by scripts/test.sh to the one `build.sh --with-kubectl` printed. */
export const KUBECTL_ENV = 'KARS_KUBECTL';

/**
 * kubectl of the real server's version: `$KARS_KUBECTL`, else the one `build.sh --with-kubectl`
 * put next to the kube-testenv binary. Never the machine's own kubectl.
 */
export function kubectlBinary(): { path?: string; missing?: string } {
  const fromEnv = process.env[KUBECTL_ENV];
  const candidate =
    fromEnv ||
    (() => {
      const testenv = testenvBinaryPath();
      return testenv && path.join(path.dirname(testenv), 'kubectl');
    })();
  if (candidate && fs.existsSync(candidate)) return { path: candidate };
  return {
    missing: fromEnv
      ? `${KUBECTL_ENV}=${fromEnv} does not exist`
      : 'no kubectl of the server version (run: bash test/kube-testenv/build.sh --with-kubectl)',
  };
}

/** One kubectl invocation of a session. */
export interface KubectlStep {
  /** Unique within the session; the allow-list names steps by it. */
  id: string;
  /** The arguments after `kubectl`; `{{name}}` is what step `capture: name` printed on that server. */
  argv: string[];
  stdin?: string;
  /** The exit code the real server gives; default 0. */
  exit?: number;
  /** `kubectl edit`: the sed script the editor (KUBE_EDITOR) runs on the file. */
  editor?: string;
  /** Keep the trimmed stdout under this name for later steps. */
  capture?: string;
  /** kubectl defines no order for the lines after the first. */
  unordered?: boolean;
  /** The lines before stdout's last report progress as it happens (rollout status): compare the last. */
  lastLine?: boolean;
  /**
   * kubectl writes the time of day in seconds into the object (rollout restart's restartedAt, which
   * names the new ReplicaSet): both servers' runs start early in one second, so they write the same.
   */
  sameSecond?: boolean;
}

/** The same text on both servers is the point: one name for the cluster, user and context. */
const USER = 'admin';

/**
 * kubectl against one server, as a user at a terminal: a kubeconfig of its own (the server's
 * admin token, neutral names), its own home (discovery cache), UTC and the C locale.
 */
export class KubectlTarget {
  private readonly captures = new Map<string, string>();

  private constructor(
    private readonly kubectl: string,
    private readonly dir: string,
  ) {}

  static open(kubectl: string, adminKubeconfigPath: string): KubectlTarget {
    const { server, caData, adminToken } =
      connectKubeTestenv(adminKubeconfigPath);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-kubectl-session-'));
    fs.mkdirSync(path.join(dir, 'home'));
    fs.writeFileSync(
      path.join(dir, 'kubeconfig'),
      tokenKubeconfig({ server, caData, token: adminToken, user: USER }),
      { mode: 0o600 },
    );
    fs.writeFileSync(
      path.join(dir, 'editor.sh'),
      `#!/bin/sh\nexec sed -i -f "${path.join(dir, 'edit.sed')}" "$1"\n`,
      { mode: 0o700 },
    );
    return new KubectlTarget(kubectl, dir);
  }

  private argv(step: KubectlStep): string[] {
    return step.argv.map(arg =>
      arg.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
        const value = this.captures.get(name);
        if (value === undefined) {
          throw new Error(`step ${step.id}: nothing captured as ${name}`);
        }
        return value;
      }),
    );
  }

  async run(step: KubectlStep, timeoutMs = 120_000): Promise<KubectlOutput> {
    fs.writeFileSync(path.join(this.dir, 'edit.sed'), step.editor ?? '');
    const child = spawn(this.kubectl, this.argv(step), {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH,
        HOME: path.join(this.dir, 'home'),
        KUBECONFIG: path.join(this.dir, 'kubeconfig'),
        KUBE_EDITOR: path.join(this.dir, 'editor.sh'),
        TZ: 'UTC',
        LANG: 'C',
      },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.stdin.end(step.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve(code ?? (signal ? 128 + os.constants.signals[signal] : -1)),
      );
    }).finally(() => clearTimeout(timer));
    const output = {
      exitCode,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
    if (step.capture) this.captures.set(step.capture, output.stdout.trim());
    return output;
  }

  /** kubectl's and the server's gitVersion (`kubectl version`, not a step of the session). */
  async versions(): Promise<{ client: string; server: string }> {
    const out = await this.run({
      id: 'versions',
      argv: ['version', '-o', 'json'],
    });
    if (out.exitCode !== 0) throw new Error(`kubectl version: ${out.stderr}`);
    const { clientVersion, serverVersion } = JSON.parse(out.stdout);
    return {
      client: clientVersion.gitVersion,
      server: serverVersion.gitVersion,
    };
  }

  close() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
