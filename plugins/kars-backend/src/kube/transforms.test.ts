import { KubeObject } from '@kars-portal/plugin-kars-node';
import { subsetDifferences } from '../render/deepSubset';
import { foreignEdits, hashOf } from '../reconcile/apply';
import { contentChanged, deploymentObservation } from '../reconcile/predicates';
import {
  LAST_APPLIED_ANNOTATION,
  ownedObjectTransform,
  ownedPart,
  podTransform,
  sandboxTransform,
} from './transforms';

/** What kars portal renders: labels, the desired hash, a pod template with two containers. */
const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'tenant-a',
    namespace: 'kars-tenant-a',
    labels: { 'kars.azure.com/sandbox': 'tenant-a' },
    annotations: { 'kars.azure.com/desired-hash': 'abc' },
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'tenant-a' } },
    template: {
      metadata: { labels: { app: 'tenant-a' } },
      spec: {
        containers: [
          { name: 'agent', image: 'agent:1', ports: [{ containerPort: 8080 }] },
          { name: 'router', image: 'router:1', args: ['--a', '--b'] },
        ],
      },
    },
  },
};

const container = (name: string) => ({
  'f:image': {},
  'f:name': {},
  '.': {},
  ...(name === 'agent'
    ? {
        'f:ports': {
          '.': {},
          'k:{"containerPort":8080,"protocol":"TCP"}': {
            '.': {},
            'f:containerPort': {},
          },
        },
      }
    : { 'f:args': {} }),
});

/** kars portal's apply: every rendered field. */
const ours = {
  manager: 'kars-portal',
  operation: 'Apply',
  apiVersion: 'apps/v1',
  time: '2026-12-01T00:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1: {
    'f:metadata': {
      'f:labels': { 'f:kars.azure.com/sandbox': {} },
      'f:annotations': { 'f:kars.azure.com/desired-hash': {} },
    },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"agent"}': container('agent'),
            'k:{"name":"router"}': container('router'),
          },
        },
      },
    },
  },
};

/** kube-controller-manager's status writes. */
const controller = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  subresource: 'status',
  time: '2026-12-01T00:00:05Z',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:status': { 'f:availableReplicas': {}, 'f:replicas': {} } },
};

/** A `kubectl edit` of the router's image (and a status field it happened to send). */
const kubectlEdit = {
  manager: 'kubectl-edit',
  operation: 'Update',
  time: '2026-12-02T00:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1: {
    'f:spec': {
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"router"}': { 'f:image': {} },
          },
        },
      },
    },
    'f:status': { 'f:replicas': {} },
  },
};

/** The Deployment as the server answers it: rendered values, defaults, managedFields, status. */
const live = (...managedFields: object[]): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'tenant-a',
    namespace: 'kars-tenant-a',
    uid: 'u-1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-12-01T00:00:00Z',
    labels: { 'kars.azure.com/sandbox': 'tenant-a' },
    annotations: {
      'kars.azure.com/desired-hash': 'abc',
      'deployment.kubernetes.io/revision': '2',
      [LAST_APPLIED_ANNOTATION]: JSON.stringify(desired),
    },
    managedFields,
  },
  spec: {
    replicas: 1,
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'tenant-a' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
    template: {
      metadata: { labels: { app: 'tenant-a' } },
      spec: {
        containers: [
          {
            name: 'agent',
            image: 'agent:1',
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            imagePullPolicy: 'IfNotPresent',
            terminationMessagePath: '/dev/termination-log',
          },
          {
            name: 'router',
            image: 'router:2',
            args: ['--a', '--b'],
            imagePullPolicy: 'IfNotPresent',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
      },
    },
  },
  status: {
    availableReplicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    replicas: 1,
    observedGeneration: 3,
    conditions: [
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: 'ReplicaSet "tenant-a-5d8" has successfully progressed.',
        lastUpdateTime: '2026-12-01T00:00:05Z',
        lastTransitionTime: '2026-12-01T00:00:00Z',
      },
    ],
  },
});

const keep = ownedObjectTransform('Deployment');

