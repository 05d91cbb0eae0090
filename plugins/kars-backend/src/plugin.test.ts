import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  KARS_ANNOTATIONS,
  Sandbox,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import request from 'supertest';
import { karsPlugin } from './plugin';
import { isSandboxOwner } from './permissions';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { capturingLogger } from './__testUtils__/backend';

jest.setTimeout(120_000);

const SLACK = 'xoxb-1111-2222-SeCrEtSlAcKvAlUe';
const TELEGRAM = '123456789:AAH-SeCrEtTeLeGrAmVaLuE-0123456789ab';

/**
 * A permission policy like the portal's: everyone may read and create; jane (an admin here) and
 * service callers may do anything; other users may change, rotate or delete only sandboxes they own,
 * judged by the real IS_SANDBOX_OWNER rule on the KarsSandbox as the cluster holds it.
 */
function ownerPolicy(getTarget: () => ClusterTarget): PermissionsService {
  const decide = async (
    req: { permission: any; resourceRef?: string },
    credentials: BackstageCredentials,
  ) => {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user') return AuthorizeResult.ALLOW;
    const user = principal.userEntityRef!;
    if (user === 'user:default/jane') return AuthorizeResult.ALLOW;
    if (
      !isResourcePermission(req.permission) ||
      req.permission.attributes.action === 'read' ||
      !req.resourceRef
    ) {
      return AuthorizeResult.ALLOW;
    }
    const object = await getTarget().admin.get<any>({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name: req.resourceRef,
      namespace: 'kars-system',
    });
    const sandbox = { spec: { owner: object?.spec?.owner } } as Sandbox;
    return isSandboxOwner.apply(sandbox, { claims: [user] })
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  };
  return {
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(async r => ({
          result: await decide(r as any, credentials),
        })),
      ) as any,
    authorizeConditional: async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
  };
}

const tenants = {
  'tenant-a': {
    sandbox: { isolation: 'enhanced' },
    model: 'gpt-4.1',
    owner: 'group:default/team-a',
  },
  'tenant-b': {
    sandbox: { isolation: 'confidential' },
    model: 'Phi-4',
    owner: 'group:default/team-b',
  },
  'tenant-c': {
    sandbox: { isolation: 'standard' },
    model: 'gpt-4o',
    owner: 'group:default/team-c',
  },
} as const;

