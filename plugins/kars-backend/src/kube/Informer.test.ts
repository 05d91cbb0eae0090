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
});
