import { CREDENTIAL_KEYS_ANNOTATION } from '../service/sandboxObject';
import {
  contentChanged,
  deploymentObservation,
  ObjectEvent,
  ownedNeedsReconcile,
  sandboxChangesEntities,
  sandboxNeedsReconcile,
} from './predicates';
import { KubeObject } from '@kars-portal/plugin-kars-node';

type Edit = (o: any) => void;

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

/** An update event: the object before, and after the edit (with a new resourceVersion). */
function update(before: KubeObject, edit: Edit): ObjectEvent {
  const after = clone(before);
  edit(after);
  after.metadata.resourceVersion = String(
    Number(before.metadata.resourceVersion) + 1,
  );
  return { type: 'upsert', old: before, object: after };
}

const statusWriter = (manager: string) => ({
  manager,
  operation: 'Update',
  apiVersion: 'v1',
  subresource: 'status',
  time: '2026-01-01T00:00:00Z',
  fieldsV1: { 'f:status': { 'f:phase': {} } },
});

const sandbox: KubeObject = {
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  metadata: {
    name: 'tenant-a',
    namespace: 'kars-system',
    uid: 'uid-1',
    resourceVersion: '10',
    generation: 2,
    labels: { 'app.kubernetes.io/managed-by': 'kars-portal' },
    annotations: { [CREDENTIAL_KEYS_ANNOTATION]: 'SLACK_BOT_TOKEN' },
    finalizers: ['kars.azure.com/namespace-cleanup'],
    managedFields: [
      {
        manager: 'kars-portal',
        operation: 'Update',
        apiVersion: 'kars.azure.com/v1alpha1',
        time: '2026-01-01T00:00:00Z',
        fieldsV1: { 'f:spec': { 'f:model': {} } },
      },
      statusWriter('kars-portal'),
    ],
  },
  spec: { model: 'gpt-4.1', owner: 'group:default/team-a' },
  status: { phase: 'Running', observedGeneration: 2, conditions: [] },
};

