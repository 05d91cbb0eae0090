import { KubeObject } from '@kars-portal/plugin-kars-node';
import { Drift } from './apply';
import { driftEvent } from './driftEvent';

const sandbox: KubeObject = {
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  metadata: { name: 'tenant-a', namespace: 'kars-system', uid: 'uid-a' },
};

const drift: Drift = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'kars-tenant-a',
  name: 'tenant-a',
  edits: [
    {
      manager: 'kubectl-edit',
      operation: 'Update',
      time: '2026-12-05T10:00:00Z',
      fields: ['spec.replicas'],
    },
  ],
  paths: ['spec.replicas'],
};

const at = new Date('2026-12-05T10:00:01.234Z');

describe('driftEvent', () => {
  it('is an events.k8s.io Event on the KarsSandbox about the repaired object, saying who and which fields', () => {
    expect(driftEvent(sandbox, drift, at, 'backend-0')).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: {
        name: `tenant-a.${(1796464801234n * 1_000_000n).toString(16)}`,
        namespace: 'kars-system',
      },
      eventTime: '2026-12-05T10:00:01.234000Z',
      reportingController: 'kars.azure.com/kars-portal',
      reportingInstance: 'backend-0',
      action: 'Repair',
      reason: 'DriftRepaired',
      type: 'Warning',
      regarding: {
        apiVersion: 'kars.azure.com/v1alpha1',
        kind: 'KarsSandbox',
        name: 'tenant-a',
        namespace: 'kars-system',
        uid: 'uid-a',
      },
      related: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'tenant-a',
        namespace: 'kars-tenant-a',
      },
      note: 'Deployment kars-tenant-a/tenant-a: spec.replicas no longer held the rendered values; edited by kubectl-edit (Update at 2026-12-05T10:00:00Z); repaired by kars portal',
    });
  });

  it('gives the drifts of one pass names of their own', () => {
    const names = [0, 1].map(
      i => driftEvent(sandbox, drift, at, 'backend-0', i).metadata.name,
    );
    expect(new Set(names).size).toBe(2);
  });

  it('says when no field manager of its own edited it, lists at most five paths, and keeps the note within 1 kB', () => {
    const many = {
      ...drift,
      edits: [],
      paths: Array.from({ length: 200 }, (_, i) => `data.key-${i}`),
    };
    const { note } = driftEvent(sandbox, many, at, 'backend-0') as any;
    expect(note).toBe(
      'Deployment kars-tenant-a/tenant-a: data.key-0, data.key-1, data.key-2, data.key-3, data.key-4 (and 195 more) no longer held the rendered values; edited without a field manager of its own (a subresource such as /scale); repaired by kars portal',
    );
    const long = {
      ...drift,
      edits: Array.from({ length: 50 }, (_, i) => ({
        manager: `manager-with-a-long-name-${i}`,
        fields: [],
      })),
    };
    expect(
      (driftEvent(sandbox, long, at, 'backend-0') as any).note.length,
    ).toBe(1024);
  });
});
