import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The test runs the real kars backend beside the catalog, as the portal's backend does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import karsPlugin from '@kars-portal/plugin-kars-backend';
import request from 'supertest';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import catalogModuleKars from './module';

jest.setTimeout(180_000);

const SLACK = 'xoxb-4242-4242-SeCrEtSlAcKvAlUeFoRcAtAlOg';

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

describe.each(clusterTargetNames())(
  'the kars catalog module with the real catalog and kars backends on the %s',
  targetName => {
    let target: ClusterTarget;
    let server: any;
    let stopBackend: () => Promise<void>;
    const scheduler = mockServices.scheduler();
    const jane = mockCredentials.user.header('user:default/jane');

    const kars = {
      get: (path: string) =>
        request(server).get(`/api/kars${path}`).set('Authorization', jane),
      post: (path: string, body: object) =>
        request(server)
          .post(`/api/kars${path}`)
          .set('Authorization', jane)
          .send(body),
      delete: (path: string) =>
        request(server).delete(`/api/kars${path}`).set('Authorization', jane),
    };
    const entity = async (kind: string, name: string) => {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/${kind}/default/${name}`)
        .set('Authorization', jane);
      return res.status === 200 ? (res.body as Entity) : undefined;
    };
    const relations = (e: Entity) =>
      (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`).sort();

    beforeAll(async () => {
      target = await startClusterTarget(targetName, { simulator: false });
      const backend = await startTestBackend({
        features: [
          catalogPlugin,
          karsPlugin,
          catalogModuleKars,
          // The real events service: one local bus shared by every plugin, as in production.
          eventsServiceFactory,
          // One scheduler for every plugin, so the test can run the provider's full run itself.
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
          mockServices.rootConfig.factory({
            data: {
              events: { useEventBus: 'never' },
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
                clusters: [
                  {
                    name: 'primary',
                    type: 'kubeconfig',
                    kubeconfigPath: target.backendKubeconfigPath,
                  },
                ],
                agentCardProvider: {
                  organization: 'Contoso',
                  url: 'https://contoso.example',
                },
              },
            },
          }),
        ],
      });
      server = backend.server;
      stopBackend = () => backend.stop();
      await scheduler.triggerTask('kars:refresh');
    });

    afterAll(async () => {
      await stopBackend?.();
      await target?.stop();
    });

    it('publishes the System kars from the first full run', async () => {
      const system = await eventually(
        () => entity('system', 'kars'),
        30_000,
        'the System',
      );
      expect(system.spec?.owner).toBe('group:default/platform');
    });

    it('shows a new sandbox as its three entities within seconds, with their relations', async () => {
      const created = await kars.post('/sandboxes', {
        name: 'tenant-a',
        spec: {
          owner: 'group:default/team-a',
          model: 'gpt-4.1',
          sandbox: { isolation: 'enhanced' },
          a2a: { enabled: true, description: 'Answers invoice questions' },
        },
        credentials: { SLACK_BOT_TOKEN: SLACK },
      });
      expect(created.status).toBe(201);
      const started = Date.now();

      const api = await eventually(
        async () => {
          const e = await entity('api', 'tenant-a-agent-card');
          return e?.relations?.length ? e : undefined;
        },
        20_000,
        'the API entity',
      );
      const component = await eventually(
        async () => {
          const e = await entity('component', 'tenant-a-agent');
          return e &&
            relations(e).includes('providesApi api:default/tenant-a-agent-card')
            ? e
            : undefined;
        },
        20_000,
        'the Component with its relations',
      );
      const resource = await eventually(
        async () => {
          const e = await entity('resource', 'tenant-a');
          return e &&
            relations(e).includes(
              'dependencyOf component:default/tenant-a-agent',
            )
            ? e
            : undefined;
        },
        20_000,
        'the Resource with its relations',
      );
      expect(Date.now() - started).toBeLessThan(20_000);

      expect(relations(resource)).toEqual([
        'dependencyOf component:default/tenant-a-agent',
        'ownedBy group:default/team-a',
        'partOf system:default/kars',
      ]);
      expect(relations(component)).toEqual([
        'dependsOn resource:default/tenant-a',
        'ownedBy group:default/team-a',
        'partOf system:default/kars',
        'providesApi api:default/tenant-a-agent-card',
      ]);
      expect(relations(api)).toEqual(
        expect.arrayContaining([
          'apiProvidedBy component:default/tenant-a-agent',
          'ownedBy group:default/team-a',
          'partOf system:default/kars',
        ]),
      );
      expect(resource.spec).toMatchObject({
        type: 'kars-sandbox',
        lifecycle: 'production',
      });
      expect(resource.metadata.annotations).toMatchObject({
        'kars.azure.com/sandbox': 'tenant-a',
        'kars.azure.com/cluster': 'primary',
        'kars.azure.com/isolation': 'enhanced',
        'kars.azure.com/model': 'gpt-4.1',
        'backstage.io/kubernetes-id': 'tenant-a',
        'backstage.io/kubernetes-namespace': 'kars-tenant-a',
        'backstage.io/kubernetes-label-selector':
          'kars.azure.com/sandbox=tenant-a',
        'backstage.io/kubernetes-cluster': 'primary',
        'backstage.io/managed-by-location': 'kars:primary/tenant-a',
      });
      // The agent opens the same Kubernetes tab as its sandbox.
      expect(component.metadata.annotations).toMatchObject({
        'backstage.io/kubernetes-id': 'tenant-a',
        'backstage.io/kubernetes-namespace': 'kars-tenant-a',
        'backstage.io/kubernetes-label-selector':
          'kars.azure.com/sandbox=tenant-a',
        'backstage.io/kubernetes-cluster': 'primary',
      });
      expect(resource.metadata.tags).toEqual(['enhanced', 'gpt-4-1']);

      // The card in the catalog is the document the backend serves.
      const card = await kars.get('/sandboxes/tenant-a/agent-card');
      expect(card.status).toBe(200);
      expect(JSON.parse(api.spec?.definition as string)).toEqual(card.body);
      expect(card.body.provider).toEqual({
        organization: 'Contoso',
        url: 'https://contoso.example',
      });

      // No live state, no secret.
      const text = JSON.stringify([resource, component, api]);
      expect(text).not.toContain(SLACK);
      expect(text).not.toMatch(/"(phase|conditions|credentialKeys)"/);
    });

    it('removes the three entities once the sandbox is deleted', async () => {
      const deleted = await kars.delete('/sandboxes/tenant-a');
      expect(deleted.status).toBe(202);
      await eventually(
        async () => {
          const left = await Promise.all([
            entity('resource', 'tenant-a'),
            entity('component', 'tenant-a-agent'),
            entity('api', 'tenant-a-agent-card'),
          ]);
          return left.every(e => e === undefined) ? true : undefined;
        },
        60_000,
        'the removal of the three entities',
      );
      expect(await entity('system', 'kars')).toBeDefined();
    });

    it('emits no card for a sandbox with A2A off, and a full run keeps what events brought', async () => {
      const created = await kars.post('/sandboxes', {
        name: 'tenant-b',
        spec: { model: 'Phi-4', a2a: { enabled: false } },
      });
      expect(created.status).toBe(201);
      const component = await eventually(
        async () => {
          const e = await entity('component', 'tenant-b-agent');
          return e?.relations?.length ? e : undefined;
        },
        20_000,
        'the Component',
      );
      expect(relations(component)).toEqual([
        'dependsOn resource:default/tenant-b',
        // The backend makes the creator the owner of a sandbox that names none.
        'ownedBy user:default/jane',
        'partOf system:default/kars',
      ]);
      expect(await entity('api', 'tenant-b-agent-card')).toBeUndefined();

      await scheduler.triggerTask('kars:refresh');
      await new Promise(r => setTimeout(r, 2000));
      expect(await entity('resource', 'tenant-b')).toBeDefined();
      expect(await entity('component', 'tenant-b-agent')).toBeDefined();
      expect(await entity('api', 'tenant-b-agent-card')).toBeUndefined();
      expect(await entity('resource', 'tenant-a')).toBeUndefined();
    });
  },
);
