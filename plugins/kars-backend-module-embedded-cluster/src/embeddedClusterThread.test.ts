import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeGateway } from '@kars-portal/plugin-kars-node';
import { DEFAULT_NODE_POOLS } from '@kars-portal/workload-simulator';
import { EmbeddedClusterOptions, loopbackKubeConfig } from './embeddedCluster';
import { startEmbeddedClusterThread } from './embeddedClusterThread';

jest.setTimeout(60_000);

describe('startEmbeddedClusterThread', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-thread-'));
  const options = (more: Partial<EmbeddedClusterOptions> = {}) => ({
    nodePools: DEFAULT_NODE_POOLS,
    readyDelayMs: 100,
    gatewayPort: 0,
    ...more,
  });
  const failures: Error[] = [];
  const onFailure = (error: Error) => failures.push(error);
  const gatewayOf = (kubeconfigYaml: string, url: string) => {
    const tls = new KubeConfig();
    tls.loadFromString(kubeconfigYaml);
    return new ClientNodeGateway(loopbackKubeConfig(tls, url));
  };

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('runs the cluster in another thread, applies the bootstrap manifests and keeps its state across a restart', async () => {
    const bootstrap = path.join(workDir, 'bootstrap');
    fs.mkdirSync(bootstrap);
    fs.writeFileSync(
      path.join(bootstrap, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: from-bootstrap }\n',
    );
    const stateFile = path.join(workDir, 'state.json');
    const kubeconfigFile = path.join(workDir, 'kubeconfig');
    const first = await startEmbeddedClusterThread(
      options({ stateFile, kubeconfigFile, bootstrapManifests: bootstrap }),
      onFailure,
    );
    const gateway = gatewayOf(first.kubeconfigYaml, first.url);
    expect(
      await gateway.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'from-bootstrap',
      }),
    ).toMatchObject({ metadata: { name: 'from-bootstrap' } });
    // The simulator of that thread registered its nodes.
    const nodes = await gateway.list('v1', 'Node', {});
    expect(nodes.items.length).toBeGreaterThan(0);
    expect(fs.readFileSync(kubeconfigFile, 'utf8')).toBe(first.kubeconfigYaml);
    expect(first.kubeconfigPath).toBe(kubeconfigFile);
    await gateway.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kept', namespace: 'default' },
      data: { from: 'the first run' },
    });
    // Served by another thread: it answers while this one is blocked waiting for the answer.
    const status = execFileSync(
      process.execPath,
      [
        '-e',
        `fetch('${first.url}/version').then(r => process.stdout.write(String(r.status)))`,
      ],
      { timeout: 20_000, encoding: 'utf8' },
    );
    expect(status).toBe('200');
    await first.stop();
    await expect(fetch(`${first.url}/version`)).rejects.toThrow();

    const second = await startEmbeddedClusterThread(
      options({ stateFile }),
      onFailure,
    );
    try {
      const read = await gatewayOf(second.kubeconfigYaml, second.url).get<any>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'kept',
        namespace: 'default',
      });
      expect(read?.data).toEqual({ from: 'the first run' });
    } finally {
      await second.stop();
    }
    expect(failures).toEqual([]);
  });

  it('starts in a backend given process-wide Node options, which Node refuses for a thread', () => {
    const script = `
      const { startEmbeddedClusterThread } = require(${JSON.stringify(
        require.resolve('./embeddedClusterThread'),
      )});
      const { DEFAULT_NODE_POOLS } = require(${JSON.stringify(
        require.resolve('@kars-portal/workload-simulator'),
      )});
      startEmbeddedClusterThread(
        { nodePools: DEFAULT_NODE_POOLS, readyDelayMs: 100, gatewayPort: 0 },
        error => { throw error; },
      ).then(async cluster => {
        const res = await fetch(cluster.url + '/version');
        await cluster.stop();
        process.stdout.write(String(res.status));
      });`;
    const status = execFileSync(
      process.execPath,
      [
        '--max-old-space-size=2048',
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        '-e',
        script,
      ],
      { timeout: 60_000, encoding: 'utf8' },
    );
    expect(status).toBe('200');
  });

  it('fails to start with the error the cluster met in its thread', async () => {
    const missing = path.join(workDir, 'no-such-folder');
    await expect(
      startEmbeddedClusterThread(
        options({ bootstrapManifests: missing }),
        onFailure,
      ),
    ).rejects.toThrow(/no-such-folder/);
    expect(failures).toEqual([]);
  });
});
