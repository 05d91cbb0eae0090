import { kubeTestenvFromEnv } from '@kars-portal/kube-testenv';
import {
  ClusterTargetName,
  ClusterTargetOptions,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { KubeConfig } from '@kubernetes/client-node';

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

/**
 * Opens a target with the test kit's startClusterTarget, as the bare server: no deploy/ and no
 * workload simulator (a group that needs the kars CRDs asks for them).
 */
async function openBare(
  name: ClusterTargetName,
  options: ClusterTargetOptions = {},
): Promise<OpenTarget> {
  const target = await startClusterTarget(name, { ...options, deploy: false });
  const kc = new KubeConfig();
  kc.loadFromFile(target.adminKubeconfigPath);
  return { kubeconfigYaml: kc.exportConfig(), stop: () => target.stop() };
}

/** The control plane of this run, started once by the globalSetup; a run without it says why. */
function realTarget(): TargetSpec {
  return {
    name: 'real',
    real: true,
    skipReason: kubeTestenvFromEnv().skipReason,
    open: () => openBare('kube-apiserver', { shared: true }),
  };
}

/** An emulator of its own for each test file. */
function emulatorTarget(): TargetSpec {
  return {
    name: 'emulator',
    real: false,
    open: () => openBare('emulator'),
  };
}

/** Any other cluster, by its kubeconfig. */
function externalTarget(kubeconfigPath: string): TargetSpec {
  return {
    name: 'external',
    real: true,
    open: () => openBare('external', { kubeconfigPath }),
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
