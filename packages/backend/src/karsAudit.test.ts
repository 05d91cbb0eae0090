import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import {
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
import fs from 'fs';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { karsPermissionPolicyModule } from './karsPermissionPolicy';

jest.setTimeout(120_000);

/**
 * The fleet-wide audit route through the portal's own wiring: the real permission backend with the
 * portal's policy (only `kars.admins` may read the trail), and the kars plugin's database as the dev
 * portal configures it, a SQLite file that outlives a restart.
 */

const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy');
const SLACK = 'xoxb-4444-5555-PlAnTeDaUdItSeCrEt';
const SLACK_ROTATED = 'xoxb-6666-7777-RoTaTeDaUdItSeCrEt';

const GROUPS: Record<string, string[]> = {
  'user:default/ops': ['group:default/platform'],
  'user:default/jane': ['group:default/team-a'],
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

describe('GET /api/kars/audit in the portal', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-audit-'));
  const databaseDir = path.join(workDir, 'dev-database');
  const databaseFile = path.join(databaseDir, 'kars.sqlite');
  const ops = mockCredentials.user.header('user:default/ops');
  const jane = mockCredentials.user.header('user:default/jane');
  let baseUrl: string;
  let stop: (() => Promise<void>) | undefined;

  async function start() {
    const backend = await startTestBackend({
      features: [
        karsBackend,
        karsModuleEmbeddedCluster,
        permissionBackend,
        karsPermissionPolicyModule,
        databaseServiceFactory,
        userInfo,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            backend: {
              database: {
                client: 'better-sqlite3',
                connection: ':memory:',
                plugin: {
                  kars: {
                    connection: {
                      directory: databaseDir,
                      filename: 'kars.sqlite',
                    },
                  },
                },
              },
            },
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
  }

  const call = (
    pathAndQuery: string,
    auth?: string,
    init: { method?: string; body?: unknown } = {},
  ) =>
    fetch(`${baseUrl}${pathAndQuery}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(auth ? { Authorization: auth } : {}),
        ...(init.body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });

  beforeAll(start);
  afterAll(async () => {
    await stop?.();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('shows an admin who deleted a sandbox, once the sandbox is gone', async () => {
    const created = await call('/sandboxes', jane, {
      method: 'POST',
      body: {
        name: 'tenant-d',
        spec: { owner: 'group:default/team-a' },
        credentials: { SLACK_BOT_TOKEN: SLACK },
      },
    });
    expect(created.status).toBe(201);
    const rotated = await call('/sandboxes/tenant-d/credentials', ops, {
      method: 'PUT',
      body: { credentials: { SLACK_BOT_TOKEN: SLACK_ROTATED } },
    });
    expect(rotated.status).toBe(200);
    expect(
      (await call('/sandboxes/tenant-d', ops, { method: 'DELETE' })).status,
    ).toBe(202);
    // Gone once the reconciler's finalizer has removed its namespace; its own trail goes with it.
    for (let i = 0; i < 300; i++) {
      if ((await call('/sandboxes/tenant-d', ops)).status === 404) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect((await call('/sandboxes/tenant-d/events', ops)).status).toBe(404);

    const res = await call('/audit?sandbox=tenant-d', ops);
    expect(res.status).toBe(200);
    const text = await res.text();
    const page = JSON.parse(text);
    expect(page.items.map((e: any) => [e.actor, e.action, e.outcome])).toEqual([
      ['user:default/ops', 'delete', 'succeeded'],
      ['user:default/ops', 'credentials.update', 'succeeded'],
      ['user:default/jane', 'create', 'succeeded'],
      ['user:default/jane', 'credentials.update', 'succeeded'],
    ]);
    expect(page.items[0]).toMatchObject({
      sandbox: 'tenant-d',
      cluster: 'embedded',
      message: 'deleted from embedded',
    });
    expect(page.totalCount).toBe(4);
    expect(text).toContain('SLACK_BOT_TOKEN');
    for (const secret of [SLACK, SLACK_ROTATED]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }

    const deletes = await (
      await call('/audit?action=delete&actor=user%3Adefault%2Fops&limit=1', ops)
    ).json();
    expect(deletes.items.map((e: any) => e.sandbox)).toEqual(['tenant-d']);
    expect(deletes.nextCursor).toBeUndefined();
  });

  it('refuses a user who is no admin (403), a caller without a token (401), and a bad query (400 naming the field)', async () => {
    const denied = await call('/audit', jane);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.message).toBe(
      'user:default/jane may not read the audit trail',
    );
    expect((await call('/audit?limit=nope', jane)).status).toBe(403);
    expect((await call('/audit')).status).toBe(401);
    expect((await call('/audit', 'Bearer not-a-token')).status).toBe(401);

    const bad = await call('/audit?limit=0&since=yesterday&sort=id', ops);
    expect(bad.status).toBe(400);
    const message = (await bad.json()).error.message;
    expect(message).toContain('query.limit must be at least 1');
    expect(message).toContain('query.since');
    expect(message).toContain('query.sort is not a known field');
    expect((await call('/audit?cursor=1%20OR%201%3D1', ops)).status).toBe(400);
  });

  it('lets service callers read it, as the permission framework trusts services', async () => {
    const res = await call('/audit?limit=1', mockCredentials.service.header());
    expect(res.status).toBe(200);
  });

  it('keeps the trail in a file only its owner may read, across a restart', async () => {
    await stop!();
    stop = undefined;
    expect(fs.statSync(databaseFile).mode & 0o777).toBe(0o600);
    await start();
    const page = await (await call('/audit?sandbox=tenant-d', ops)).json();
    expect(page.totalCount).toBe(4);
    expect(page.items[0]).toMatchObject({
      actor: 'user:default/ops',
      action: 'delete',
    });
  });
});
