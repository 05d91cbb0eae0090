import {
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { karsSandboxReadPermission } from '@kars-portal/plugin-kars-common';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { randomUUID } from 'crypto';
import request from 'supertest';
import { eventually } from './__testUtils__/backend';
import {
  createKarsSandboxConditionalDecision,
  karsSandboxConditions,
} from './permissions';
import { karsPlugin } from './plugin';

jest.setTimeout(120_000);

/** Who belongs to which group, as the catalog would say. */
const GROUPS: Record<string, string[]> = {
  'user:default/jane': ['group:default/team-a'],
  'user:default/eve': ['group:default/team-b'],
  'user:default/bob': ['group:default/team-b'],
};

/**
 * The portal policy's strictest reading of the fleet list: ops may read every sandbox; any other
 * user only those owned by them or one of their groups (a conditional decision on IS_SANDBOX_OWNER).
 * Each answer carries a new id, as the permission client's answers do.
 */
const readPolicy: PermissionsService = {
  authorize: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
  authorizeConditional: async (requests, { credentials }) => {
    const user = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return requests.map(() => ({
      id: randomUUID(),
      ...(user === 'user:default/ops'
        ? { result: AuthorizeResult.ALLOW }
        : createKarsSandboxConditionalDecision(
            karsSandboxReadPermission,
            karsSandboxConditions.isSandboxOwner({
              claims: [user, ...(GROUPS[user] ?? [])],
            }),
          )),
    })) as any;
  },
};

/**
 * `GET /sandboxes` answers a weak ETag of the caller's view and 304 to it while that view stands:
 * through the real route with conditional decisions, on each cluster target.
 */
describe.each(clusterTargetNames())('GET /sandboxes ETags on the %s', name => {
  let target: ClusterTarget;
  let server: any;
  let stop: () => Promise<void>;
  const ops = mockCredentials.user.header('user:default/ops');
  const jane = mockCredentials.user.header('user:default/jane');
  const eve = mockCredentials.user.header('user:default/eve');
  const bob = mockCredentials.user.header('user:default/bob');

  const list = (auth: string, query = '', etag?: string) => {
    const req = request(server)
      .get(`/api/kars/sandboxes${query}`)
      .set('Authorization', auth);
    return etag ? req.set('If-None-Match', etag) : req;
  };
  const names = (res: { body: { items: Array<{ name: string }> } }) =>
    res.body.items.map(i => i.name);

  beforeAll(async () => {
    target = await startClusterTarget(name);
    const backend = await startTestBackend({
      features: [
        karsPlugin,
        mockServices.rootConfig.factory({
          data: {
            kars: {
              clusters: [
                {
                  name: 'primary',
                  type: 'kubeconfig',
                  kubeconfigPath: target.backendKubeconfigPath,
                },
              ],
            },
          },
        }),
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => readPolicy,
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    for (const [tenant, owner] of [
      ['tenant-a', 'group:default/team-a'],
      ['tenant-b', 'group:default/team-b'],
    ]) {
      const res = await request(server)
        .post('/api/kars/sandboxes')
        .set('Authorization', ops)
        .send({ name: tenant, spec: { owner } });
      if (res.status !== 201) throw new Error(`create ${tenant}: ${res.text}`);
    }
  });

  afterAll(async () => {
    await stop?.();
    await target?.stop();
  });

  /**
   * A list, and a 304 to each If-None-Match made of its ETag right after (the reconciler's status
   * writes may change the list between them at first: asked again until it settles).
   */
  const settled = (
    auth: string,
    query = '',
    ifNoneMatch = (etag: string) => [etag],
  ) =>
    eventually(`a 304 for ${query}`, async () => {
      const res = await list(auth, query);
      const again = [];
      for (const header of ifNoneMatch(res.headers.etag)) {
        again.push(await list(auth, query, header));
      }
      return again.every(r => r.status === 304) && { first: res, again };
    });

  it('answers a weak private ETag, and 304 without a body to it while nothing changed', async () => {
    const {
      first,
      again: [again],
    } = await settled(jane, '?sort=name', etag => [etag, `"x", ${etag}`]);
    expect(first.status).toBe(200);
    expect(names(first)).toEqual(['tenant-a']);
    expect(first.headers.etag).toMatch(/^W\/"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    const otherQuery = await list(jane, '?sort=model', first.headers.etag);
    expect(otherQuery.status).toBe(200);
    expect(otherQuery.headers.etag).not.toBe(first.headers.etag);
  });

  it("never answers 304 to another caller's ETag: each gets their own view", async () => {
    const janes = await list(jane);
    for (const other of [eve, bob, ops]) {
      const res = await list(other, '', janes.headers.etag);
      expect(res.status).toBe(200);
      expect(res.headers.etag).not.toBe(janes.headers.etag);
      expect(names(res)).toEqual(
        other === ops ? ['tenant-a', 'tenant-b'] : ['tenant-b'],
      );
    }
    // eve and bob see the same sandboxes, and still never share a tag
    const eves = (await settled(eve)).first;
    const bobs = await list(bob, '', eves.headers.etag);
    expect(bobs.status).toBe(200);
    expect(names(bobs)).toEqual(names(eves));
    expect(bobs.headers.etag).not.toBe(eves.headers.etag);
  });

  it('changes the ETag when the fleet changes, and answers the new list to the old tag', async () => {
    const before = await list(eve);
    const created = await request(server)
      .post('/api/kars/sandboxes')
      .set('Authorization', ops)
      .send({ name: 'tenant-c', spec: { owner: 'group:default/team-b' } });
    expect(created.status).toBe(201);
    const after = await eventually('tenant-c listed for eve', async () => {
      const res = await list(eve, '', before.headers.etag);
      return res.status === 200 && names(res).includes('tenant-c') && res;
    });
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(names(after)).toEqual(['tenant-b', 'tenant-c']);
    expect(names((await settled(eve)).first)).toEqual(['tenant-b', 'tenant-c']);
  });

  it('answers a bad query 400, whatever ETag comes with it', async () => {
    const { first } = await settled(jane);
    for (const etag of [first.headers.etag, '*']) {
      expect((await list(jane, '?sort=size', etag)).status).toBe(400);
    }
  });
});