describe('sandboxNeedsReconcile and sandboxChangesEntities', () => {
  const cases: Array<{
    change: string;
    event: ObjectEvent;
    reconcile: boolean;
    catalog: boolean;
  }> = [
    {
      change: 'a sandbox new to the cache',
      event: { type: 'upsert', object: sandbox },
      reconcile: true,
      catalog: true,
    },
    {
      change: 'a deleted sandbox',
      event: { type: 'delete', object: sandbox },
      reconcile: true,
      catalog: true,
    },
    {
      change: 'a new spec (generation)',
      event: update(sandbox, o => {
        o.spec.owner = 'group:default/team-z';
        o.metadata.generation = 3;
      }),
      reconcile: true,
      catalog: true,
    },
    {
      change: 'a status write (the reconciler’s own)',
      event: update(sandbox, o => {
        o.status.phase = 'Creating';
        o.status.lastReconciledAt = '2026-01-02T00:00:00Z';
        o.metadata.managedFields[1].time = '2026-01-02T00:00:00Z';
      }),
      reconcile: false,
      catalog: false,
    },
    {
      change: 'another value of the credential keys annotation',
      event: update(sandbox, o => {
        o.metadata.annotations[CREDENTIAL_KEYS_ANNOTATION] =
          'SLACK_BOT_TOKEN,SLACK_APP_TOKEN';
      }),
      reconcile: true,
      catalog: false,
    },
    {
      change: 'the credential keys annotation removed',
      event: update(sandbox, o => {
        delete o.metadata.annotations[CREDENTIAL_KEYS_ANNOTATION];
      }),
      reconcile: true,
      catalog: false,
    },
    {
      change: 'a restart asked (the restart annotation set)',
      event: update(sandbox, o => {
        o.metadata.annotations['kars.azure.com/restarted-at'] =
          '2026-01-02T00:00:00.000Z';
      }),
      reconcile: true,
      catalog: false,
    },
    {
      change: 'another restart (a new value of the restart annotation)',
      event: update(
        {
          ...sandbox,
          metadata: {
            ...sandbox.metadata,
            annotations: {
              ...sandbox.metadata.annotations,
              'kars.azure.com/restarted-at': '2026-01-02T00:00:00.000Z',
            },
          },
        },
        o => {
          o.metadata.annotations['kars.azure.com/restarted-at'] =
            '2026-01-03T00:00:00.000Z';
        },
      ),
      reconcile: true,
      catalog: false,
    },
    {
      change: 'an annotation nobody reads',
      event: update(sandbox, o => {
        o.metadata.annotations['example.com/note'] = 'hello';
      }),
      reconcile: false,
      catalog: false,
    },
    {
      change: 'a label',
      event: update(sandbox, o => {
        o.metadata.labels['example.com/team'] = 'a';
      }),
      reconcile: false,
      catalog: false,
    },
    {
      change: 'deletion began',
      event: update(sandbox, o => {
        o.metadata.deletionTimestamp = '2026-01-02T00:00:00Z';
      }),
      reconcile: true,
      catalog: false,
    },
    {
      change: 'the finalizer removed',
      event: update(sandbox, o => {
        o.metadata.finalizers = [];
      }),
      reconcile: true,
      catalog: false,
    },
    {
      change: 'another object under the same name (same generation)',
      event: update(sandbox, o => {
        o.metadata.uid = 'uid-2';
      }),
      reconcile: true,
      catalog: true,
    },
  ];

  it.each(cases)(
    '$change: reconcile $reconcile, catalog event $catalog',
    ({ event, reconcile, catalog }) => {
      expect(sandboxNeedsReconcile(event)).toBe(reconcile);
      expect(sandboxChangesEntities(event)).toBe(catalog);
    },
  );
});

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'tenant-a',
    namespace: 'kars-tenant-a',
    uid: 'uid-d',
    resourceVersion: '20',
    generation: 1,
    labels: { 'kars.azure.com/sandbox': 'tenant-a' },
    annotations: { 'kars.azure.com/desired-hash': 'abc' },
    managedFields: [
      {
        manager: 'kars-portal',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2026-01-01T00:00:00Z',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      statusWriter('kube-controller-manager'),
    ],
  },
  spec: { replicas: 1, template: { spec: { containers: [] } } },
  status: {
    observedGeneration: 1,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        lastUpdateTime: '2026-01-01T00:00:00Z',
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        lastUpdateTime: '2026-01-01T00:00:00Z',
      },
    ],
  },
};

