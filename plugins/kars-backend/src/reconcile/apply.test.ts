import { KubeObject } from '@kars-portal/plugin-kars-node';
import { fieldPaths, foreignEdits, hasForeignEdits } from './apply';

/** What kars portal renders: a label and an annotation of its own, and a spec. */
const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'tenant-a',
    namespace: 'kars-tenant-a',
    labels: { 'kars.azure.com/sandbox': 'tenant-a' },
    annotations: { 'kars.azure.com/desired-hash': 'abc' },
  },
  spec: { replicas: 1 },
};

type Entry = {
  manager: string;
  operation?: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
};

const live = (...managedFields: Entry[]): KubeObject => ({
  ...desired,
  metadata: { ...desired.metadata, managedFields },
});

const ours: Entry = {
  manager: 'kars-portal',
  operation: 'Apply',
  fieldsV1: {
    'f:metadata': {
      'f:labels': { 'f:kars.azure.com/sandbox': {} },
      'f:annotations': { 'f:kars.azure.com/desired-hash': {} },
    },
    'f:spec': { 'f:replicas': {} },
  },
};

describe('hasForeignEdits', () => {
  it.each<[string, Entry[], boolean]>([
    ['no managed fields', [], false],
    ['only kars portal’s apply', [ours], false],
    [
      'the credentials route’s own field manager on a field',
      [
        ours,
        {
          manager: 'kars-portal-credentials',
          fieldsV1: { 'f:spec': { 'f:template': {} } },
        },
      ],
      false,
    ],
    [
      'another manager owning a spec field (kubectl edit)',
      [
        ours,
        {
          manager: 'kubectl-edit',
          operation: 'Update',
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        },
      ],
      true,
    ],
    [
      'another manager owning data (a ConfigMap edited)',
      [ours, { manager: 'kubectl-edit', fieldsV1: { 'f:data': {} } }],
      true,
    ],
    [
      'another manager owning a label kars portal renders',
      [
        ours,
        {
          manager: 'kubectl-label',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:kars.azure.com/sandbox': {} } },
          },
        },
      ],
      true,
    ],
    [
      'another manager owning an annotation kars portal renders',
      [
        ours,
        {
          manager: 'kubectl-annotate',
          fieldsV1: {
            'f:metadata': {
              'f:annotations': { 'f:kars.azure.com/desired-hash': {} },
            },
          },
        },
      ],
      true,
    ],
    [
      'another manager’s own annotation (the Deployment controller’s revision)',
      [
        ours,
        {
          manager: 'kube-controller-manager',
          fieldsV1: {
            'f:metadata': {
              'f:annotations': { 'f:deployment.kubernetes.io/revision': {} },
            },
          },
        },
      ],
      false,
    ],
    [
      'another manager’s own label',
      [
        ours,
        {
          manager: 'kubectl-label',
          fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } },
        },
      ],
      false,
    ],
    [
      'another manager owning finalizers only',
      [
        ours,
        {
          manager: 'someone',
          fieldsV1: { 'f:metadata': { 'f:finalizers': {} } },
        },
      ],
      false,
    ],
    [
      'a status writer through the status subresource',
      [
        ours,
        {
          manager: 'kube-controller-manager',
          subresource: 'status',
          fieldsV1: { 'f:status': { 'f:replicas': {} } },
        },
      ],
      false,
    ],
    [
      'a status written through the main resource',
      [
        ours,
        {
          manager: 'old-controller',
          fieldsV1: { 'f:status': { 'f:phase': {} }, '.': {} },
        },
      ],
      false,
    ],
  ])('%s: %s', (_what, managedFields, foreign) => {
    expect(hasForeignEdits(live(...managedFields), desired)).toBe(foreign);
  });
});

describe('foreignEdits', () => {
  it('names who owns which of our fields, as paths, leaving out status, our managers and labels not ours', () => {
    const edits = foreignEdits(
      live(
        ours,
        {
          manager: 'kubectl-edit',
          operation: 'Update',
          fieldsV1: {
            'f:metadata': {
              'f:labels': {
                'f:kars.azure.com/sandbox': {},
                'f:team-note': {},
              },
            },
            'f:spec': {
              'f:replicas': {},
              'f:template': {
                'f:spec': {
                  'f:containers': {
                    'k:{"name":"agent"}': {
                      '.': {},
                      'f:image': {},
                    },
                  },
                },
              },
            },
            'f:status': { 'f:replicas': {} },
          },
        },
        {
          manager: 'kube-controller-manager',
          subresource: 'status',
          fieldsV1: { 'f:status': { 'f:readyReplicas': {} } },
        },
      ),
      desired,
    );
    expect(edits).toEqual([
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        fields: [
          'metadata.labels.kars.azure.com/sandbox',
          'spec.replicas',
          'spec.template.spec.containers[name=agent].image',
        ],
      },
    ]);
  });

  it('reads set and index keys of fieldsV1', () => {
    expect(
      fieldPaths({
        'f:spec': {
          'f:finalizers': { 'v:"kubernetes"': {} },
          'f:ports': { 'i:0': { 'f:port': {} } },
        },
      }),
    ).toEqual(['spec.finalizers["kubernetes"]', 'spec.ports[0].port']);
  });
});
