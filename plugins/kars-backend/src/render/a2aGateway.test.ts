import {
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { publicGatewayOf, renderA2aGateway } from './a2aGateway';
import { A2aGatewaySettings, ClusterSettings } from './types';

const gateway: A2aGatewaySettings = {
  enabledByDefault: false,
  domain: 'agents.example.com',
  issuer: { name: 'letsencrypt', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  ingressAnnotations: {
    'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
  },
  tlsSecretName: 'a2a-gateway-tls',
  callerAuth: 'mtls',
  sourceRanges: ['0.0.0.0/0'],
  ingressNamespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
};

const cluster = { a2aGateway: gateway } as ClusterSettings;

const render = (spec: SandboxSpecInput, settings = cluster) =>
  renderA2aGateway({
    name: 'tenant-a',
    spec: sandboxSpecSchema.parse(spec),
    cluster: settings,
  });

describe('publicGatewayOf', () => {
  it.each<[string, SandboxSpecInput, Partial<A2aGatewaySettings>, boolean]>([
    ['the spec asks', { a2a: { publicGateway: true } }, {}, true],
    [
      'the spec refuses a default on',
      { a2a: { publicGateway: false } },
      { enabledByDefault: true },
      false,
    ],
    ['the cluster default, off', {}, {}, false],
    ['the cluster default, on', {}, { enabledByDefault: true }, true],
    [
      'A2A off, whatever is asked',
      { a2a: { enabled: false, publicGateway: true } },
      {},
      false,
    ],
  ])('%s', (_what, spec, settings, published) => {
    const found = publicGatewayOf('tenant-a', sandboxSpecSchema.parse(spec), {
      a2aGateway: { ...gateway, ...settings },
    });
    expect(found !== undefined).toBe(published);
  });

  it('is nothing on a cluster without a gateway', () => {
    expect(
      publicGatewayOf(
        'tenant-a',
        sandboxSpecSchema.parse({ a2a: { publicGateway: true } }),
        {},
      ),
    ).toBeUndefined();
  });

  it('names the host after the sandbox under the domain', () => {
    expect(
      publicGatewayOf(
        'tenant-a',
        sandboxSpecSchema.parse({ a2a: { publicGateway: true } }),
        cluster,
      ),
    ).toEqual({
      host: 'tenant-a.agents.example.com',
      url: 'https://tenant-a.agents.example.com',
      callerAuth: 'mtls',
    });
  });
});

describe('renderA2aGateway', () => {
  const objects = render({ a2a: { publicGateway: true } });
  const byKind = (kind: string) => objects.find(o => o.kind === kind) as any;

  it('renders a Certificate, a NetworkPolicy, a LoadBalancer Service and an Ingress in the namespace', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Certificate/a2a-gateway',
      'NetworkPolicy/a2a-gateway-ingress',
      'Service/a2a-gateway',
      'Ingress/a2a-gateway',
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('kars-tenant-a');
      expect(o.metadata.labels).toMatchObject({
        'kars.azure.com/sandbox': 'tenant-a',
      });
    }
  });

  it('renders nothing when the sandbox does not publish', () => {
    expect(render({})).toEqual([]);
    expect(
      render({ a2a: { publicGateway: true } }, {} as ClusterSettings),
    ).toEqual([]);
  });

  it('opens the router port of this sandbox pod only, to the controller and the source ranges', () => {
    const policy = byKind('NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels).toMatchObject({
      'kars.azure.com/sandbox': 'tenant-a',
    });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
            },
          },
          { ipBlock: { cidr: '0.0.0.0/0' } },
        ],
        ports: [{ protocol: 'TCP', port: 8443 }],
      },
    ]);
  });

  it('routes exactly the two card paths of the host to the router Service, over the certificate', () => {
    const ingress = byKind('Ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([
      { hosts: ['tenant-a.agents.example.com'], secretName: 'a2a-gateway-tls' },
    ]);
    expect(
      ingress.spec.rules[0].http.paths.map((p: any) => [
        p.path,
        p.pathType,
        p.backend.service.name,
        p.backend.service.port.number,
      ]),
    ).toEqual([
      ['/.well-known/agent.json', 'Exact', 'tenant-a', 8443],
      ['/.well-known/agent-card.json', 'Exact', 'tenant-a', 8443],
    ]);
    expect(byKind('Certificate').spec).toMatchObject({
      secretName: 'a2a-gateway-tls',
      dnsNames: ['tenant-a.agents.example.com'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
    });
  });

  it('leaves the class out when the cluster names none', () => {
    const [, , , ingress] = render({ a2a: { publicGateway: true } }, {
      a2aGateway: { ...gateway, ingressClassName: undefined },
    } as ClusterSettings) as any[];
    expect(ingress.spec).not.toHaveProperty('ingressClassName');
  });
});