describe('ownedNeedsReconcile', () => {
  const cases: Array<{ change: string; edit: Edit; deployment: boolean }> = [
    {
      change: 'a field of the spec edited (drift)',
      edit: o => {
        o.spec.template.spec.containers = [{ name: 'intruder' }];
        o.metadata.generation = 2;
      },
      deployment: true,
    },
    {
      change: 'the desired-hash annotation',
      edit: o => {
        o.metadata.annotations['kars.azure.com/desired-hash'] = 'def';
      },
      deployment: true,
    },
    {
      change: 'the sandbox label removed',
      edit: o => {
        delete o.metadata.labels['kars.azure.com/sandbox'];
      },
      deployment: true,
    },
    {
      change: 'the same value written by another manager (a foreign owner)',
      edit: o => {
        o.metadata.managedFields.push({
          manager: 'kubectl-edit',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: '2026-01-02T00:00:00Z',
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        });
      },
      deployment: true,
    },
    {
      change: 'deletion began',
      edit: o => {
        o.metadata.deletionTimestamp = '2026-01-02T00:00:00Z';
      },
      deployment: true,
    },
    {
      change:
        'a status write the phase does not read (collisionCount, timestamps)',
      edit: o => {
        o.status.collisionCount = 1;
        o.status.conditions[0].lastUpdateTime = '2026-01-02T00:00:00Z';
        o.metadata.managedFields[1].time = '2026-01-02T00:00:00Z';
      },
      deployment: false,
    },
    {
      change: 'availability lost',
      edit: o => {
        o.status.availableReplicas = 0;
      },
      deployment: true,
    },
    {
      change: 'a new generation observed',
      edit: o => {
        o.status.observedGeneration = 2;
      },
      deployment: true,
    },
    {
      change: 'the progress deadline exceeded',
      edit: o => {
        o.status.conditions[1].reason = 'ProgressDeadlineExceeded';
      },
      deployment: true,
    },
    {
      change: 'readyReplicas alone (the phase reads availableReplicas)',
      edit: o => {
        o.status.readyReplicas = 0;
      },
      deployment: false,
    },
  ];

  it.each(cases)(
    'Deployment, $change: $deployment',
    ({ edit, deployment: expected }) => {
      expect(ownedNeedsReconcile('Deployment')(update(deployment, edit))).toBe(
        expected,
      );
    },
  );

  it.each([
    ['an object new to the cache', { type: 'upsert', object: deployment }],
    ['a deleted object', { type: 'delete', object: deployment }],
  ] as Array<[string, ObjectEvent]>)('%s: true for every kind', (_, event) => {
    expect(ownedNeedsReconcile('NetworkPolicy')(event)).toBe(true);
    expect(ownedNeedsReconcile('Namespace')(event)).toBe(true);
  });

  it('passes a ConfigMap whose data changed, and not a Namespace whose status alone did', () => {
    const configMap: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'card', resourceVersion: '1', uid: 'u' },
      data: { 'card.json': '{}' },
    };
    expect(
      ownedNeedsReconcile('ConfigMap')(
        update(configMap, o => {
          o.data['card.json'] = '{"name":"x"}';
        }),
      ),
    ).toBe(true);
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kars-tenant-a', resourceVersion: '1', uid: 'n' },
      status: { phase: 'Active' },
    };
    expect(
      ownedNeedsReconcile('Namespace')(
        update(namespace, o => {
          o.status.conditions = [{ type: 'NamespaceContentRemaining' }];
        }),
      ),
    ).toBe(false);
  });

  it('judges a status written through the main resource by its status part only', () => {
    expect(
      contentChanged(
        update(deployment, o => {
          o.status.collisionCount = 2;
          o.metadata.managedFields.push({
            manager: 'old-controller',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: '2026-01-02T00:00:00Z',
            fieldsV1: { 'f:status': { 'f:collisionCount': {} } },
          });
        }),
      ),
    ).toBe(false);
  });
});

describe('deploymentObservation', () => {
  it.each([
    [
      'an available Deployment',
      deployment,
      {
        replicas: 1,
        availableReplicas: 1,
        updatedReplicas: 1,
        observedGeneration: 1,
        generation: 1,
        progressDeadlineExceeded: false,
      },
    ],
    [
      'a Deployment no controller has seen (no status, replicas defaulted)',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', generation: 1 },
        spec: {},
      },
      {
        replicas: 1,
        availableReplicas: 0,
        updatedReplicas: 0,
        observedGeneration: 0,
        generation: 1,
        progressDeadlineExceeded: false,
      },
    ],
    [
      'a suspended Deployment past its deadline',
      {
        ...deployment,
        spec: { replicas: 0 },
        status: {
          conditions: [
            { type: 'Progressing', reason: 'ProgressDeadlineExceeded' },
          ],
        },
      },
      {
        replicas: 0,
        availableReplicas: 0,
        updatedReplicas: 0,
        observedGeneration: 0,
        generation: 1,
        progressDeadlineExceeded: true,
      },
    ],
  ] as Array<[string, KubeObject, object]>)('%s', (_, object, expected) => {
    expect(deploymentObservation(object)).toEqual(expected);
  });
});
