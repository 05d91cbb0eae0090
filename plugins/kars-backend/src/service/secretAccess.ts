import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { sandboxNamespace } from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import {
  isClaimedNamespace,
  isOwnNamespace,
  KarsSandboxObject,
} from './sandboxObject';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

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
    await sleep(intervalMs);
  }
}

/** How long a credentials write waits for the reconciler to make the sandbox's namespace. */
export const NAMESPACE_WAIT_MS = 30_000;

/**
 * Waits until the reconciler has made the sandbox's namespace (claimed for this sandbox, not being
 * deleted) and the server lets this backend write Secrets there. The request path makes neither:
 * a sandbox just created gets its namespace and RoleBinding from its first reconcile pass.
 *
 * A namespace of that name that kars portal did not make is a 409 at once. None in `timeoutMs`
 * is a 503: nothing was written, and the same credentials can be sent again.
 */
export async function awaitSandboxNamespace(
  gateway: KubeGateway,
  sandbox: KarsSandboxObject,
  { timeoutMs = NAMESPACE_WAIT_MS, intervalMs = 100 } = {},
): Promise<void> {
  const name = sandbox.metadata.name;
  const namespace = sandboxNamespace(name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await gateway.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: namespace,
    });
    if (live && !isClaimedNamespace(live, name)) {
      throw new ConflictError(
        `namespace ${namespace} exists and was not made by kars portal for ${name} [NamespaceOwnershipConflict]`,
      );
    }
    if (
      live &&
      isOwnNamespace(live, sandbox) &&
      !live.metadata.deletionTimestamp
    ) {
      break;
    }
    if (Date.now() >= deadline) {
      throw new ServiceUnavailableError(
        `namespace ${namespace} is not made yet (the reconciler makes it); no credential was written, send them again [NamespacePending]`,
      );
    }
    await sleep(intervalMs);
  }
  await awaitSecretAccess(gateway, namespace);
}
