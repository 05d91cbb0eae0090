import {
  KARS_PORTS,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { ownedLabels, podSelectorLabels } from './labels';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/**
 * The router Service on 8443, with governance on (peers and the mesh reach the router by it) or A2A
 * on (the card's in-cluster URL and the gateway's Ingress name it).
 */
export function renderService({
  name,
  spec,
}: RenderInput): KubeObject | undefined {
  if (!spec.governance.enabled && !spec.a2a.enabled) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: sandboxObjectNames(name).service,
      namespace: sandboxNamespace(name),
      labels: ownedLabels(name),
    },
    spec: {
      type: 'ClusterIP',
      selector: podSelectorLabels(name),
      ports: [
        {
          name: 'inference',
          port: KARS_PORTS.routerInference,
          targetPort: 'inference',
          protocol: 'TCP',
        },
      ],
    },
  };
}
