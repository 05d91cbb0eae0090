import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The folder of this package (test/kube-testenv), where build.sh lives. */
// This package is never bundled: it runs from its sources, next to build.sh.
// eslint-disable-next-line no-restricted-syntax
export const KUBE_TESTENV_DIR = path.resolve(__dirname, '..');

/** Environment variable that names a prebuilt kube-testenv binary. */
export const BIN_ENV = 'KARS_KUBE_TESTENV_BIN';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Where the kube-testenv binary for the current sources is, if it has been built.
 *
 * `KARS_KUBE_TESTENV_BIN` wins when set (and must then exist). Otherwise
 * `build.sh --print-path` names the cache entry keyed by the Go sources; it builds
 * nothing, so a missing binary means `bash test/kube-testenv/build.sh` has not run
 * since the sources last changed.
 */
export function testenvBinaryPath(): string | undefined {
  const fromEnv = process.env[BIN_ENV];
  if (fromEnv) {
    return isExecutable(fromEnv) ? path.resolve(fromEnv) : undefined;
  }
  let printed: string;
  try {
    printed = execFileSync(
      'bash',
      [path.join(KUBE_TESTENV_DIR, 'build.sh'), '--print-path'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    );
  } catch {
    return undefined;
  }
  const candidate = printed.trim().split('\n').pop()?.trim();
  return candidate && isExecutable(candidate) ? candidate : undefined;
}

/** kube-scheduler and kwok, built by build.sh next to kube-testenv for its kwok mode. */
export interface KwokBinaries {
  scheduler: string;
  kwok: string;
}

/**
 * Where kube-scheduler and kwok for the current sources are, if both have been built
 * (`build.sh --print-kwok-paths` names them; it builds nothing).
 */
export function kwokBinaryPaths(): KwokBinaries | undefined {
  let printed: string;
  try {
    printed = execFileSync(
      'bash',
      [path.join(KUBE_TESTENV_DIR, 'build.sh'), '--print-kwok-paths'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    );
  } catch {
    return undefined;
  }
  const named = (what: string) =>
    new RegExp(`^${what}: (.+)$`, 'm').exec(printed)?.[1]?.trim();
  const scheduler = named('kube-scheduler');
  const kwok = named('kwok');
  if (!scheduler || !kwok || !isExecutable(scheduler) || !isExecutable(kwok))
    return undefined;
  return { scheduler, kwok };
}

/** Why no binary is available, for skip messages and CI errors. */
export function missingBinaryReason(): string {
  if (process.env[BIN_ENV]) {
    return `${BIN_ENV}=${process.env[BIN_ENV]} is not an executable file`;
  }
  return 'the kube-testenv binary is not built for the current Go sources (run: bash test/kube-testenv/build.sh)';
}
