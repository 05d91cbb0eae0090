import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { ClientNodeGateway } from '@kars-portal/plugin-kars-node';
import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_NODE_POOLS } from '@kars-portal/workload-simulator';
import { loopbackKubeConfig, nodePoolsOf } from './embeddedClusterConnector';

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

describe('nodePoolsOf', () => {
  const config = (nodes?: object) =>
    mockServices.rootConfig({ data: nodes ? { embedded: { nodes } } : {} });

  it('keeps the simulator pools unless embedded.nodes sizes them', () => {
    expect(nodePoolsOf(config())).toBe(DEFAULT_NODE_POOLS);
    const pools = nodePoolsOf(
      config({ perPool: 60, cpu: '64', memory: '256Gi' }),
    );
    expect(pools.map(p => [p.name, p.nodes, p.capacity])).toEqual([
      ['sandbox', 60, { cpu: '64', memory: '256Gi', pods: '110' }],
      ['sandbox-kata', 60, { cpu: '64', memory: '256Gi', pods: '110' }],
    ]);
  });

  it.each([0, 121, 2.5])('refuses %p nodes per pool', perPool => {
    expect(() => nodePoolsOf(config({ perPool }))).toThrow(
      'embedded.nodes.perPool must be a whole number from 1 to 120',
    );
  });
});
