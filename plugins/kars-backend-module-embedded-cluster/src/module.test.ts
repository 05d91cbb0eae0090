import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
// The module is tested inside the plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import karsPlugin from '@kars-portal/plugin-kars-backend';
import karsModuleEmbeddedCluster from './index';

// The repository's deploy/ folder: tests run from their sources.
// eslint-disable-next-line no-restricted-syntax
const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy');

jest.setTimeout(120_000);

describe('the dev portal: an embedded cluster with the demo tenants', () => {
  let server: any;
  let stop: () => Promise<void>;
  const guest = mockCredentials.user.header('user:default/guest');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-embedded-'));
  const kubeconfigFile = path.join(workDir, 'cache', 'embedded.kubeconfig');

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        karsPlugin,
        karsModuleEmbeddedCluster,
        mockServices.rootConfig.factory({
          data: {
            kars: {
              demoTenants: true,
              clusters: [
                {
                  name: 'embedded',
                  type: 'embedded',
                  embedded: {
                    readyDelayMs: 100,
                    bootstrapManifests: DEPLOY_DIR,
                    kubeconfigFile,
                  },
                },
              ],
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });
  afterAll(async () => {
    await stop?.();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('says the cluster is embedded and its workload signals simulated', async () => {
    const res = await request(server)
      .get('/api/kars/cluster')
      .set('Authorization', guest);
    expect(res.body.clusters).toEqual([
      expect.objectContaining({
        name: 'embedded',
        embedded: true,
        simulated: true,
        default: true,
      }),
    ]);
  });

  it('writes a private kubeconfig through which kubectl-like clients reach the same cluster', async () => {
    expect(fs.statSync(kubeconfigFile).mode & 0o777).toBe(0o600);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigFile);
    const namespaces = await kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespace();
    expect(namespaces.items.map(n => n.metadata?.name)).toContain(
      'kars-system',
    );
  });

  it('creates the three seed tenants on first start, and they reach Running', async () => {
    const deadline = Date.now() + 60_000;
    let items: any[] = [];
    while (Date.now() < deadline) {
      const res = await request(server)
        .get('/api/kars/sandboxes')
        .set('Authorization', guest);
      items = res.body.items ?? [];
      if (items.length === 3 && items.every(i => i.phase === 'Running')) break;
      await new Promise(r => setTimeout(r, 250));
    }
    expect(items.map(i => [i.name, i.isolation, i.model, i.phase])).toEqual([
      ['tenant-a', 'enhanced', 'gpt-4.1', 'Running'],
      ['tenant-b', 'confidential', 'Phi-4', 'Running'],
      ['tenant-c', 'standard', 'gpt-4o', 'Running'],
    ]);
    const a = await request(server)
      .get('/api/kars/sandboxes/tenant-a')
      .set('Authorization', guest);
    expect(a.body.credentialKeys).toEqual([
      'SLACK_BOT_TOKEN',
      'TELEGRAM_BOT_TOKEN',
    ]);
    expect(a.text).not.toContain('DEMO-fake');
  });

  it("runs each seed tenant's pod, read back through the kubeconfig it writes (kubectl get pods -A): Running, tenant-b's on a Kata node", async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigFile);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const deadline = Date.now() + 60_000;
    let pods: any[] = [];
    while (Date.now() < deadline) {
      pods = (await core.listPodForAllNamespaces()).items.filter(p =>
        p.metadata?.namespace?.startsWith('kars-tenant-'),
      );
      if (
        pods.length === 3 &&
        pods.every(p =>
          p.status?.conditions?.some(
            (c: any) => c.type === 'Ready' && c.status === 'True',
          ),
        )
      )
        break;
      await new Promise(r => setTimeout(r, 250));
    }
    const rows = await Promise.all(
      pods.map(async p => {
        const node = await core.readNode({ name: p.spec.nodeName });
        return [
          p.metadata.namespace,
          p.status.phase,
          node.metadata?.labels?.['kars.azure.com/pool'],
          node.metadata?.labels?.['katacontainers.io/kata-runtime'],
        ];
      }),
    );
    expect(rows.sort()).toEqual([
      ['kars-tenant-a', 'Running', 'sandbox', undefined],
      ['kars-tenant-b', 'Running', 'sandbox-kata', 'true'],
      ['kars-tenant-c', 'Running', 'sandbox', undefined],
    ]);
    const b = pods.find(p => p.metadata.namespace === 'kars-tenant-b');
    expect(b.spec.runtimeClassName).toBe('kata-vm-isolation');
    const log = await core.readNamespacedPodLog({
      name: b.metadata.name,
      namespace: 'kars-tenant-b',
      container: 'inference-router',
      tailLines: 50,
    });
    expect(JSON.parse(log.split('\n')[0])).toMatchObject({
      msg: 'inference router starting',
      sandbox: 'tenant-b',
      model: 'Phi-4',
    });
  });

  it('enforces the CEL of deploy/: an InferencePolicy above the content-safety floor and a sandbox named system are refused, and nothing is stored', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigFile);
    const objects = kubeConfig.makeApiClient(KubernetesObjectApi);
    const refusal = async (body: any) => {
      try {
        await objects.create(body);
      } catch (e: any) {
        return { code: e.code, message: JSON.parse(e.body).message };
      }
      throw new Error(`${body.kind} ${body.metadata.name} was accepted`);
    };
    const policy = await refusal({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'InferencePolicy',
      metadata: { name: 'lenient', namespace: 'kars-tenant-a' },
      spec: {
        appliesTo: { sandboxName: 'tenant-a' },
        modelPreference: { primary: { deployment: 'gpt-4.1' } },
        contentSafety: { hate: 'High' },
      },
    });
    // A ValidatingAdmissionPolicy denial is a 403, as kube-apiserver words it.
    expect(policy.code).toBe(403);
    expect(policy.message).toContain(
      "ValidatingAdmissionPolicy 'kars-content-safety-floor' with binding 'kars-content-safety-floor-binding' denied request: content safety is less strict than the cluster floor Medium",
    );
    const system = await refusal({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      metadata: { name: 'system', namespace: 'kars-system' },
      spec: {},
    });
    expect(system).toEqual({
      code: 422,
      message: expect.stringMatching(
        /^KarsSandbox.kars.azure.com "system" is invalid: /,
      ),
    });
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await expect(
      objects.read({
        apiVersion: 'kars.azure.com/v1alpha1',
        kind: 'InferencePolicy',
        metadata: { name: 'lenient', namespace: 'kars-tenant-a' },
      }),
    ).rejects.toMatchObject({ code: 404 });
    await expect(
      core.readNamespace({ name: 'kars-system' }),
    ).resolves.toBeDefined();
  });
});

describe('an embedded cluster is never a production one', () => {
  it('refuses to start one marked production, naming the cluster', async () => {
    await expect(
      startTestBackend({
        features: [
          karsPlugin,
          karsModuleEmbeddedCluster,
          mockServices.rootConfig.factory({
            data: {
              kars: {
                clusters: [{ name: 'dev', type: 'embedded', production: true }],
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'kars.clusters[dev]: an embedded cluster cannot be a production cluster',
    );
  });
});