describe.each(clusterTargetNames())('kars REST API on the %s', targetName => {
  let target: ClusterTarget;
  let server: any;
  let stopBackend: () => Promise<void>;
  const logLines: string[] = [];
  const bodies: string[] = [];
  const jane = mockCredentials.user.header('user:default/jane');

  const api = () => ({
    get: (path: string) =>
      request(server).get(`/api/kars${path}`).set('Authorization', jane),
    post: (path: string, body: unknown) =>
      request(server)
        .post(`/api/kars${path}`)
        .set('Authorization', jane)
        .send(body as object),
    patch: (path: string, body: unknown) =>
      request(server)
        .patch(`/api/kars${path}`)
        .set('Authorization', jane)
        .send(body as object),
  });
  const keep = <T extends { text: string }>(res: T) => {
    bodies.push(res.text);
    return res;
  };

  const sandboxCount = async () =>
    (
      await target.admin.list('kars.azure.com/v1alpha1', 'KarsSandbox', {
        namespace: 'kars-system',
      })
    ).items.length;

  beforeAll(async () => {
    target = await startClusterTarget(targetName);
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
          service: coreServices.logger,
          deps: {},
          factory: () => capturingLogger(logLines),
        }),
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => ownerPolicy(() => target),
        }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await target?.stop();
  });

  it('creates the three tenants of the seed and reads them back', async () => {
    for (const [name, spec] of Object.entries(tenants)) {
      const res = keep(await api().post('/sandboxes', { name, spec }));
      expect(res.status).toBe(201);
      expect(res.body.changed).toBe(true);
      expect(res.body.sandbox).toMatchObject({
        name,
        cluster: 'primary',
        namespace: `kars-${name}`,
        spec: { model: spec.model, sandbox: spec.sandbox, owner: spec.owner },
      });
    }
    for (const [name, spec] of Object.entries(tenants)) {
      const res = keep(await api().get(`/sandboxes/${name}`));
      expect(res.status).toBe(200);
      expect(res.body.spec.sandbox.isolation).toBe(spec.sandbox.isolation);
    }
    const cr = await target.admin.get<any>({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name: 'tenant-b',
      namespace: 'kars-system',
    });
    expect(cr.spec).toMatchObject({
      model: 'Phi-4',
      sandbox: { isolation: 'confidential' },
      inferenceRef: { name: 'tenant-b' },
    });
    expect(cr.metadata.finalizers).toContain(
      'kars.azure.com/namespace-cleanup',
    );
  });

  it('answers the same spec again with 200 and a different one with 409', async () => {
    const same = keep(
      await api().post('/sandboxes', {
        name: 'tenant-a',
        spec: tenants['tenant-a'],
      }),
    );
    expect(same.status).toBe(200);
    expect(same.body.changed).toBe(false);
    const different = keep(
      await api().post('/sandboxes', {
        name: 'tenant-a',
        spec: { ...tenants['tenant-a'], model: 'gpt-4o' },
      }),
    );
    expect(different.status).toBe(409);
    expect(await sandboxCount()).toBe(3);
  });

  it('lists with paging, sorting and filters', async () => {
    const first = keep(await api().get('/sandboxes?limit=2&sort=name'));
    expect(first.status).toBe(200);
    expect(first.body.totalCount).toBe(3);
    expect(first.body.items.map((s: any) => s.name)).toEqual([
      'tenant-a',
      'tenant-b',
    ]);
    const second = keep(
      await api().get(
        `/sandboxes?limit=2&sort=name&cursor=${first.body.nextCursor}`,
      ),
    );
    expect(second.body.items.map((s: any) => s.name)).toEqual(['tenant-c']);
    expect(second.body.nextCursor).toBeUndefined();
    const confidential = keep(
      await api().get('/sandboxes?isolation=confidential'),
    );
    expect(confidential.body.items.map((s: any) => s.name)).toEqual([
      'tenant-b',
    ]);
    const byModel = keep(await api().get('/sandboxes?sort=model&order=desc'));
    expect(byModel.body.items.map((s: any) => s.model)).toEqual([
      'Phi-4',
      'gpt-4o',
      'gpt-4.1',
    ]);
    const badCursor = keep(await api().get('/sandboxes?cursor=bogus'));
    expect(badCursor.status).toBe(400);
  });

  it('renders a dry run and writes nothing', async () => {
    const res = keep(
      await api().post('/sandboxes?dryRun=true', {
        name: 'tenant-d',
        spec: { governance: { enabled: true } },
      }),
    );
    expect(res.status).toBe(200);
    const kinds = res.body.objects.map((o: any) => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace',
        'NetworkPolicy',
        'ServiceAccount',
        'InferencePolicy',
        'Deployment',
        'Service',
        'Secret',
      ]),
    );
    expect(await sandboxCount()).toBe(3);
    expect(
      await target.admin.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'kars-tenant-d',
      }),
    ).toBeUndefined();
    const manifests = keep(await api().get('/sandboxes/tenant-a/manifests'));
    expect(
      manifests.body.objects.find((o: any) => o.kind === 'Deployment').spec
        .template.spec.securityContext.seccompProfile,
    ).toEqual({
      type: 'Localhost',
      localhostProfile: 'profiles/kars-strict.json',
    });
  });

  it('validates a spec field by field for forms', async () => {
    const res = keep(
      await api().post('/sandboxes/validate', {
        name: 'tenant-a',
        spec: {
          model: 'bad model',
          tokenBudget: { dailyTokens: 10, monthlyTokens: 5 },
          contentSafety: { hate: 'High' },
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.issues.map((i: any) => `${i.field}:${i.rule}`)).toEqual(
      expect.arrayContaining([
        'name:name-taken',
        'spec.model:model-name',
        'spec.tokenBudget.monthlyTokens:monthly-at-least-daily',
      ]),
    );
    const floor = keep(
      await api().post('/sandboxes/validate', {
        spec: { contentSafety: { hate: 'High' } },
      }),
    );
    expect(floor.body.valid).toBe(false);
    expect(floor.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'spec.contentSafety.hate',
          rule: 'content-safety-floor',
        }),
        expect.objectContaining({ field: 'name' }),
      ]),
    );
    const ok = keep(
      await api().post('/sandboxes/validate', {
        name: 'tenant-z',
        spec: { model: 'gpt-4.1' },
      }),
    );
    expect(ok.body).toEqual({ valid: true, issues: [] });
  });

  it.each([
    ['a reserved name', { name: 'system' }, 'name', 'reserved-name'],
    ['an upper-case name', { name: 'Tenant-X' }, 'name', 'dns-1035-label'],
    ['a long name', { name: `t${'x'.repeat(60)}` }, 'name', 'max-length'],
    [
      'an unknown isolation',
      { name: 'tenant-x', spec: { sandbox: { isolation: 'max' } } },
      'spec.sandbox.isolation',
      'one-of',
    ],
    [
      'budgets out of order',
      {
        name: 'tenant-x',
        spec: { tokenBudget: { perRequestTokens: 9, dailyTokens: 5 } },
      },
      'spec.tokenBudget.dailyTokens',
      'daily-at-least-per-request',
    ],
    [
      'a severity above the floor',
      { name: 'tenant-x', spec: { contentSafety: { violence: 'High' } } },
      'spec.contentSafety.violence',
      'content-safety-floor',
    ],
    [
      'an egress CIDR to IMDS',
      {
        name: 'tenant-x',
        spec: {
          networkPolicy: { allowedEndpoints: [{ host: '169.254.169.254' }] },
        },
      },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-range-forbidden',
    ],
    [
      'a bad Slack token',
      {
        name: 'tenant-x',
        credentials: { SLACK_BOT_TOKEN: 'not-a-SeCrEt-token' },
      },
      'credentials.SLACK_BOT_TOKEN',
      'pattern',
    ],
    [
      'an unknown field',
      { name: 'tenant-x', spec: { privileged: true } },
      'spec.privileged',
      'unknown-field',
    ],
    [
      'an unknown cluster',
      { name: 'tenant-x', cluster: 'mars' },
      'cluster',
      'known-cluster',
    ],
  ])(
    'refuses %s with a 400 naming the field and the rule, writing nothing',
    async (_what, body, field, rule) => {
      const before = await sandboxCount();
      const res = keep(await api().post('/sandboxes', body));
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(field);
      expect(res.body.error.message).toContain(`[${rule}]`);
      expect(res.text).not.toContain('SeCrEt');
      expect(await sandboxCount()).toBe(before);
      expect(
        await target.admin.get({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: 'kars-tenant-x',
        }),
      ).toBeUndefined();
    },
  );

  it('refuses a namespace it did not create, writing nothing', async () => {
    await target.admin.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kars-squatter' },
    });
    const res = keep(await api().post('/sandboxes', { name: 'squatter' }));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('NamespaceOwnershipConflict');
    expect(await sandboxCount()).toBe(3);
  });

  it('answers 404 for an unknown sandbox', async () => {
    for (const path of [
      '/sandboxes/nope',
      '/sandboxes/nope/manifests',
      '/sandboxes/nope/agent-card',
      '/sandboxes/nope/events',
    ]) {
      expect(keep(await api().get(path)).status).toBe(404);
    }
    expect(
      keep(await api().patch('/sandboxes/nope', { model: 'x' })).status,
    ).toBe(404);
  });

  it('changes a sandbox with PATCH and validates the merged spec', async () => {
    const res = keep(
      await api().patch('/sandboxes/tenant-c', {
        tokenBudget: { dailyTokens: 50000 },
        suspended: true,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.changed).toBe(true);
    expect(res.body.sandbox.spec).toMatchObject({
      tokenBudget: { dailyTokens: 50000 },
      suspended: true,
      model: 'gpt-4o',
    });
    expect(res.body.sandbox.createdAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
    );
    const live = await target.admin.get<any>({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name: 'tenant-c',
      namespace: 'kars-system',
    });
    const specManagers = live.metadata.managedFields
      .filter((f: any) => JSON.stringify(f.fieldsV1 ?? {}).includes('f:spec'))
      .map((f: any) => `${f.manager}/${f.operation}`);
    expect(specManagers).toEqual(['kars-portal/Update']);
    const bad = keep(
      await api().patch('/sandboxes/tenant-c', {
        tokenBudget: { monthlyTokens: 10 },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('[monthly-at-least-daily]');
    const runtime = keep(
      await api().patch('/sandboxes/tenant-c', { runtime: { kind: 'Hermes' } }),
    );
    expect(runtime.status).toBe(400);
  });

  it('takes credentials beside the spec, keeps them out of every answer, log and audit row', async () => {
    const res = keep(
      await api().post('/sandboxes', {
        name: 'tenant-s',
        spec: { channels: [{ type: 'slack' }, { type: 'telegram' }] },
        credentials: { SLACK_BOT_TOKEN: SLACK, TELEGRAM_BOT_TOKEN: TELEGRAM },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.sandbox.credentialKeys).toEqual([
      'SLACK_BOT_TOKEN',
      'TELEGRAM_BOT_TOKEN',
    ]);
    const secret = await target.admin.get<any>({
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'tenant-s-credentials',
      namespace: 'kars-tenant-s',
    });
    expect(Buffer.from(secret.data.SLACK_BOT_TOKEN, 'base64').toString()).toBe(
      SLACK,
    );
    keep(await api().get('/sandboxes/tenant-s'));
    keep(await api().get('/sandboxes/tenant-s/manifests'));
    const events = keep(await api().get('/sandboxes/tenant-s/events'));
    expect(events.body.items.map((e: any) => e.action)).toEqual([
      'create',
      'credentials.update',
    ]);
    const everything = [...bodies, ...logLines].join('\n');
    expect(everything).not.toContain(SLACK);
    expect(everything).not.toContain(TELEGRAM);
    expect(everything).not.toContain('SeCrEt');
  });

  it('serves the agent card and the audit trail', async () => {
    const card = keep(await api().get('/sandboxes/tenant-a/agent-card'));
    expect(card.status).toBe(200);
    expect(card.body.supportedInterfaces[0].url).toBe(
      'https://tenant-a.kars-tenant-a.svc.cluster.local:8443/a2a',
    );
    const events = keep(await api().get('/sandboxes/tenant-a/events'));
    expect(events.body.items[events.body.items.length - 1]).toMatchObject({
      actor: 'user:default/jane',
      action: 'create',
      outcome: 'succeeded',
    });
  });

  it('refuses a create without an owner from a service caller with a 400 naming spec.owner, writing nothing', async () => {
    const ci = mockCredentials.service.header();
    const post = (path: string, body: object) =>
      request(server)
        .post(`/api/kars${path}`)
        .set('Authorization', ci)
        .send(body);
    const before = await sandboxCount();
    for (const path of ['/sandboxes', '/sandboxes?dryRun=true']) {
      const res = keep(await post(path, { name: 'tenant-x' }));
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain('spec.owner');
      expect(res.body.error.message).toContain(
        '[required-for-service-callers]',
      );
    }
    expect(await sandboxCount()).toBe(before);
    expect(
      await target.admin.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'kars-tenant-x',
      }),
    ).toBeUndefined();
    const owned = keep(
      await post('/sandboxes', {
        name: 'tenant-v',
        spec: { owner: 'group:default/team-b' },
      }),
    );
    expect(owned.status).toBe(201);
    expect(owned.body.sandbox.spec.owner).toBe('group:default/team-b');
  });

  it('answers dry runs of PUT credentials and DELETE only to who may do them (403 otherwise), changing nothing', async () => {
    const mallory = mockCredentials.user.header('user:default/mallory');
    const eve = mockCredentials.user.header('user:default/eve');
    const as = (who: string) => ({
      put: (path: string, body: object) =>
        request(server)
          .put(`/api/kars${path}`)
          .set('Authorization', who)
          .send(body),
      del: (path: string) =>
        request(server).delete(`/api/kars${path}`).set('Authorization', who),
      get: (path: string) =>
        request(server).get(`/api/kars${path}`).set('Authorization', who),
    });
    const created = keep(
      await request(server)
        .post('/api/kars/sandboxes')
        .set('Authorization', mallory)
        .send({
          name: 'tenant-m',
          spec: { channels: [{ type: 'slack' }] },
          credentials: { SLACK_BOT_TOKEN: SLACK },
        }),
    );
    expect(created.status).toBe(201);
    expect(created.body.sandbox.spec.owner).toBe('user:default/mallory');

    const names = sandboxObjectNames('tenant-m');
    const secretRef = {
      apiVersion: 'v1',
      kind: 'Secret',
      name: names.credentialsSecret,
      namespace: 'kars-tenant-m',
    };
    const deploymentRef = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: names.deployment,
      namespace: 'kars-tenant-m',
    };
    const sandboxRef = {
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name: 'tenant-m',
      namespace: 'kars-system',
    };
    const namespaceRef = {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: 'kars-tenant-m',
    };
    // the reconciler makes the Deployment; a dry run must not roll it
    for (let i = 0; i < 300; i++) {
      if (await target.admin.get(deploymentRef)) break;
      await new Promise(r => setTimeout(r, 100));
    }
    const snapshot = async () => {
      const [secret, deployment, sandbox, namespace] = await Promise.all(
        [secretRef, deploymentRef, sandboxRef, namespaceRef].map(ref =>
          target.admin.get<any>(ref),
        ),
      );
      // controllers write status, so the Deployment and the KarsSandbox are compared by what a
      // credentials write or a delete would change: the roll marker, the key names, the deletion
      return {
        secret: secret?.metadata.resourceVersion,
        secretKeys: Object.keys(secret?.data ?? {}).sort(),
        deployment: deployment?.metadata.uid,
        rollMarker:
          deployment?.spec.template.metadata?.annotations?.[
            KARS_ANNOTATIONS.restartedAt
          ] ?? null,
        restartAsked:
          sandbox?.metadata.annotations?.[KARS_ANNOTATIONS.restartedAt] ?? null,
        sandbox: sandbox?.metadata.uid,
        sandboxKeys:
          sandbox?.metadata.annotations?.['kars.azure.com/credential-keys'],
        sandboxDeleting: Boolean(sandbox?.metadata.deletionTimestamp),
        namespace: namespace?.metadata.uid,
        namespaceDeleting: Boolean(namespace?.metadata.deletionTimestamp),
      };
    };
    const before = await snapshot();
    expect(before.secretKeys).toEqual(['SLACK_BOT_TOKEN']);
    expect(before.deployment).toBeDefined();
    expect(before.sandboxKeys).toBe('SLACK_BOT_TOKEN');
    expect(before.namespace).toBeDefined();

    // a non-owner's dry runs are refused as the real calls would be
    const rotate = {
      credentials: { TELEGRAM_BOT_TOKEN: TELEGRAM },
      mode: 'replace',
    };
    for (const res of [
      keep(
        await as(eve).put(
          '/sandboxes/tenant-m/credentials?dryRun=true',
          rotate,
        ),
      ),
      keep(await as(eve).del('/sandboxes/tenant-m?dryRun=true')),
      keep(await as(eve).put('/sandboxes/tenant-m/credentials', rotate)),
      keep(await as(eve).del('/sandboxes/tenant-m')),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    }

    // the owner's dry runs say what would change
    const plan = keep(
      await as(mallory).put(
        '/sandboxes/tenant-m/credentials?dryRun=true',
        rotate,
      ),
    );
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({
      dryRun: true,
      name: 'tenant-m',
      secret: { name: 'tenant-m-credentials', namespace: 'kars-tenant-m' },
      credentialKeys: ['TELEGRAM_BOT_TOKEN'],
      added: ['TELEGRAM_BOT_TOKEN'],
      replaced: [],
      removed: ['SLACK_BOT_TOKEN'],
      wouldRestart: true,
      restarted: false,
    });
    const merge = keep(
      await as(mallory).put('/sandboxes/tenant-m/credentials?dryRun=true', {
        credentials: { SLACK_BOT_TOKEN: SLACK },
        restart: false,
      }),
    );
    expect(merge.status).toBe(200);
    expect(merge.body).toMatchObject({
      credentialKeys: ['SLACK_BOT_TOKEN'],
      added: [],
      replaced: ['SLACK_BOT_TOKEN'],
      removed: [],
      wouldRestart: false,
      restarted: false,
    });
    const bad = keep(
      await as(mallory).put('/sandboxes/tenant-m/credentials?dryRun=true', {
        credentials: { SLACK_BOT_TOKEN: 'not-a-SeCrEt-token' },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    expect(bad.body.error.message).toContain('credentials.SLACK_BOT_TOKEN');
    expect(bad.body.error.message).toContain('[pattern]');

    const gone = keep(await as(mallory).del('/sandboxes/tenant-m?dryRun=true'));
    expect(gone.status).toBe(200);
    expect(gone.body).toEqual({
      dryRun: true,
      name: 'tenant-m',
      cluster: 'primary',
      deleting: false,
      namespace: { name: 'kars-tenant-m', exists: true, deleted: true },
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', name: 'kars-tenant-m' },
        {
          apiVersion: 'kars.azure.com/v1alpha1',
          kind: 'KarsSandbox',
          name: 'tenant-m',
          namespace: 'kars-system',
        },
      ],
    });

    expect(await snapshot()).toEqual(before);
    const after = keep(await as(mallory).get('/sandboxes/tenant-m'));
    expect(after.body.credentialKeys).toEqual(['SLACK_BOT_TOKEN']);
    expect(after.body.deleting).toBe(false);
    const events = keep(await as(mallory).get('/sandboxes/tenant-m/events'));
    expect(
      events.body.items
        .filter((e: any) => e.outcome === 'succeeded')
        .map((e: any) => e.action)
        .sort(),
    ).toEqual(['create', 'credentials.update']);
    const everything = [...bodies, ...logLines].join('\n');
    expect(everything).not.toContain(SLACK);
    expect(everything).not.toContain(TELEGRAM);
    expect(everything).not.toContain('SeCrEt');
  });

  describe('refuses from outside, writing nothing', () => {
    const eve = mockCredentials.user.header('user:default/eve');
    const EVE_TOKEN = 'xoxb-9999-8888-EvEsPlAnTeDsEcReT';
    const sandboxRef = (name: string) => ({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name,
      namespace: 'kars-system',
    });
    const secretRef = {
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'tenant-a-credentials',
      namespace: 'kars-tenant-a',
    };
    /** What a write would change: the sandboxes, tenant-a's KarsSandbox and its Secret. */
    const snapshot = async () => ({
      count: await sandboxCount(),
      sandbox: await target.admin
        .get<any>(sandboxRef('tenant-a'))
        .then(o => [o?.spec, o?.metadata.annotations]),
      secret: (await target.admin.get(secretRef))?.metadata.resourceVersion,
    });
    const send = (
      method: 'post' | 'patch' | 'put' | 'delete',
      path: string,
      who = jane,
    ) => request(server)[method](`/api/kars${path}`).set('Authorization', who);

    it("refuses another team's credentials beside an existing sandbox's spec (403, also as a dry run), and lets the owner write them", async () => {
      const spec = (await api().get('/sandboxes/tenant-a')).body.spec;
      const before = await snapshot();
      for (const dryRun of ['', '?dryRun=true']) {
        const res = keep(
          await send('post', `/sandboxes${dryRun}`, eve).send({
            name: 'tenant-a',
            spec,
            credentials: { SLACK_BOT_TOKEN: EVE_TOKEN },
          }),
        );
        expect(res.status).toBe(403);
        expect(res.text).not.toContain(EVE_TOKEN);
      }
      expect(await snapshot()).toEqual(before);
      const events = await api().get('/sandboxes/tenant-a/events');
      expect(events.body.items).toContainEqual(
        expect.objectContaining({
          actor: 'user:default/eve',
          action: 'credentials.update',
          outcome: 'denied',
        }),
      );
      const owner = keep(
        await api().post('/sandboxes', {
          name: 'tenant-a',
          spec,
          credentials: { SLACK_BOT_TOKEN: EVE_TOKEN },
        }),
      );
      expect(owner.status).toBe(200);
      const secret = await target.admin.get<any>(secretRef);
      expect(
        Buffer.from(secret.data.SLACK_BOT_TOKEN, 'base64').toString(),
      ).toBe(EVE_TOKEN);
    });

    it.each([
      ['post', '/sandboxes'],
      ['patch', '/sandboxes/tenant-a'],
      ['delete', '/sandboxes/tenant-a'],
      ['put', '/sandboxes/tenant-a/credentials'],
    ] as const)(
      '%s %s: a dryRun other than true or All is a 400 naming dryRun',
      async (method, path) => {
        const spec = (await api().get('/sandboxes/tenant-a')).body.spec;
        const body = {
          post: { name: 'tenant-dry', spec: { model: 'gpt-4o' } },
          patch: { model: 'gpt-4o' },
          delete: {},
          put: { credentials: { SLACK_BOT_TOKEN: EVE_TOKEN } },
        }[method];
        const before = await snapshot();
        for (const query of [
          'dryRun=1',
          'dryRun=TRUE',
          'dryRun=false',
          'dryRun=',
          'dryRun=true&dryRun=true',
          'dryRun[x]=true',
        ]) {
          const res = keep(await send(method, `${path}?${query}`).send(body));
          expect({ query, status: res.status }).toEqual({ query, status: 400 });
          expect(res.body.error.message).toMatch(
            /dryRun.*\[(dry-run-value|single-value)\]/,
          );
        }
        const unknown = keep(await send(method, `${path}?force=1`).send(body));
        expect(unknown.status).toBe(400);
        expect(unknown.body.error.message).toContain('[known-parameters]');
        const all = keep(await send(method, `${path}?dryRun=All`).send(body));
        expect(all.status).toBe(200);
        expect(await snapshot()).toEqual(before);
        expect(spec.model).toBe(tenants['tenant-a'].model);
      },
    );

    it('refuses a query parameter given twice or as a structure, naming it, and names an unknown route', async () => {
      for (const query of ['limit[]=1', 'limit=1&limit=2', 'q[x]=a']) {
        const res = keep(await api().get(`/sandboxes?${query}`));
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.message).toMatch(
          /query\.(limit|q) .*\[single-value\]/,
        );
      }
      for (const method of ['put', 'patch', 'delete'] as const) {
        const res = keep(await send(method, '/sandboxes').send({}));
        expect(res.status).toBe(404);
        expect(res.body.error.message).toContain('no route');
      }
    });

    it('takes PATCH as JSON or JSON merge patch, and answers 415 to any other content type', async () => {
      const before = await snapshot();
      for (const type of [
        'text/plain',
        'application/json-patch+json',
        'application/apply-patch+yaml',
        'application/x-www-form-urlencoded',
      ]) {
        const res = keep(
          await send('patch', '/sandboxes/tenant-a')
            .set('Content-Type', type)
            .send(JSON.stringify({ model: 'gpt-4o' })),
        );
        expect({ type, status: res.status }).toEqual({ type, status: 415 });
      }
      const none = keep(
        await send('patch', '/sandboxes/tenant-a').send(
          Buffer.from(JSON.stringify({ model: 'gpt-4o' })),
        ),
      );
      expect(none.status).toBe(415);
      expect(await snapshot()).toEqual(before);
      const merge = keep(
        await send('patch', '/sandboxes/tenant-a')
          .set('Content-Type', 'application/merge-patch+json')
          .send(JSON.stringify({ suspended: true })),
      );
      expect(merge.status).toBe(200);
      expect(merge.body.changed).toBe(true);
      const live = await target.admin.get<any>(sandboxRef('tenant-a'));
      expect(live.spec.suspended).toBe(true);
      keep(await api().patch('/sandboxes/tenant-a', { suspended: false }));
    });

    it('answers malformed JSON with a 400 that carries nothing of the body', async () => {
      const before = await snapshot();
      for (const [method, path] of [
        ['put', '/sandboxes/tenant-a/credentials'],
        ['post', '/sandboxes'],
        ['patch', '/sandboxes/tenant-a'],
        ['post', '/sandboxes/validate'],
      ] as const) {
        const res = keep(
          await send(method, path)
            .set('Content-Type', 'application/json')
            .send(`{"credentials": {"SLACK_BOT_TOKEN": "${EVE_TOKEN}"`),
        );
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('body is not valid JSON');
        expect(res.text).not.toContain(EVE_TOKEN);
        expect(res.text).not.toContain('EvEsPlAnTeD');
      }
      expect(await snapshot()).toEqual(before);
    });

    it('/validate, a dry run and the create agree', async () => {
      const cases: Array<[string, unknown]> = [
        ['spec null', { name: 'tenant-agree', spec: null }],
        ['no name', { spec: {} }],
        ['a list', [{ name: 'tenant-agree' }]],
        ['a string', 'tenant-agree'],
        ['null', null],
        ['credentials null', { name: 'tenant-agree', credentials: null }],
        [
          'another spec for an existing name',
          { name: 'tenant-a', spec: { model: 'gpt-4o' } },
        ],
      ];
      for (const [what, body] of cases) {
        const raw = JSON.stringify(body);
        const validate = keep(
          await send('post', '/sandboxes/validate')
            .set('Content-Type', 'application/json')
            .send(raw),
        );
        const dryRun = keep(
          await send('post', '/sandboxes?dryRun=true')
            .set('Content-Type', 'application/json')
            .send(raw),
        );
        expect(validate.status).toBe(200);
        const accepted = dryRun.status === 200;
        expect({ what, refused: dryRun.status >= 400 }).toEqual({
          what,
          refused: true,
        });
        expect({ what, valid: validate.body.valid }).toEqual({
          what,
          valid: accepted,
        });
        const before = await snapshot();
        const create = keep(
          await send('post', '/sandboxes')
            .set('Content-Type', 'application/json')
            .send(raw),
        );
        expect({ what, create: create.status }).toEqual({
          what,
          create: dryRun.status,
        });
        expect(await snapshot()).toEqual(before);
      }
      const fresh = { name: 'tenant-agree', spec: { model: 'gpt-4o' } };
      const valid = keep(await api().post('/sandboxes/validate', fresh));
      expect(valid.body).toEqual({ valid: true, issues: [] });
      expect(
        keep(await api().post('/sandboxes?dryRun=true', fresh)).status,
      ).toBe(200);
      const text = keep(
        await send('post', '/sandboxes/validate')
          .set('Content-Type', 'text/plain')
          .send('name=tenant-agree'),
      );
      expect(text.status).toBe(415);
    });
  });

  it('reports the cluster', async () => {
    const res = keep(await api().get('/cluster'));
    expect(res.body.clusters).toEqual([
      expect.objectContaining({
        name: 'primary',
        embedded: false,
        default: true,
        production: false,
      }),
    ]);
  });
});
