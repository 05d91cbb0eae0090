import {
  IMDS_ADDRESS,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  KARS_PORTS,
  parseIpv4Entry,
  PRIVATE_IPV4_RANGES,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { ownedLabels } from './labels';
import { KubeObject, RenderInput } from './types';

const tcp = (port: number) => ({ protocol: 'TCP', port });

/** Allowlist entries that are IPs or CIDRs, as NetworkPolicy CIDRs. Host names go to the router. */
export function cidrEndpoints(input: RenderInput) {
  return input.spec.networkPolicy.allowedEndpoints.flatMap(e => {
    const ip = parseIpv4Entry(e.host);
    if (ip === undefined || ip === 'invalid') return [];
    return [
      {
        cidr: e.host.includes('/') ? e.host : `${e.host}/32`,
        port: e.port,
      },
    ];
  });
}

const operatorNamespaceSelector = {
  namespaceSelector: {
    matchLabels: {
      [KARS_LABELS.appName]: KARS_LABEL_VALUES.appName,
      [KARS_LABELS.appComponent]: KARS_LABEL_VALUES.componentSystem,
    },
  },
};

const sandboxNamespacesSelector = {
  namespaceSelector: {
    matchLabels: { [KARS_LABELS.role]: KARS_LABEL_VALUES.roleSandbox },
  },
};

/**
 * `sandbox-policy`: default-deny ingress and egress for every pod in the namespace.
 * Egress: DNS; IMDS and TCP 443 to public addresses (not RFC 1918), which the egress-guard leaves to
 * the router alone; the sandbox's IP/CIDR allowlist entries; with governance, the mesh port 8443 of
 * other sandbox namespaces. Ingress: with governance, 8443, 18789 and 18791 from sandbox namespaces
 * and 8443 from the operator namespace; without, only 8443 from the operator namespace.
 */
export function renderNetworkPolicy(input: RenderInput): KubeObject {
  const { name, spec } = input;
  const governance = spec.governance.enabled;
  const egress: unknown[] = [
    {
      ports: [{ protocol: 'UDP', port: KARS_PORTS.dns }, tcp(KARS_PORTS.dns)],
    },
    {
      to: [{ ipBlock: { cidr: `${IMDS_ADDRESS}/32` } }],
      ports: [tcp(KARS_PORTS.imds)],
    },
    {
      to: [
        {
          ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] },
        },
      ],
      ports: [tcp(KARS_PORTS.https)],
    },
    ...cidrEndpoints(input).map(e => ({
      to: [{ ipBlock: { cidr: e.cidr } }],
      ports: [tcp(e.port)],
    })),
  ];
  if (governance) {
    egress.push({
      to: [sandboxNamespacesSelector],
      ports: [tcp(KARS_PORTS.routerInference)],
    });
  }
  const ingress: unknown[] = [
    {
      from: [operatorNamespaceSelector],
      ports: [tcp(KARS_PORTS.routerInference)],
    },
  ];
  if (governance) {
    ingress.push({
      from: [sandboxNamespacesSelector],
      ports: [
        tcp(KARS_PORTS.routerInference),
        tcp(KARS_PORTS.gateway),
        tcp(KARS_PORTS.gatewayWebSocket),
      ],
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: sandboxObjectNames(name).networkPolicy,
      namespace: sandboxNamespace(name),
      labels: ownedLabels(name),
    },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}
