import { sandboxNamespace } from '@kars-portal/plugin-kars-common';
import { ownedLabels } from './labels';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/**
 * The ClusterRole of deploy/40-rbac-backend.yaml that may read and write Secrets. The backend holds
 * it nowhere cluster-wide: each tenant namespace binds it to the backend with the RoleBinding below.
 */
export const TENANT_SECRETS_CLUSTER_ROLE = 'kars-portal-tenant-secrets';

/** The backend's ServiceAccount, as deploy/40-rbac-backend.yaml makes it. */
export const BACKEND_SERVICE_ACCOUNT = {
  namespace: 'kars-system',
  name: 'kars-portal',
} as const;

/**
 * The RoleBinding that lets the backend's ServiceAccount read and write the Secrets of the sandbox
 * namespace `kars-<name>`, and no other namespace's. Applied right after the namespace, before any
 * Secret.
 */
export function renderRoleBinding({ name }: RenderInput): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: TENANT_SECRETS_CLUSTER_ROLE,
      namespace: sandboxNamespace(name),
      labels: ownedLabels(name),
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: TENANT_SECRETS_CLUSTER_ROLE,
    },
    subjects: [{ kind: 'ServiceAccount', ...BACKEND_SERVICE_ACCOUNT }],
  };
}
