import {
  KARS_ANNOTATIONS,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  NAMESPACE_CLAIM_VERSION,
  sandboxNamespace,
} from '@kars-portal/plugin-kars-common';
import { ownedLabels } from './labels';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/**
 * The tenant namespace `kars-<name>`: PodSecurity enforce privileged (the egress-guard needs
 * NET_ADMIN), audit and warn restricted; the claim annotations that prove the backend made it.
 */
export function renderNamespace({
  name,
  cluster,
  sandboxUid,
}: RenderInput): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: sandboxNamespace(name),
      labels: {
        ...ownedLabels(name),
        [KARS_LABELS.appComponent]: KARS_LABEL_VALUES.componentSandbox,
        [KARS_LABELS.role]: KARS_LABEL_VALUES.roleSandbox,
        [KARS_LABELS.isolated]: KARS_LABEL_VALUES.isolatedStrict,
        [KARS_LABELS.podSecurityEnforce]: 'privileged',
        [KARS_LABELS.podSecurityAudit]: 'restricted',
        [KARS_LABELS.podSecurityWarn]: 'restricted',
        ...(cluster.production ? { [KARS_LABELS.production]: 'true' } : {}),
      },
      annotations: {
        [KARS_ANNOTATIONS.namespaceClaimVersion]: NAMESPACE_CLAIM_VERSION,
        [KARS_ANNOTATIONS.sandboxNamespace]: cluster.operatorNamespace,
        [KARS_ANNOTATIONS.sandboxName]: name,
        ...(sandboxUid ? { [KARS_ANNOTATIONS.sandboxUid]: sandboxUid } : {}),
      },
    },
  };
}
