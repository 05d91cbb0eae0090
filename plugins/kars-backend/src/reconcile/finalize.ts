import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KARS_FINALIZER,
  sandboxNamespace,
} from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from '../service/ClusterConnection';
import {
  credentialKeysOf,
  isOwnNamespace,
  KarsSandboxObject,
  readSandboxSpec,
} from '../service/sandboxObject';
import { writeSandboxStatus } from './statusWriter';

/** The sandbox's finalizers, as the API server holds them. */
export const finalizersOf = (sandbox: KarsSandboxObject) =>
  (sandbox.metadata.finalizers as string[] | undefined) ?? [];

/**
 * Deletion: the sandbox's namespace goes (never one the backend did not make), then the finalizer.
 * Asks to be called again while the namespace terminates.
 */
export async function finalizeSandbox(
  cluster: ClusterConnection,
  logger: LoggerService,
  sandbox: KarsSandboxObject,
): Promise<void | { requeueAfterMs: number }> {
  const name = sandbox.metadata.name;
  const finalizers = finalizersOf(sandbox);
  if (!finalizers.includes(KARS_FINALIZER)) return undefined;
  const namespaceName = sandboxNamespace(name);
  const namespace = await cluster.gateway.get({
    apiVersion: 'v1',
    kind: 'Namespace',
    name: namespaceName,
  });
  const ours = namespace && isOwnNamespace(namespace, sandbox);
  if (namespace && ours) {
    await writeSandboxStatus(cluster, sandbox, readSandboxSpec(sandbox.spec), {
      generation: Number(sandbox.metadata.generation ?? 0),
      deleting: true,
      networkPolicyInPlace: false,
      credentialKeys: credentialKeysOf(sandbox),
    }).catch(() => undefined);
    if (!namespace.metadata.deletionTimestamp) {
      await cluster.gateway.delete(
        { apiVersion: 'v1', kind: 'Namespace', name: namespaceName },
        { preconditions: { uid: String(namespace.metadata.uid) } },
      );
    }
    return { requeueAfterMs: 1000 };
  }
  if (namespace && !ours) {
    logger.warn(
      `sandbox ${name} deleted; namespace ${namespaceName} is not ours and stays`,
    );
  }
  await cluster.gateway.replace({
    ...sandbox,
    metadata: {
      ...sandbox.metadata,
      finalizers: finalizers.filter(f => f !== KARS_FINALIZER),
    },
  });
  return undefined;
}
