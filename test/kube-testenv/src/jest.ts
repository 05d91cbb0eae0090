import { missingBinaryReason, testenvBinaryPath } from './binary';
import {
  connectKubeTestenv,
  KubeTestenv,
  KubeTestenvConnection,
  startKubeTestenv,
  StartKubeTestenvOptions,
} from './testenv';

/** Set for test workers: the admin kubeconfig of the control plane of this run. */
export const KUBECONFIG_ENV = 'KARS_KUBE_TESTENV_KUBECONFIG';
/** Set for test workers when there is no control plane: why not. */
export const SKIP_ENV = 'KARS_KUBE_TESTENV_SKIP';
/** `off` disables the control plane (the real-server tests are then skipped). */
export const SWITCH_ENV = 'KARS_KUBE_TESTENV';

const HANDLE = '__karsKubeTestenv';
type WithHandle = typeof globalThis & { [HANDLE]?: KubeTestenv };

const isCi = () => process.env.CI === 'true' || process.env.CI === '1';

/**
 * Jest `globalSetup`: one control plane per test run. Starts kube-testenv and
 * exports {@link KUBECONFIG_ENV} to the test workers. Reuses a control plane
 * that is already named there (another project's globalSetup in the same run, or
 * a script that started one). Without a binary it exports {@link SKIP_ENV} with
 * the reason, or fails when `CI=true`.
 */
export async function kubeTestenvGlobalSetup(
  options: StartKubeTestenvOptions = {},
): Promise<void> {
  if (process.env[KUBECONFIG_ENV]) {
    return;
  }
  if (process.env[SWITCH_ENV] === 'off') {
    process.env[SKIP_ENV] = `the real control plane is disabled (${SWITCH_ENV}=off)`;
    return;
  }
  const binaryPath = options.binaryPath ?? testenvBinaryPath();
  if (!binaryPath) {
    const reason = missingBinaryReason();
    if (isCi()) {
      throw new Error(`kube-testenv is required with CI=true: ${reason}`);
    }
    process.env[SKIP_ENV] = reason;
    return;
  }
  const env = await startKubeTestenv({ ...options, binaryPath });
  (globalThis as WithHandle)[HANDLE] = env;
  process.env[KUBECONFIG_ENV] = env.kubeconfigPath;
  delete process.env[SKIP_ENV];
  // eslint-disable-next-line no-console
  console.log(
    `\nkube-testenv: ${env.version} ready at ${env.server} in ${env.startupSeconds.toFixed(1)}s (${env.dir})`,
  );
}

/** Jest `globalTeardown`: stops the control plane that {@link kubeTestenvGlobalSetup} started, if any. */
export async function kubeTestenvGlobalTeardown(): Promise<void> {
  const env = (globalThis as WithHandle)[HANDLE];
  if (!env) return;
  delete (globalThis as WithHandle)[HANDLE];
  delete process.env[KUBECONFIG_ENV];
  await env.stop();
}

/**
 * In a test file: the control plane of this run, or why there is none. With
 * `CI=true`, a missing control plane is an error rather than a skip.
 */
export function kubeTestenvFromEnv():
  | { connection: KubeTestenvConnection; skipReason?: undefined }
  | { connection?: undefined; skipReason: string } {
  const kubeconfig = process.env[KUBECONFIG_ENV];
  if (kubeconfig) {
    return { connection: connectKubeTestenv(kubeconfig) };
  }
  const reason =
    process.env[SKIP_ENV] ??
    `no control plane: ${KUBECONFIG_ENV} is not set (add kubeTestenvGlobalSetup as the Jest globalSetup)`;
  if (isCi() && process.env[SWITCH_ENV] !== 'off') {
    throw new Error(`kube-testenv is required with CI=true: ${reason}`);
  }
  return { skipReason: reason };
}
