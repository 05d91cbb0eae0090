import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import { testClusterSettings } from '../../__testUtils__/clusters';
import { buildSandboxObject, toSandbox } from '../sandboxObject';
import { renderedNetworkPolicies } from './network';
import { buildHealth } from './report';

describe('the network layer, from the live NetworkPolicies', () => {
  const settings = testClusterSettings();
  const sandbox = toSandbox(
    {
      ...buildSandboxObject(
        'tenant-n',
        sandboxSpecSchema.parse({
          governance: { enabled: true },
          networkPolicy: {
            allowedEndpoints: [{ host: '203.0.113.0/24', port: 5432 }],
          },
        }),
        'kars-system',
      ),
      status: { phase: 'Running', conditions: [] },
    },
    settings.name,
  );
  const [rendered] = renderedNetworkPolicies(sandbox, settings);
  const copy = (): any => JSON.parse(JSON.stringify(rendered));
  /** As the server returns it: defaults and bookkeeping added. */
  const live = (edit: (p: any) => void = () => {}) => {
    const p = copy();
    p.metadata.uid = 'u-1';
    p.metadata.annotations = { 'kars.azure.com/desired-hash': 'h' };
    p.metadata.generation = 1;
    edit(p);
    return p as KubeObject;
  };
  const foreign: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-all', namespace: 'kars-tenant-n' },
    spec: { podSelector: {}, ingress: [{}] },
  };
  const health = (networkPolicies: KubeObject[]) =>
    buildHealth(
      sandbox,
      { networkPolicies, pods: [], nodes: new Map() },
      { ok: false, source: 'none', today: new Map(), month: new Map() },
      false,
      settings,
    );

  const verified = [
    `NetworkPolicy kars-tenant-n/sandbox-policy read from the cluster contains the rendered one: 2 ingress and ${
      (rendered.spec as any).egress.length
    } egress rules`,
  ];

  it.each<[string, KubeObject[], string, string[], string[]]>([
    [
      'the live policy holds the rendered one',
      [live()],
      'verified',
      verified,
      [],
    ],
    [
      'from removed by an admin',
      [live(p => delete p.spec.ingress[1].from)],
      'missing',
      ['sandbox-policy: spec.ingress[1].from missing on the live object'],
      ['NetworkPolicyDiffers'],
    ],
    [
      'an allow-all ingress rule added',
      [live(p => p.spec.ingress.push({}))],
      'missing',
      ['sandbox-policy: spec.ingress 2 items rendered, 3 items live'],
      ['NetworkPolicyDiffers'],
    ],
    [
      'a port changed',
      [live(p => (p.spec.ingress[0].ports[0].port = 80))],
      'missing',
      ['sandbox-policy: spec.ingress[0].ports[0].port 8443 rendered, 80 live'],
      ['NetworkPolicyDiffers'],
    ],
    [
      'only some pods selected',
      [live(p => (p.spec.podSelector = { matchLabels: { a: 'b' } }))],
      'missing',
      ['sandbox-policy: spec.podSelector {} rendered, live has matchLabels'],
      ['NetworkPolicyDiffers'],
    ],
    [
      'our name without our labels',
      [live(p => (p.metadata.labels = {}))],
      'missing',
      [
        'sandbox-policy: metadata.labels["app.kubernetes.io/name"] missing on the live object',
        'sandbox-policy: metadata.labels["app.kubernetes.io/managed-by"] missing on the live object',
        'sandbox-policy: metadata.labels["kars.azure.com/sandbox"] missing on the live object',
      ],
      ['ForeignNetworkPolicy', 'NetworkPolicyDiffers'],
    ],
    ['no policy', [], 'missing', [], ['NetworkPolicyMissing']],
    [
      'a foreign policy beside ours (policies add up: ours may be widened)',
      [live(), foreign],
      'missing',
      [
        'NetworkPolicy kars-tenant-n/allow-all is not one kars portal renders for this sandbox',
      ],
      ['ForeignNetworkPolicy'],
    ],
  ])('%s', (_what, policies, state, evidence, findings) => {
    const report = health(policies);
    const network = report.layers.find(l => l.layer === 'network')!;
    expect(network.state).toBe(state);
    expect(network.evidence).toEqual(evidence);
    expect(report.findings.map(f => f.code)).toEqual(findings);
  });

  it('names a missing policy in the summary', () => {
    expect(health([]).layers.find(l => l.layer === 'network')).toMatchObject({
      state: 'missing',
      summary: 'NetworkPolicy sandbox-policy is missing',
    });
  });
});
