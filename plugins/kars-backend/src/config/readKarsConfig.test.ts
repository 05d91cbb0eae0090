import { ConfigReader } from '@backstage/config';
import { testClusters } from '../__testUtils__/clusters';
import { readKarsConfig } from './readKarsConfig';

describe('readKarsConfig', () => {
  it('has defaults for everything', () => {
    const config = readKarsConfig(new ConfigReader({}));
    expect(config).toMatchObject({
      operatorNamespace: 'kars-system',
      demoTenants: false,
      resyncSeconds: 300,
      reconcileShards: 16,
      reconcileLeaseDurationSeconds: 15,
      budgetCheckSeconds: 300,
      channelCheckSeconds: 120,
    });
    expect(config.images.agent.default).toMatch(/agent-runtime/);
  });

  it('reads how often the notice checks run', () => {
    expect(
      readKarsConfig(
        new ConfigReader({
          kars: {
            notifications: { budgetCheckSeconds: 60, channelCheckSeconds: 15 },
          },
        }),
      ),
    ).toMatchObject({ budgetCheckSeconds: 60, channelCheckSeconds: 15 });
  });

  it('reads how the replicas shard the reconciling', () => {
    expect(
      readKarsConfig(
        new ConfigReader({
          kars: { reconcile: { shards: 4, leaseDurationSeconds: 6 } },
        }),
      ),
    ).toMatchObject({ reconcileShards: 4, reconcileLeaseDurationSeconds: 6 });
  });

  it.each([0, 2.5, -1])('refuses %p shards', shards => {
    expect(() =>
      readKarsConfig(new ConfigReader({ kars: { reconcile: { shards } } })),
    ).toThrow(
      `kars.reconcile.shards must be a whole number of at least 1, not ${shards}`,
    );
  });

  it('reads clusters, images and the first as default', () => {
    const clusters = testClusters({
      images: { agent: { OpenClaw: 'x/openclaw:2' }, router: 'x/router:2' },
      clusters: [
        {
          name: 'prod-eu',
          type: 'kubeconfig',
          kubeconfigPath: '/k',
          production: true,
          usage: { prometheusUrl: 'http://prom:9090' },
        },
        { name: 'prod-us', type: 'inCluster' },
      ],
    });
    expect(clusters.map(c => [c.settings.name, c.type, c.default])).toEqual([
      ['prod-eu', 'kubeconfig', true],
      ['prod-us', 'inCluster', false],
    ]);
    expect(clusters[0]).toMatchObject({
      prometheusUrl: 'http://prom:9090',
      settings: { production: true },
    });
    expect(clusters[0].settings.images.agent.OpenClaw).toBe('x/openclaw:2');
    expect(clusters[0].settings.images.agent.default).toMatch(/agent-runtime/);
    expect(clusters[0].settings.images.router).toBe('x/router:2');
  });

  it('reads the Prometheus credentials of a cluster as given', () => {
    const [secured, open] = testClusters({
      clusters: [
        {
          name: 'secured',
          type: 'inCluster',
          usage: {
            prometheusUrl: 'https://prom.example.com',
            headers: { Authorization: 'Bearer t', 'X-Scope-OrgID': 'kars' },
          },
        },
        { name: 'open', type: 'inCluster' },
      ],
    });
    expect(secured.prometheusHeaders).toEqual({
      Authorization: 'Bearer t',
      'X-Scope-OrgID': 'kars',
    });
    expect(open.prometheusHeaders).toBeUndefined();
  });

  it('sends DNS to kube-system kube-dns unless a cluster names its DNS pods', () => {
    const clusters = testClusters({
      clusters: [
        { name: 'aks', type: 'inCluster' },
        {
          name: 'edge',
          type: 'kubeconfig',
          dns: {
            namespaceLabels: { 'kubernetes.io/metadata.name': 'dns' },
            podLabels: { 'app.kubernetes.io/name': 'coredns' },
          },
        },
      ],
    });
    expect(clusters.map(c => c.settings.dns)).toEqual([
      {
        namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
        podLabels: { 'k8s-app': 'kube-dns' },
      },
      {
        namespaceLabels: { 'kubernetes.io/metadata.name': 'dns' },
        podLabels: { 'app.kubernetes.io/name': 'coredns' },
      },
    ]);
  });

  it("reads a cluster's A2A gateway with its defaults, and none where not configured", () => {
    const [plain, edge] = testClusters({
      clusters: [
        { name: 'aks', type: 'inCluster' },
        {
          name: 'edge',
          type: 'inCluster',
          a2aGateway: {
            domain: 'agents.example.com',
            issuer: { name: 'letsencrypt' },
            ingressAnnotations: {
              'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
            },
          },
        },
      ],
    });
    expect(plain.settings.a2aGateway).toBeUndefined();
    expect(edge.settings.a2aGateway).toEqual({
      enabledByDefault: false,
      domain: 'agents.example.com',
      issuer: { name: 'letsencrypt', kind: 'ClusterIssuer' },
      ingressClassName: undefined,
      ingressAnnotations: {
        'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      },
      tlsSecretName: 'a2a-gateway-tls',
      callerAuth: 'mtls',
      sourceRanges: ['0.0.0.0/0'],
      ingressNamespaceLabels: {
        'kubernetes.io/metadata.name': 'ingress-nginx',
      },
    });
  });

  const gateway = (extra: object) => ({
    clusters: [
      {
        name: 'a',
        type: 'inCluster',
        a2aGateway: {
          domain: 'agents.example.com',
          issuer: { name: 'letsencrypt' },
          ...extra,
        },
      },
    ],
  });

  it.each([
    [
      gateway({ domain: 'localhost' }),
      /a2aGateway.domain must be a lowercase DNS name/,
    ],
    [
      gateway({ issuer: { name: 'x', kind: 'Vault' } }),
      /issuer.kind must be ClusterIssuer or Issuer/,
    ],
    [gateway({ callerAuth: 'jwt' }), /callerAuth must be mtls or none/],
    [
      gateway({ ingressAnnotations: { 'a.b/c': 1 } }),
      /ingressAnnotations must map annotation names to strings/,
    ],
    [
      gateway({ sourceRanges: ['10.0.0.0'] }),
      /sourceRanges must list IPv4 CIDRs .* not 10.0.0.0/,
    ],
    [
      gateway({ ingressNamespaceLabels: {} }),
      /ingressNamespaceLabels must name at least one label/,
    ],
    [
      {
        clusters: [
          { name: 'a', type: 'inCluster', dns: { namespaceLabels: {} } },
        ],
      },
      /kars.clusters\[a\].dns.namespaceLabels must name at least one label/,
    ],
    [
      { clusters: [{ name: 'a', type: 'inCluster', dns: { podLabels: {} } }] },
      /dns.podLabels must name at least one label/,
    ],
    [
      {
        clusters: [
          { name: 'a', type: 'inCluster', dns: { podLabels: { app: 1 } } },
        ],
      },
      /dns.podLabels.app must be a string/,
    ],
    [
      {
        clusters: [
          { name: 'a', type: 'inCluster' },
          { name: 'a', type: 'inCluster' },
        ],
      },
      /names a twice/,
    ],
    [
      {
        clusters: [
          { name: 'a', type: 'inCluster', default: true },
          { name: 'b', type: 'inCluster', default: true },
        ],
      },
      /only one/,
    ],
  ])('refuses %j', (kars, message) => {
    expect(() => testClusters(kars)).toThrow(message);
  });
});
