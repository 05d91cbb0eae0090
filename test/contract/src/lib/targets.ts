import { kubeTestenvFromEnv } from '@kars-portal/kube-testenv';
import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';

/** The servers the contract runs against. */
export type TargetName = 'real' | 'emulator' | 'external';

/** A server the contract can run against, opened once per test file. */
export interface OpenTarget {
  kubeconfigYaml: string;
  stop(): Promise<void>;
}

export interface TargetSpec {
  name: TargetName;
  /** A real kube-apiserver: behaviours marked real-server-only run on it. */
  real: boolean;
  /** Set when the target is not available in this run: why. */
  skipReason?: string;
  open(): Promise<OpenTarget>;
}

/** Comma-separated subset of real,emulator,external to run (default: all that apply). */
export const TARGETS_ENV = 'KARS_CONTRACT_TARGETS';
/** Kubeconfig of any other cluster to run the contract against (the `external` target). */
export const EXTERNAL_KUBECONFIG_ENV = 'KARS_CONTRACT_KUBECONFIG';

const isCi = () => process.env.CI === 'true' || process.env.CI === '1';

function realTarget(): TargetSpec {
  const found = kubeTestenvFromEnv();
  return {
    name: 'real',
    real: true,
    skipReason: found.skipReason,
    async open() {
      if (!found.connection) throw new Error(found.skipReason);
      return {
        kubeconfigYaml: found.connection.kubeconfigYaml,
        async stop() {},
      };
    },
  };
}

interface EmulatorModule {
  startKubeEmulator(options: { port?: number }): Promise<{
    url: string;
    kubeconfigPath: string;
    kubeconfigYaml: string;
    stop(): Promise<void>;
  }>;
}

/**
 * `@kars-portal/kube-emulator`, loaded lazily so that the suite runs (and says
 * why the emulator is skipped) while that package is being written.
 */
function loadEmulator(): EmulatorModule | string {
  let entry: string;
  try {
    entry = require.resolve('@kars-portal/kube-emulator');
  } catch {
    return 'emulator package not built yet (@kars-portal/kube-emulator cannot be resolved)';
  }
  if (!fs.existsSync(entry)) {
    return `emulator package not built yet (${path.relative(
      process.cwd(),
      entry,
    )} is missing)`;
  }
  // A lazy require keeps this file loadable while the emulator does not exist yet.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('@kars-portal/kube-emulator') as Partial<EmulatorModule>;
  if (typeof mod.startKubeEmulator !== 'function') {
    return 'emulator package not built yet (it does not export startKubeEmulator)';
  }
  return mod as EmulatorModule;
}

function emulatorTarget(): TargetSpec {
  let loaded: EmulatorModule | string;
  try {
    loaded = loadEmulator();
  } catch (e) {
    // The package exists but does not load: that is a failure, not a skip.
    const error = e as Error;
    return {
      name: 'emulator',
      real: false,
      async open() {
        throw new Error(
          `@kars-portal/kube-emulator does not load: ${error.stack}`,
        );
      },
    };
  }
  if (typeof loaded === 'string') {
    return {
      name: 'emulator',
      real: false,
      skipReason: loaded,
      async open() {
        throw new Error(loaded as string);
      },
    };
  }
  const emulator = loaded;
  return {
    name: 'emulator',
    real: false,
    async open() {
      const emu = await emulator.startKubeEmulator({ port: 0 });
      return { kubeconfigYaml: emu.kubeconfigYaml, stop: () => emu.stop() };
    },
  };
}

function externalTarget(kubeconfigPath: string): TargetSpec {
  return {
    name: 'external',
    real: true,
    async open() {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      return { kubeconfigYaml: kc.exportConfig(), async stop() {} };
    },
  };
}

/** The targets of this run, in a stable order. */
export function contractTargets(): TargetSpec[] {
  const external = process.env[EXTERNAL_KUBECONFIG_ENV];
  const wanted = (process.env[TARGETS_ENV] ?? 'real,emulator,external')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const targets: TargetSpec[] = [];
  if (wanted.includes('real')) targets.push(realTarget());
  if (wanted.includes('emulator')) targets.push(emulatorTarget());
  if (wanted.includes('external') && external)
    targets.push(externalTarget(external));
  if (!targets.length) {
    throw new Error(
      `${TARGETS_ENV}=${process.env[TARGETS_ENV]} selects no target`,
    );
  }
  if (isCi()) {
    const skipped = targets.filter(t => t.skipReason && t.name !== 'emulator');
    if (skipped.length) {
      throw new Error(
        `CI=true: ${skipped.map(t => `${t.name}: ${t.skipReason}`).join('; ')}`,
      );
    }
  }
  return targets;
}
