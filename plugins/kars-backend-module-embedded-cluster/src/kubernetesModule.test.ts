import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import path from 'path';
import request from 'supertest';
// The modules are tested inside the plugins they extend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import karsPlugin from '@kars-portal/plugin-kars-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import catalogModuleKars from '@kars-portal/plugin-catalog-backend-module-kars';
import karsModuleEmbeddedCluster, { kubernetesModuleEmbeddedCluster } from '.';

// The repository's deploy/ folder: tests run from their sources.
// eslint-disable-next-line no-restricted-syntax
const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy');

jest.setTimeout(180_000);

/** Polls until check returns a value, for at most timeoutMs. */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs} ms ${last ?? ''}`,
  );
}

describe('the Backstage Kubernetes plugin on the embedded cluster', () => {
  let server: any;
  let stop: () => Promise<void>;
  const scheduler = mockServices.scheduler();
  const guest = mockCredentials.user.header('user:default/guest');
  const proxy = (apiPath: string) =>
    request(server)
      .get(`/api/kubernetes/proxy${apiPath}`)
      .set('Authorization', guest)
      .set('Backstage-Kubernetes-Cluster', 'embedded');

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleKars,
        karsPlugin,
        karsModuleEmbeddedCluster,
        kubernetesPlugin,
        kubernetesModuleEmbeddedCluster,
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Component', 'API', 'Resource', 'System'] }],
              providers: {
                kars: {
                  schedule: {
                    frequency: { minutes: 10 },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
            kars: {
              demoTenants: true,
              clusters: [
                {
                  name: 'embedded',
                  type: 'embedded',
                  embedded: {
                    readyDelayMs: 100,
                    bootstrapManifests: DEPLOY_DIR,
                  },
                },
              ],
            },
            kubernetes: {
              serviceLocatorMethod: { type: 'singleTenant' },
              objectTypes: [
                'pods',
                'services',
                'configmaps',
                'deployments',
                'replicasets',
              ],
              clusterLocatorMethods: [{ type: 'config', clusters: [] }],
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    // The seed tenants, then their entities in the catalog.
    await eventually(
      async () => {
        const res = await request(server)
          .get('/api/kars/sandboxes')
          .set('Authorization', guest);
        return res.body.items?.length === 3 ? true : undefined;
      },
      60_000,
      'the seed tenants',
    );
    await scheduler.triggerTask('kars:refresh');
  });
  afterAll(async () => {
    await stop?.();
  });

  it('lists the embedded cluster under its kars name, without its token', async () => {
    const res = await request(server)
      .get('/api/kubernetes/clusters')
      .set('Authorization', guest);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'embedded',
        authProvider: 'serviceAccount',
      }),
    ]);
    expect(res.text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it("shows a seed tenant's agent entity its Running pod in its namespace, and nothing of other tenants", async () => {
    const entity = await eventually(
      async () => {
        const res = await request(server)
          .get('/api/catalog/entities/by-name/component/default/tenant-a-agent')
          .set('Authorization', guest);
        return res.status === 200 ? res.body : undefined;
      },
      30_000,
      'the entity component:default/tenant-a-agent',
    );
    const pods = await eventually(
      async () => {
        const res = await request(server)
          .post(`/api/kubernetes/services/tenant-a`)
          .set('Authorization', guest)
          .send({ entity });
        expect(res.status).toBe(200);
        const [cluster] = res.body.items;
        expect(cluster.cluster).toEqual({ name: 'embedded' });
        expect(cluster.errors).toEqual([]);
        const found = cluster.resources.find((r: any) => r.type === 'pods');
        return found?.resources.some((p: any) => p.status.phase === 'Running')
          ? found.resources
          : undefined;
      },
      60_000,
      "tenant-a's Running pod",
    );
    for (const pod of pods) {
      expect(pod.metadata.namespace).toBe('kars-tenant-a');
      expect(pod.metadata.labels['kars.azure.com/sandbox']).toBe('tenant-a');
    }
    expect(pods.map((p: any) => p.metadata.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tenant-a-/)]),
    );
  });

  it("reads the cluster as its own ServiceAccount, which may list the tenant's Events but read no Secret and no log", async () => {
    const review = await request(server)
      .post(
        '/api/kubernetes/proxy/apis/authentication.k8s.io/v1/selfsubjectreviews',
      )
      .set('Authorization', guest)
      .set('Backstage-Kubernetes-Cluster', 'embedded')
      .send({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      });
    expect(review.status).toBe(201);
    expect(review.body.status.userInfo.username).toBe(
      'system:serviceaccount:kars-system:kars-kubernetes-plugin',
    );

    const events = await proxy('/api/v1/namespaces/kars-tenant-a/events');
    expect(events.status).toBe(200);
    expect(events.body.items.length).toBeGreaterThan(0);

    const pods = await proxy('/api/v1/namespaces/kars-tenant-a/pods');
    const podName = pods.body.items[0].metadata.name;
    for (const forbidden of [
      '/api/v1/namespaces/kars-tenant-a/secrets',
      `/api/v1/namespaces/kars-tenant-a/pods/${podName}/log`,
      `/api/v1/namespaces/kars-tenant-a/pods/${podName}`,
      '/apis/kars.azure.com/v1alpha1/karssandboxes',
    ]) {
      const res = await proxy(forbidden);
      expect([forbidden, res.status]).toEqual([forbidden, 403]);
    }
  });
});
