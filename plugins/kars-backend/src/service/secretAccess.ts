import { KARS_FIELD_MANAGER } from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';

/**
 * Waits until the API server lets this backend create Secrets in the namespace. Its authorizer
 * learns of a new RoleBinding through a watch, a moment after the binding is made; until then a
 * Secret write would be refused. Gives up silently after `timeoutMs`: the write that follows then
 * fails with the server's own answer.
 */
export async function awaitSecretAccess(
  gateway: KubeGateway,
  namespace: string,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const review = await gateway.create<
      KubeObject & { status?: { allowed?: boolean } }
    >({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: { name: '' },
      spec: {
        resourceAttributes: { namespace, verb: 'create', resource: 'secrets' },
      },
    });
    if (review.status?.allowed || Date.now() >= deadline) return;
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}

/**
 * Makes the sandbox namespace's RoleBinding (rendered by renderRoleBinding) unless it is there,
 * then waits until the server honours it. The reconciler keeps it as rendered afterwards.
 */
export async function ensureSecretAccess(
  gateway: KubeGateway,
  roleBinding: KubeObject,
): Promise<void> {
  const namespace = roleBinding.metadata.namespace!;
  const live = await gateway.get({
    apiVersion: roleBinding.apiVersion,
    kind: roleBinding.kind,
    name: roleBinding.metadata.name,
    namespace,
  });
  if (!live) {
    await gateway.apply(roleBinding, {
      fieldManager: KARS_FIELD_MANAGER,
      force: true,
    });
  }
  await awaitSecretAccess(gateway, namespace);
}
