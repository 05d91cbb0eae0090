import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { startKubeTestenv } from '@kars-portal/kube-testenv';
import { Collection, KubeClient } from './kube';
import { eventually, targetNames } from './__testUtils__/cluster';

jest.setTimeout(120_000);

const configMap = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { 'kube-test': 'yes' } },
});

describe.each(targetNames())('Collection on %s', name => {
  let stop: () => Promise<void>;
  let client: KubeClient;

  beforeAll(async () => {
    const target =
      name === 'emulator'
        ? await startKubeEmulator({ port: 0 })
        : await startKubeTestenv();
    stop = () => target.stop();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(target.kubeconfigPath);
    client = new KubeClient(kubeConfig);
    for (const ns of ['kube-a', 'kube-b'])
      await client.create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      });
  });

  afterAll(async () => {
    client.close();
    await stop();
  });

  it('resumes an ended watch from the last version it saw, without listing again', async () => {
    const changes: Array<string | undefined> = [];
    const collection = new Collection(
      client,
      '/api/v1/configmaps',
      'kube-test=yes',
      namespace => changes.push(namespace),
      1,
    );
    await collection.start();
    try {
      expect(changes).toEqual([undefined]);
      // Three watches of a second each end while nothing changes.
      await new Promise(r => setTimeout(r, 3500));
      await client.create(
        '/api/v1/namespaces/kube-a/configmaps',
        configMap('kube-a', 'one'),
      );
      await client.create(
        '/api/v1/namespaces/kube-b/configmaps',
        configMap('kube-b', 'two'),
      );
      await eventually(async () => expect(collection.size).toBe(2));
      expect(changes).toEqual([undefined, 'kube-a', 'kube-b']);
      expect(
        collection.inNamespace('kube-a').map(o => o.metadata.name),
      ).toEqual(['one']);
      expect(collection.namespaces().sort()).toEqual(['kube-a', 'kube-b']);
      await client.delete('/api/v1/namespaces/kube-a/configmaps/one');
      await eventually(async () =>
        expect(collection.namespaces()).toEqual(['kube-b']),
      );
      expect(collection.inNamespace('kube-a')).toEqual([]);
    } finally {
      collection.stop();
    }
  });
});