describe('ownedObjectTransform', () => {
  const original = live(ours, controller, kubectlEdit);
  const kept = keep(original);

  it('keeps every rendered value, so the drift check finds the same differences', () => {
    expect(subsetDifferences(desired, kept)).toEqual(
      subsetDifferences(desired, original),
    );
    expect(subsetDifferences(desired, kept).map(d => d.path)).toEqual([
      'spec.template.spec.containers[1].image',
    ]);
    expect(hashOf(kept)).toBe('abc');
  });

  it('keeps of managedFields only what drift attribution reports, with its manager and time', () => {
    expect(foreignEdits(kept, desired)).toEqual(
      foreignEdits(original, desired),
    );
    expect(foreignEdits(kept, desired)).toEqual([
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        time: '2026-12-02T00:00:00Z',
        fields: ['spec.template.spec.containers[name=router].image'],
      },
    ]);
    expect(kept.metadata.managedFields).toEqual([
      {
        ...kubectlEdit,
        fieldsV1: { 'f:spec': kubectlEdit.fieldsV1['f:spec'] },
      },
    ]);
  });

  it('keeps what the reconciler reads of the metadata and of the rollout', () => {
    const { managedFields: _m, annotations, ...metadata } = original.metadata;
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...kept_annotations } =
      annotations!;
    expect(kept.metadata).toEqual({
      ...metadata,
      annotations: kept_annotations,
      managedFields: kept.metadata.managedFields,
    });
    expect(deploymentObservation(kept)).toEqual(
      deploymentObservation(original),
    );
  });

  it('drops the server defaults no field manager owns', () => {
    const spec = kept.spec as any;
    expect(spec.progressDeadlineSeconds).toBeUndefined();
    expect(spec.strategy).toBeUndefined();
    expect(spec.template.spec.dnsPolicy).toBeUndefined();
    expect(spec.template.spec.containers).toEqual([
      {
        name: 'agent',
        image: 'agent:1',
        ports: [{ containerPort: 8080 }],
      },
      // Owned by the two managers together.
      { name: 'router', image: 'router:2', args: ['--a', '--b'] },
    ]);
    expect(JSON.stringify(kept).length).toBeLessThan(
      JSON.stringify(original).length / 2,
    );
  });

  it('does not change the object it is given', () => {
    expect(original).toEqual(live(ours, controller, kubectlEdit));
  });

  it('sees a foreign edit as a content change, and a status write as none', () => {
    const before = keep(live(ours, controller));
    expect(contentChanged({ type: 'upsert', old: before, object: kept })).toBe(
      true,
    );
    const statusWrite = live(ours, {
      ...controller,
      time: '2026-12-03T00:00:00Z',
    });
    statusWrite.metadata.resourceVersion = '43';
    expect(
      contentChanged({
        type: 'upsert',
        old: before,
        object: keep(statusWrite),
      }),
    ).toBe(false);
  });

  it('keeps an object without managedFields whole but its status', () => {
    const bare = live();
    const { status: _status, ...rest } = bare;
    const { managedFields: _m, ...metadata } = rest.metadata;
    const { [LAST_APPLIED_ANNOTATION]: _l, ...annotations } =
      metadata.annotations!;
    expect(ownedObjectTransform('ConfigMap')(bare)).toEqual({
      ...rest,
      metadata: { ...metadata, annotations },
    });
  });
});

describe('ownedPart', () => {
  it('keeps every item of a list, each pruned to its keyed entry when it has one', () => {
    expect(
      ownedPart([{ name: 'a', x: 1, y: 2 }, { name: 'b', x: 1 }, 'c'], {
        'k:{"name":"a"}': { 'f:x': {} },
      }),
    ).toEqual([{ x: 1 }, { name: 'b', x: 1 }, 'c']);
  });

  it('keeps a field owned as a whole (an atomic list or map, an empty selector)', () => {
    expect(
      ownedPart({ podSelector: {}, extra: 1 }, { 'f:podSelector': {} }),
    ).toEqual({ podSelector: {} });
    expect(ownedPart({ a: { b: 1, c: 2 } }, { 'f:a': { '.': {} } })).toEqual({
      a: { b: 1, c: 2 },
    });
  });
});

describe('sandboxTransform', () => {
  it('keeps all of a KarsSandbox but its managedFields', () => {
    const sandbox: KubeObject = {
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      metadata: {
        name: 'tenant-a',
        namespace: 'kars-system',
        finalizers: ['kars.azure.com/finalizer'],
        annotations: { [LAST_APPLIED_ANNOTATION]: '{}' },
        managedFields: [ours],
      },
      spec: { model: 'gpt-4.1' },
      status: { phase: 'Running' },
    };
    const { managedFields: _m, ...metadata } = sandbox.metadata;
    expect(sandboxTransform(sandbox)).toEqual({ ...sandbox, metadata });
  });
});

describe('podTransform', () => {
  it('keeps the identity, labels, phase, scheduling, container states and restarts; drops spec and the rest', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'tenant-a-1',
        namespace: 'kars-tenant-a',
        uid: 'p-1',
        resourceVersion: '7',
        labels: { 'kars.azure.com/sandbox': 'tenant-a' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'tenant-a-5d8' }],
        managedFields: [controller],
      },
      spec: { containers: [{ name: 'agent', image: 'agent:1' }] },
      status: {
        phase: 'Running',
        podIP: '10.244.0.2',
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'PodScheduled', status: 'True', lastProbeTime: null },
        ],
        containerStatuses: [
          {
            name: 'agent',
            ready: true,
            restartCount: 2,
            image: 'agent:1',
            state: { running: { startedAt: '2026-12-01T00:00:00Z' } },
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          },
        ],
      },
    };
    expect(podTransform(pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'tenant-a-1',
        namespace: 'kars-tenant-a',
        uid: 'p-1',
        resourceVersion: '7',
        labels: { 'kars.azure.com/sandbox': 'tenant-a' },
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'PodScheduled', status: 'True' }],
        containerStatuses: [
          {
            name: 'agent',
            ready: true,
            restartCount: 2,
            state: { running: {} },
            lastState: { terminated: { reason: 'OOMKilled' } },
          },
        ],
      },
    });
  });
});
