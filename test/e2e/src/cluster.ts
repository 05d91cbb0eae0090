import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  KARS_API_GROUP,
  KARS_API_VERSION,
  KARS_SANDBOX_PLURAL,
  KARS_SYSTEM_NAMESPACE,
} from '@kars-portal/plugin-kars-common';
import { execFileSync } from 'child_process';
import { EMBEDDED_KUBECONFIG } from './portal';

/** kubectl of the real server's version (scripts/test.sh sets KARS_KUBECTL), else the one on PATH. */
const KUBECTL = process.env.KARS_KUBECTL || 'kubectl';

/**
 * kubectl against the embedded cluster, as a user types it; `env` adds to its environment (a
 * KUBE_EDITOR for `kubectl edit`). Answers what it printed; throws with its stderr when it fails.
 */
export function kubectl(args: string[], env: Record<string, string> = {}) {
  return execFileSync(KUBECTL, ['--kubeconfig', EMBEDDED_KUBECONFIG, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Clients of the dev portal's embedded cluster, through the kubeconfig its backend writes. */
export function embeddedCluster() {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(EMBEDDED_KUBECONFIG);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    core,
    custom,
    apps: kubeConfig.makeApiClient(AppsV1Api),
    /** The KarsSandbox object of a sandbox, as stored. */
    readSandbox: (name: string): Promise<any> =>
      custom.getNamespacedCustomObject({
        group: KARS_API_GROUP,
        version: KARS_API_VERSION,
        namespace: KARS_SYSTEM_NAMESPACE,
        plural: KARS_SANDBOX_PLURAL,
        name,
      }),
    /** The names of every namespace in the cluster, sorted. */
    namespaceNames: async (): Promise<string[]> =>
      (await core.listNamespace()).items
        .map(n => n.metadata?.name ?? '')
        .sort(),
  };
}

/** The HTTP status of a client-node error, or undefined for other errors. */
export function statusOf(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}

/** Whether a read answers 404 (the object is gone). */
export async function isGone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (e) {
    if (statusOf(e) === 404) return true;
    throw e;
  }
}
