import {
  currentReplicaSet,
  deploymentStatus,
  newReplicaSet,
  podFor,
  podsToDelete,
  replicaSetStatus,
} from './controllers';
import { FAULT_ANNOTATION } from './faults';
import { Obj } from './kube';
import {
  canonicalJson,
  fnv32a,
  podTemplateHash,
  safeEncodeString,
} from './podTemplateHash';
import { sandboxDeployment } from './__testUtils__/cluster';

const deployment: Obj = {
  ...sandboxDeployment('a'),
  metadata: {
    ...sandboxDeployment('a').metadata,
    namespace: 'kars-a',
    uid: 'd-uid',
    generation: 1,
  },
};
const now = Date.parse('2026-01-01T00:10:00Z');

const rsWith = (status: Obj, replicas = 1): Obj => ({
  ...newReplicaSet(deployment, 'h', 1, replicas),
  status,
});

describe('the pod-template-hash', () => {
  it("has apimachinery's safe encoding of FNV-32a's decimal, and follows the template", () => {
    expect(fnv32a(Buffer.from(''))).toBe(0x811c9dc5);
    expect(fnv32a(Buffer.from('foobar'))).toBe(0xbf9cf968);
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    const template = deployment.spec.template;
    const hash = podTemplateHash(template);
    expect(hash).toMatch(/^[456789bcdf]{6,10}$/);
    expect(podTemplateHash(JSON.parse(canonicalJson(template)))).toBe(hash);
    expect(podTemplateHash(template, 1)).not.toBe(hash);
    expect(
      podTemplateHash({ ...template, metadata: { labels: { app: 'b' } } }),
    ).not.toBe(hash);
  });
});

describe('the Deployment and ReplicaSet controllers', () => {
  it('make a ReplicaSet owned by the Deployment, selecting and labelling its pods with the hash', () => {
    const rs = newReplicaSet(deployment, 'h', 2, 1);
    expect(rs.metadata).toMatchObject({
      name: 'a-h',
      namespace: 'kars-a',
      labels: { 'pod-template-hash': 'h', 'kars.azure.com/sandbox': 'a' },
      annotations: {
        'deployment.kubernetes.io/revision': '2',
        'deployment.kubernetes.io/desired-replicas': '1',
        'deployment.kubernetes.io/max-replicas': '1',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'a',
          uid: 'd-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(rs.spec.selector.matchLabels['pod-template-hash']).toBe('h');
    const pod = podFor(
      { ...rs, metadata: { ...rs.metadata, uid: 'rs-uid' } },
      'crash-loop',
    );
    expect(pod.metadata).toMatchObject({
      generateName: 'a-h-',
      labels: { 'pod-template-hash': 'h' },
      annotations: { [FAULT_ANNOTATION]: 'crash-loop' },
      ownerReferences: [
        expect.objectContaining({ kind: 'ReplicaSet', uid: 'rs-uid' }),
      ],
    });
  });

  it('find the current ReplicaSet by its template without the hash, so a changed collisionCount makes no new one', () => {
    const at = (rs: Obj, creationTimestamp: string) => ({
      ...rs,
      metadata: { ...rs.metadata, creationTimestamp },
    });
    const older = at(
      newReplicaSet(deployment, 'h1', 1, 1),
      '2026-01-01T00:00:00Z',
    );
    const newer = at(
      newReplicaSet(deployment, 'h2', 2, 1),
      '2026-01-01T00:05:00Z',
    );
    const changed = {
      ...deployment,
      spec: {
        ...deployment.spec,
        template: {
          ...deployment.spec.template,
          metadata: {
            ...deployment.spec.template.metadata,
            annotations: { 'kars.azure.com/restarted-at': 'now' },
          },
        },
      },
    };
    const collided = {
      ...deployment,
      status: { collisionCount: 1 },
    };
    expect(currentReplicaSet(collided, [newer, older])).toBe(older);
    expect(currentReplicaSet(changed, [newer, older])).toBeUndefined();
  });

  it('count ready pods, and delete unscheduled, then unready, then the newest first', () => {
    const p = (
      name: string,
      nodeName?: string,
      ready = false,
      created = '2026-01-01T00:00:00Z',
    ) => ({
      metadata: {
        name,
        creationTimestamp: created,
        labels: {
          'pod-template-hash': 'h',
          'kars.azure.com/sandbox': 'a',
          'kars.azure.com/component': 'sandbox',
        },
      },
      spec: { nodeName },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    });
    const pods = [
      p('old-ready', 'n', true, '2026-01-01T00:00:00Z'),
      p('new-ready', 'n', true, '2026-01-01T00:05:00Z'),
      p('unready', 'n'),
      p('pending'),
    ];
    expect(podsToDelete(pods, 3).map(x => x.metadata.name)).toEqual([
      'pending',
      'unready',
      'new-ready',
    ]);
    expect(replicaSetStatus(rsWith({}, 4), pods)).toEqual({
      replicas: 4,
      fullyLabeledReplicas: 4,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: undefined,
    });
  });

  it('report a rollout: NewReplicaSetCreated, ReplicaSetUpdated on progress, NewReplicaSetAvailable when done', () => {
    const created = deploymentStatus(
      deployment,
      [rsWith({ replicas: 0 })],
      rsWith({ replicas: 0 }),
      now,
    );
    expect(
      created.conditions.map((c: Obj) => [
        c.type,
        c.status,
        c.reason,
        c.message,
      ]),
    ).toEqual([
      [
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
      ],
      [
        'Progressing',
        'True',
        'NewReplicaSetCreated',
        'Created new replica set "a-h"',
      ],
    ]);
    const withPod = { ...deployment, status: created };
    const progressed = deploymentStatus(
      withPod,
      [rsWith({ replicas: 1 })],
      rsWith({ replicas: 1 }),
      now + 1000,
    );
    expect(progressed.conditions[1]).toMatchObject({
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "a-h" is progressing.',
    });
    const done = rsWith({
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    const available = deploymentStatus(
      { ...deployment, status: progressed },
      [done],
      done,
      now + 2000,
    );
    expect(available).toEqual({
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: undefined,
      conditions: [
        expect.objectContaining({
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
        }),
        expect.objectContaining({
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'ReplicaSet "a-h" has successfully progressed.',
        }),
      ],
    });
  });

  it('say ProgressDeadlineExceeded once the rollout has not moved for progressDeadlineSeconds', () => {
    const stuck = rsWith({ replicas: 1 });
    const first = deploymentStatus(
      {
        ...deployment,
        status: deploymentStatus(deployment, [stuck], stuck, now),
      },
      [stuck],
      stuck,
      now,
    );
    const before = deploymentStatus(
      { ...deployment, status: first },
      [stuck],
      stuck,
      now + 599_000,
    );
    expect(before.conditions[1].reason).not.toBe('ProgressDeadlineExceeded');
    const after = deploymentStatus(
      { ...deployment, status: first },
      [stuck],
      stuck,
      now + 601_000,
    );
    expect(after.conditions[1]).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "a-h" has timed out progressing.',
    });
  });
});
