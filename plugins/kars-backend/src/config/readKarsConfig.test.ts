import { ConfigReader } from '@backstage/config';
import { readKarsConfig } from './readKarsConfig';

describe('readKarsConfig', () => {
  it('defaults to one embedded cluster', () => {
    const config = readKarsConfig(new ConfigReader({}));
    expect(config.operatorNamespace).toBe('kars-system');
    expect(config.clusters).toHaveLength(1);
    expect(config.clusters[0]).toMatchObject({
      type: 'embedded',
      default: true,
      settings: { name: 'embedded', production: false },
    });
  });

  it('reads clusters, images and the first as default', () => {
    const config = readKarsConfig(
      new ConfigReader({
        kars: {
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
        },
      }),
    );
    expect(config.clusters.map(c => [c.settings.name, c.default])).toEqual([
      ['prod-eu', true],
      ['prod-us', false],
    ]);
    expect(config.clusters[0]).toMatchObject({
      kubeconfigPath: '/k',
      prometheusUrl: 'http://prom:9090',
      settings: { production: true },
    });
    expect(config.clusters[0].settings.images.agent.OpenClaw).toBe(
      'x/openclaw:2',
    );
    expect(config.clusters[0].settings.images.agent.default).toMatch(
      /agent-runtime/,
    );
    expect(config.clusters[0].settings.images.router).toBe('x/router:2');
  });

  it('sends DNS to kube-system kube-dns unless a cluster names its DNS pods', () => {
    const config = readKarsConfig(
      new ConfigReader({
        kars: {
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
        },
      }),
    );
    expect(config.clusters.map(c => c.settings.dns)).toEqual([
      {
        namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
        podLabels: { 'k8s-app': 'kube-dns' },
      },
      {
        namespaceLabels: { 'kubernetes.io/metadata.name': 'dns' },
        podLabels: { 'app.kubernetes.io/name': 'coredns' },
      },
    ]);
    expect(
      readKarsConfig(new ConfigReader({})).clusters[0].settings.dns,
    ).toEqual(config.clusters[0].settings.dns);
  });

  it.each([
    [{ clusters: [{ name: 'a', type: 'docker' }] }, /type must be/],
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
    [
      { clusters: [{ name: 'a', type: 'embedded', production: true }] },
      /cannot be a production/,
    ],
  ])('refuses %j', (kars, message) => {
    expect(() => readKarsConfig(new ConfigReader({ kars }))).toThrow(message);
  });
});
