import {
  KARS_ANNOTATIONS,
  KARS_LABELS,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { ownedLabels } from './labels';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** The workload-identity client id of a sandbox: its own, else the cluster's default. */
export function workloadIdentityClientId({ spec, cluster }: RenderInput) {
  return (
    spec.workloadIdentity?.clientId ?? cluster.defaultWorkloadIdentityClientId
  );
}

/**
 * The sandbox's dedicated ServiceAccount, with the workload-identity client id. Its token is never
 * mounted automatically; the identity webhook projects one into the router only.
 */
export function renderServiceAccount(input: RenderInput): KubeObject {
  const clientId = workloadIdentityClientId(input);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: sandboxObjectNames(input.name).serviceAccount,
      namespace: sandboxNamespace(input.name),
      labels: {
        ...ownedLabels(input.name),
        [KARS_LABELS.workloadIdentityUse]: 'true',
      },
      ...(clientId
        ? {
            annotations: {
              [KARS_ANNOTATIONS.workloadIdentityClientId]: clientId,
            },
          }
        : {}),
    },
    automountServiceAccountToken: false,
  };
}
