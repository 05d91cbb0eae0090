import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionBackend from '@backstage/plugin-permission-backend';
import karsBackend from '@kars-portal/plugin-kars-backend';
import karsModuleEmbeddedCluster from '@kars-portal/plugin-kars-backend-module-embedded-cluster';
import { AddressInfo } from 'net';
import path from 'path';
import { karsPermissionPolicyModule } from './karsPermissionPolicy';

jest.setTimeout(120_000);

/**
 * `GET /api/kars/sandboxes/:name/logs` through the portal's own wiring (the real permission backend
 * with the portal's policy, the embedded cluster and its simulated workloads), attacked from
 * outside: only the owning team and the admins read a sandbox's logs.
 */

const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy');

const GROUPS: Record<string, string[]> = {
  'user:default/ops': ['group:default/platform'],
  'user:default/jane': ['group:default/team-a'],
  'user:default/joe': ['group:default/team-b'],
};

/** Who belongs to which group, as the catalog would say. */
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const { userEntityRef } = credentials.principal as {
        userEntityRef: string;
      };
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...(GROUPS[userEntityRef] ?? [])],
      };
    },
  }),
});

/**
 * The test backend's auth, except that a token a plugin gets on behalf of a user names that plugin
 * as its actor, as the real auth service's tokens do: the permission backend asks the kars plugin
 * to apply a conditional decision with such a token, and a user token without an actor is refused
 * there (the mock's tokens have none, so every owner check would fail).
 */
const actorAuth = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const mock = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(mock), {
      async getPluginRequestToken(
        options: Parameters<AuthService['getPluginRequestToken']>[0],
      ) {
        const { principal } = options.onBehalfOf;
        if (!mock.isPrincipal(options.onBehalfOf, 'user')) {
          return mock.getPluginRequestToken(options);
        }
        return {
          token: mockCredentials.user.token(
            (principal as { userEntityRef: string }).userEntityRef,
            { actor: { subject: `plugin:${plugin.getId()}` } },
          ),
        };
      },
    });
  },
});

describe('GET /api/kars/sandboxes/:name/logs in the portal', () => {
  const jane = mockCredentials.user.header('user:default/jane');
  const joe = mockCredentials.user.header('user:default/joe');
  const ops = mockCredentials.user.header('user:default/ops');
  let baseUrl: string;
  let stop: (() => Promise<void>) | undefined;

  const call = (pathAndQuery: string, auth?: string) =>
    fetch(`${baseUrl}${pathAndQuery}`, {
      headers: auth ? { Authorization: auth } : {},
    });

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        karsBackend,
        karsModuleEmbeddedCluster,
        permissionBackend,
        karsPermissionPolicyModule,
        userInfo,
        actorAuth,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            kars: {
              admins: ['group:default/platform'],
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
          },
        }),
      ],
    });
    baseUrl = `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }/api/kars`;
    stop = () => backend.stop();
    const created = await fetch(`${baseUrl}/sandboxes`, {
      method: 'POST',
      headers: { Authorization: jane, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'tenant-l',
        spec: { owner: 'group:default/team-a' },
      }),
    });
    if (created.status !== 201) {
      throw new Error(`tenant-l was not created: ${created.status}`);
    }
    let last = '';
    for (let i = 0; i < 600; i++) {
      const res = await call('/sandboxes/tenant-l/logs?tailLines=1', jane);
      const text = await res.text();
      if (res.status === 200 && text.length > 0) return;
      last = `${res.status} ${text}`;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`tenant-l never had logs: ${last}`);
  });
  afterAll(async () => {
    await stop?.();
  });

  it('lets the owning team and the admins read the logs', async () => {
    for (const who of [jane, ops]) {
      const res = await call('/sandboxes/tenant-l/logs?tailLines=3', who);
      expect(res.status).toBe(200);
      expect((await res.text()).trimEnd().split('\n')).toHaveLength(3);
    }
  });

  it('refuses another team (403), a caller without a token or with a forged one (401) and a service (403)', async () => {
    const denied = await call('/sandboxes/tenant-l/logs', joe);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.message).toBe(
      'user:default/joe may not read sandbox tenant-l',
    );
    // Another team may still read the sandbox itself: only its logs are the owners'.
    expect((await call('/sandboxes/tenant-l', joe)).status).toBe(200);
    // Refused before the query is looked at: a bad query does not tell a 400 from a 403.
    expect(
      (await call('/sandboxes/tenant-l/logs?tailLines=0', joe)).status,
    ).toBe(403);
    expect((await call('/sandboxes/tenant-l/logs')).status).toBe(401);
    expect(
      (await call('/sandboxes/tenant-l/logs', 'Bearer not-a-token')).status,
    ).toBe(401);
    const service = await call(
      '/sandboxes/tenant-l/logs',
      mockCredentials.service.header(),
    );
    expect(service.status).toBe(403);
    expect(await service.text()).not.toContain('openclaw');
  });
});
