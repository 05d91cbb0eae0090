import { describeDifference, subsetDifferences } from './deepSubset';

const policy = {
  metadata: {
    name: 'sandbox-policy',
    labels: { 'kars.azure.com/sandbox': 'x' },
  },
  spec: {
    podSelector: {},
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { role: 'system' } } }],
        ports: [{ protocol: 'TCP', port: 8443 }],
      },
    ],
  },
};

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('subsetDifferences', () => {
  it.each<[string, unknown, unknown, string[]]>([
    ['an identical object', policy, clone(policy), []],
    [
      'server defaults and extra metadata',
      policy,
      {
        ...clone(policy),
        metadata: {
          ...clone(policy.metadata),
          uid: 'u',
          labels: { ...policy.metadata.labels, other: 'y' },
        },
        spec: { ...clone(policy.spec), policyTypes: ['Ingress'] },
      },
      [],
    ],
    [
      'ingress without from',
      policy,
      {
        ...clone(policy),
        spec: {
          ...clone(policy.spec),
          ingress: [{ ports: [{ protocol: 'TCP', port: 8443 }] }],
        },
      },
      ['spec.ingress[0].from missing'],
    ],
    [
      'from renamed to _from',
      policy,
      {
        ...clone(policy),
        spec: {
          ...clone(policy.spec),
          ingress: [{ ...policy.spec.ingress[0], from: undefined, _from: [] }],
        },
      },
      ['spec.ingress[0].from missing'],
    ],
    [
      'another port',
      policy,
      {
        ...clone(policy),
        spec: {
          ...clone(policy.spec),
          ingress: [
            {
              ...policy.spec.ingress[0],
              ports: [{ protocol: 'TCP', port: 80 }],
            },
          ],
        },
      },
      ['spec.ingress[0].ports[0].port 8443 rendered, 80 live'],
    ],
    [
      'an extra rule (wider)',
      policy,
      {
        ...clone(policy),
        spec: { ...clone(policy.spec), ingress: [...policy.spec.ingress, {}] },
      },
      ['spec.ingress 1 item rendered, 2 items live'],
    ],
    [
      'a narrowed podSelector',
      policy,
      {
        ...clone(policy),
        spec: {
          ...clone(policy.spec),
          podSelector: { matchLabels: { a: 'b' } },
        },
      },
      ['spec.podSelector {} rendered, live has matchLabels'],
    ],
    [
      'a label key with dots and slashes',
      policy,
      { ...clone(policy), metadata: { name: 'sandbox-policy', labels: {} } },
      ['metadata.labels["kars.azure.com/sandbox"] missing'],
    ],
    [
      'a list where an object was rendered',
      { spec: { podSelector: {} } },
      { spec: { podSelector: [] } },
      ['spec.podSelector an object rendered, a list live'],
    ],
    [
      'an object where a list was rendered',
      { spec: { ingress: [] } },
      { spec: { ingress: {} } },
      ['spec.ingress a list rendered, an object live'],
    ],
    [
      'a number where a string was rendered',
      { data: { port: '8443' } },
      { data: { port: 8443 } },
      ['data.port "8443" rendered, 8443 live'],
    ],
    ['no live object', policy, undefined, ['(root) missing']],
    [
      'undefined rendered values are absent',
      { spec: { a: undefined, b: 1 } },
      { spec: { b: 1 } },
      [],
    ],
    [
      'every difference, not the first',
      { a: 1, b: { c: 2 }, d: [1, 2] },
      { a: 2, b: {}, d: [1, 3] },
      ['a 1 rendered, 2 live', 'b.c missing', 'd[1] 2 rendered, 3 live'],
    ],
  ])('%s', (_what, expected, actual, differences) => {
    expect(subsetDifferences(expected, actual).map(describeDifference)).toEqual(
      differences,
    );
  });
});
