import {
  KARS_PORTS,
  sandboxNamespace,
  sandboxObjectNames,
  SandboxSpec,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import { ownedLabels, podSelectorLabels } from './labels';
import { ClusterSettings, RenderInput } from './types';

/** The card paths the gateway's Ingress routes to the router, which serves the card on both. */
export const A2A_CARD_PATHS = [
  '/.well-known/agent.json',
  '/.well-known/agent-card.json',
] as const;

/** cert-manager's API group and version (cert-manager ≥ 1.14). */
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';

/** Where a sandbox is published on the public A2A gateway. */
export interface PublicGateway {
  /** The public host name, `<name>.<domain>`. */
  host: string;
  /** The public base URL, `https://<host>`. */
  url: string;
  callerAuth: 'mtls' | 'none';
}

/**
 * The sandbox's place on its cluster's public A2A gateway, undefined when it does not publish there:
 * A2A off, the cluster without a gateway, or the spec (else the cluster's default) says no. Pure.
 */
export function publicGatewayOf(
  name: string,
  spec: Pick<SandboxSpec, 'a2a'>,
  cluster: Pick<ClusterSettings, 'a2aGateway'>,
): PublicGateway | undefined {
  const gateway = cluster.a2aGateway;
  if (!gateway || !spec.a2a.enabled) return undefined;
  if (!(spec.a2a.publicGateway ?? gateway.enabledByDefault)) return undefined;
  const host = `${name}.${gateway.domain}`;
  return { host, url: `https://${host}`, callerAuth: gateway.callerAuth };
}

/**
 * The public A2A gateway of one sandbox, in its namespace, when it publishes there:
 * - the LoadBalancer Service `a2a-gateway` on 443 to the router (A2A calls, mTLS ended by the
 *   router), named for external-dns by the public host;
 * - the cert-manager Certificate `a2a-gateway` for the host, written to the TLS Secret;
 * - the Ingress `a2a-gateway` routing the two card paths of the host, over that TLS, to the
 *   sandbox's router Service;
 * - the NetworkPolicy `a2a-gateway-ingress`: the router port of this sandbox's pod only, from the
 *   ingress controller's namespace and the configured source ranges; nothing else is opened.
 * Pure.
 */
export function renderA2aGateway(input: RenderInput): KubeObject[] {
  const { name, spec, cluster } = input;
  const settings = cluster.a2aGateway;
  const gateway = publicGatewayOf(name, spec, cluster);
  if (!settings || !gateway) return [];
  const names = sandboxObjectNames(name);
  const metadata = (objectName: string) => ({
    name: objectName,
    namespace: sandboxNamespace(name),
    labels: ownedLabels(name),
  });
  const routerPort = KARS_PORTS.routerInference;
  const certificate: KubeObject = {
    apiVersion: CERT_MANAGER_API_VERSION,
    kind: 'Certificate',
    metadata: metadata(names.a2aGateway),
    spec: {
      secretName: settings.tlsSecretName,
      dnsNames: [gateway.host],
      issuerRef: {
        name: settings.issuer.name,
        kind: settings.issuer.kind,
        group: 'cert-manager.io',
      },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['server auth'],
    },
  };
  const policy: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(names.a2aGatewayPolicy),
    spec: {
      podSelector: { matchLabels: podSelectorLabels(name) },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { ...settings.ingressNamespaceLabels },
              },
            },
            ...settings.sourceRanges.map(cidr => ({ ipBlock: { cidr } })),
          ],
          ports: [{ protocol: 'TCP', port: routerPort }],
        },
      ],
    },
  };
  const loadBalancer: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...metadata(names.a2aGateway),
      annotations: {
        'external-dns.alpha.kubernetes.io/hostname': gateway.host,
      },
    },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: [...settings.sourceRanges],
      selector: podSelectorLabels(name),
      ports: [
        {
          name: 'a2a',
          port: KARS_PORTS.https,
          targetPort: 'inference',
          protocol: 'TCP',
        },
      ],
    },
  };
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...metadata(names.a2aGateway),
      annotations: { ...settings.ingressAnnotations },
    },
    spec: {
      ...(settings.ingressClassName
        ? { ingressClassName: settings.ingressClassName }
        : {}),
      tls: [{ hosts: [gateway.host], secretName: settings.tlsSecretName }],
      rules: [
        {
          host: gateway.host,
          http: {
            paths: A2A_CARD_PATHS.map(path => ({
              path,
              pathType: 'Exact',
              backend: {
                service: {
                  name: names.service,
                  port: { number: routerPort },
                },
              },
            })),
          },
        },
      ],
    },
  };
  return [certificate, policy, loadBalancer, ingress];
}
