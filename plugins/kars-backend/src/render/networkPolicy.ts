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
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

const tcp = (port: number) => ({ protocol: 'TCP', port });

/** The network an IPv4 address or CIDR entry names, host bits cleared: `198.51.100.7/24` is `198.51.100.0/24`. */
function networkCidr(host: string): string | undefined {
  const ip = parseIpv4Entry(host);
  if (ip === undefined || ip === 'invalid') return undefined;
  const size = 2 ** (32 - ip.prefix);
  const address = ip.octets.reduce((a, o) => a * 256 + o, 0);
  const network = address - (address % size);
  const octets = [3, 2, 1, 0].map(i => Math.floor(network / 256 ** i) % 256);
  return `${octets.join('.')}/${ip.prefix}`;
}

/**
 * Allowlist entries that are IPs or CIDRs, as networks with their port, each once. The NetworkPolicy
 * and the egress-guard let the agent reach exactly these, directly (the router refuses IP literals).
 */
export function cidrEndpoints(input: RenderInput) {
  const seen = new Set<string>();
  return input.spec.networkPolicy.allowedEndpoints.flatMap(e => {
    const cidr = networkCidr(e.host);
    if (cidr === undefined || seen.has(`${cidr}:${e.port}`)) return [];
    seen.add(`${cidr}:${e.port}`);
    return [{ cidr, port: e.port }];
  });
}

/**
 * The ports of host-name allowlist entries other than 443, ascending, each once. A host name cannot
 * be a NetworkPolicy peer, so the router, which checks the name, may reach public addresses on them.
 */
export function hostNamePorts(input: RenderInput): number[] {
  const ports = input.spec.networkPolicy.allowedEndpoints
    .filter(e => parseIpv4Entry(e.host) === undefined)
    .map(e => e.port)
    .filter(p => p !== KARS_PORTS.https);
  return [...new Set(ports)].sort((a, b) => a - b);
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
 * Egress: DNS to the cluster's DNS pods only; IMDS, and TCP 443 and the ports of host-name allowlist
 * entries to public addresses (not RFC 1918), which the egress-guard leaves to the router alone; the
 * sandbox's IP/CIDR allowlist entries on their ports; with governance, the mesh port 8443 of other
 * sandbox namespaces. Ingress: with governance, 8443, 18789 and 18791 from sandbox namespaces and
 * 8443 from the operator namespace; without, only 8443 from the operator namespace.
 */
export function renderNetworkPolicy(input: RenderInput): KubeObject {
  const { name, spec, cluster } = input;
  const governance = spec.governance.enabled;
  const egress: unknown[] = [
    {
      to: [
        {
          namespaceSelector: {
            matchLabels: { ...cluster.dns.namespaceLabels },
          },
          podSelector: { matchLabels: { ...cluster.dns.podLabels } },
        },
      ],
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
      ports: [KARS_PORTS.https, ...hostNamePorts(input)].map(tcp),
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
