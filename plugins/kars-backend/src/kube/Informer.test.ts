import { mockServices } from '@backstage/backend-test-utils';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { Informer } from './Informer';
import { eventually } from '../__testUtils__/backend';

jest.setTimeout(120_000);

const configMap = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { a: '1' },
});

/** The names of the test's own objects (kube-controller-manager adds kube-root-ca.crt everywhere). */
const names = (items: Array<{ metadata: { name: string } }>) =>
  items
    .map(i => i.metadata.name)
    .filter(n => n !== 'kube-root-ca.crt')
    .sort();

describe.each(clusterTargetNames())('Informer on the %s', targetName => {
  let target: ClusterTarget;
  let informer: Informer;

  beforeAll(async () => {
    target = await startClusterTarget(targetName, { deploy: false });
    for (const ns of ['inf-a', 'inf-b']) {
      await target.admin.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      });
    }
    await target.admin.create(configMap('inf-a', 'listed'));
    informer = new Informer(
      target.admin,
      { apiVersion: 'v1', kind: 'ConfigMap' },
      mockServices.logger.mock(),
    );
    await informer.start();
  });
  afterAll(async () => {
    informer?.stop();
    await target?.stop();
  });

  it('keeps each namespace apart as objects are listed, added and deleted', async () => {
    expect(names(informer.listInNamespace('inf-a'))).toEqual(['listed']);
    await target.admin.create(configMap('inf-a', 'watched'));
    await target.admin.create(configMap('inf-b', 'other'));
    await eventually('the watched objects in the cache', async () =>
      Boolean(informer.get('other', 'inf-b')),
    );
    await eventually('inf-a holding both', async () =>
      Boolean(informer.get('watched', 'inf-a')),
    );
    expect(names(informer.listInNamespace('inf-a'))).toEqual([
      'listed',
      'watched',
    ]);
    expect(names(informer.listInNamespace('inf-b'))).toEqual(['other']);
    expect(informer.listInNamespace('inf-none')).toEqual([]);

    await target.admin.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'listed',
      namespace: 'inf-a',
    });
    await eventually(
      'the deleted object out of the cache',
      async () => informer.get('listed', 'inf-a') === undefined,
    );
    expect(names(informer.listInNamespace('inf-a'))).toEqual(['watched']);
    // The whole cache is the namespaces' union: nothing kept twice or lost.
    const everyNamespace = informer
      .list()
      .filter(o => o.metadata.namespace?.startsWith('inf-'));
    expect(names(everyNamespace)).toEqual(['other', 'watched']);
  });

  it('caches, and tells of, only what its transform keeps of listed and watched objects', async () => {
    await target.admin.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'inf-t' },
    });
    await target.admin.create(configMap('inf-t', 'listed'));
    const slim = new Informer(
      target.admin,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'inf-t',
        transform: o => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: o.metadata.name,
            namespace: o.metadata.namespace,
            resourceVersion: o.metadata.resourceVersion,
          },
        }),
      },
      mockServices.logger.mock(),
    );
    const seen: unknown[] = [];
    slim.onChange(event => {
      if (event.type !== 'resync') seen.push(event.object);
    });
    try {
      await slim.start();
      await target.admin.create(configMap('inf-t', 'watched'));
      await eventually('the watched object in the cache', async () =>
        Boolean(slim.get('watched', 'inf-t')),
      );
      await target.admin.delete({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'listed',
        namespace: 'inf-t',
      });
      await eventually(
        'the deleted object out of the cache',
        async () => slim.get('listed', 'inf-t') === undefined,
      );
      const ours = (o: any) => o.metadata.name !== 'kube-root-ca.crt';
      for (const o of [...slim.list(), ...seen].filter(ours)) {
        expect(Object.keys(o as object)).toEqual([
          'apiVersion',
          'kind',
          'metadata',
        ]);
        expect(Object.keys((o as any).metadata).sort()).toEqual([
          'name',
          'namespace',
          'resourceVersion',
        ]);
      }
      expect(names(slim.list())).toEqual(['watched']);
      // Listed (upsert), watched (upsert), deleted: each told of once, transformed.
      expect(seen.filter(ours)).toHaveLength(3);
    } finally {
      slim.stop();
    }
  });
});
