import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { ClientNodeGateway } from '@kars-portal/plugin-kars-node';
import { loopbackKubeConfig } from './embeddedCluster';

describe('loopbackKubeConfig', () => {
  it('reaches the emulator over plain HTTP with its admin token, and nobody without it', async () => {
    const emulator = await startKubeEmulator({ port: 0 });
    try {
      const tls = new KubeConfig();
      tls.loadFromString(emulator.kubeconfigYaml);
      const loopback = loopbackKubeConfig(tls, emulator.url);
      expect(loopback.getCurrentCluster()?.server).toBe(emulator.url);
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const gateway = new ClientNodeGateway(loopback);
      await gateway.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'over-http', namespace: 'default' },
        data: { from: 'loopback' },
      });
      const read = await new ClientNodeGateway(tls).get<any>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'over-http',
        namespace: 'default',
      });
      expect(read?.data).toEqual({ from: 'loopback' });

      const anonymous = await fetch(
        `${emulator.url}/api/v1/namespaces/default/configmaps`,
      );
      expect([401, 403]).toContain(anonymous.status);
    } finally {
      await emulator.stop();
    }
  });
});
