import { diffSnapshots, KubeObject, takeSnapshot } from './snapshot';

const secret = (
  data: Record<string, string>,
  rv: string,
  uid = 'u1',
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'kars-a', uid, resourceVersion: rv },
  data,
});

describe('diffSnapshots', () => {
  it('finds no write when only the resourceVersion, managedFields or status moved', () => {
    const before = takeSnapshot([secret({ k: 'djE=' }, '1')]);
    const after = takeSnapshot([
      { ...secret({ k: 'djE=' }, '2'), status: { phase: 'x' } },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e', namespace: 'kars-a' },
      },
    ]);
    expect(diffSnapshots(before, after)).toEqual([]);
  });

  it('finds changed Secret data, added, removed and replaced objects', () => {
    const before = takeSnapshot([
      secret({ k: 'djE=' }, '1'),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'gone', namespace: 'kars-a', uid: 'c' },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'kars-a', uid: 'd1' },
      },
    ]);
    const after = takeSnapshot([
      secret({ k: 'djI=' }, '2'),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'kars-a', uid: 'd2' },
      },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kars-b', uid: 'n' },
      },
    ]);
    expect(diffSnapshots(before, after)).toEqual([
      { key: 'ConfigMap/kars-a/gone', change: 'removed' },
      { key: 'Deployment.apps/kars-a/d', change: 'replaced' },
      { key: 'Namespace//kars-b', change: 'added' },
      { key: 'Secret/kars-a/s', change: 'changed' },
    ]);
  });
});
