import { Sandbox } from '@kars-portal/plugin-kars-common';
import { auditTrailFixture } from '../fixtures/audit';
import { unknownBudgetHealthFixture } from '../fixtures/health';
import { fleet, tenantA } from '../fixtures/sandbox';
import { FakeKarsApi } from './FakeKarsApi';

const fake = new FakeKarsApi({ cluster: 'primary' });
beforeEach(() => fake.reset());

/** What the fake answers; bodies are JSON a test reads as such. */
const call = (
  method: string,
  path: string,
  body?: unknown,
): { status: number; body?: any; delayMs: number } =>
  fake.handle({
    method,
    url: `http://127.0.0.1:7007/api/kars${path}`,
    authorization: 'Bearer t',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const message = (answer: { body?: any }) => answer.body.error.message;

describe('the fake kars API', () => {
  it('records every request and refuses a route the API does not have, as the backend does', () => {
    const answer = call('POST', '/cluster', {});
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      error: {
        name: 'NotFoundError',
        message:
          'not found: the kars API has no route for this method and path',
      },
      request: { method: 'POST', url: '/cluster' },
      response: { statusCode: 404 },
    });
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        path: '/api/kars/cluster',
        authorization: 'Bearer t',
        body: {},
      },
    ]);
  });

  it('creates with the contract: 400 naming field and rule, 201, 200 for the same spec, 409 for another', () => {
    const bad = call('POST', '/sandboxes', {
      name: 'system',
      spec: { model: 'bad model', color: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(message(bad)).toMatch(/^Invalid request: name is reserved/);
    expect(message(bad)).toContain('[reserved-name]');
    expect(message(bad)).toContain('spec.model');
    expect(message(bad)).toContain('spec.color is not a known field');
    expect(fake.sandboxes.size).toBe(0);

    const body = { name: 'tenant-x', spec: { model: 'gpt-4o' } };
    expect(call('POST', '/sandboxes?dryRun=true', body).body).toMatchObject({
      name: 'tenant-x',
      cluster: 'primary',
    });
    expect(fake.sandboxes.size).toBe(0);
    const created = call('POST', '/sandboxes', {
      ...body,
      credentials: { SLACK_BOT_TOKEN: 'xoxb-1-a' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      changed: true,
      sandbox: {
        name: 'tenant-x',
        cluster: 'primary',
        namespace: 'kars-tenant-x',
        credentialKeys: ['SLACK_BOT_TOKEN'],
        status: { phase: 'Pending' },
      },
    });
    expect(JSON.stringify(created.body)).not.toContain('xoxb-1-a');
    expect(call('POST', '/sandboxes', body)).toMatchObject({
      status: 200,
      body: { changed: false },
    });
    const other = call('POST', '/sandboxes', { ...body, spec: {} });
    expect(other.status).toBe(409);
    expect(call('POST', '/sandboxes?dryRun=yes', body).status).toBe(400);
  });

  it('answers phases in turn, with their conditions, the last one repeating', () => {
    fake.addSandbox({ name: 'tenant-w' });
    fake.phases.set('tenant-w', ['Creating', 'Failed']);
    fake.conditions.set('tenant-w', {
      Failed: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'ImagePullBackOff',
          message: 'no image',
          lastTransitionTime: '2026-11-29T00:00:00Z',
        },
      ],
    });
    const phase = () => {
      const { body } = call('GET', '/sandboxes/tenant-w');
      return [body.status.phase, body.status.conditions[0].reason];
    };
    expect(phase()).toEqual(['Creating', 'WorkloadProgressing']);
    expect(phase()).toEqual(['Failed', 'ImagePullBackOff']);
    expect(phase()).toEqual(['Failed', 'ImagePullBackOff']);
  });

  it('changes a spec by merge patch, validating the result, and counts generations', () => {
    fake.addSandbox({
      name: 'tenant-a',
      spec: {
        tokenBudget: { dailyTokens: 1000 },
        workloadIdentity: { clientId: '11111111-2222-3333-4444-555555555555' },
        a2a: { description: 'Helps', publicGateway: true },
      },
    });
    const bad = call('PATCH', '/sandboxes/tenant-a', {
      tokenBudget: { monthlyTokens: 10 },
    });
    expect(message(bad)).toContain(
      'spec.tokenBudget.monthlyTokens must be at least dailyTokens',
    );
    expect(message(bad)).toContain('[monthly-at-least-daily]');
    expect(
      message(call('PATCH', '/sandboxes/tenant-a', { runtime: {} })),
    ).toContain('patch.runtime is not a known field [unknown-field]');
    call('PATCH', '/sandboxes/tenant-a?dryRun=All', { model: 'gpt-4o' });
    expect(fake.sandboxes.get('tenant-a')!.generation).toBe(1);
    const changed = call('PATCH', '/sandboxes/tenant-a', {
      model: 'gpt-4o',
      tokenBudget: { perRequestTokens: 10 },
      workloadIdentity: null,
      a2a: { publicGateway: null },
    });
    expect(changed.body.changed).toBe(true);
    const after = fake.sandboxes.get('tenant-a')!;
    expect(after.generation).toBe(2);
    expect(after.spec.tokenBudget).toMatchObject({
      dailyTokens: 1000,
      perRequestTokens: 10,
    });
    expect(after.spec.workloadIdentity).toBeUndefined();
    expect(after.spec.a2a).toEqual({
      enabled: true,
      description: 'Helps',
      skills: [],
    });
    expect(
      call('PATCH', '/sandboxes/tenant-a', { model: 'gpt-4o' }).body.changed,
    ).toBe(false);
  });

  it('refuses what the test denies, dry run or not, and a missing sandbox before that', () => {
    fake.addSandbox({ name: 'tenant-a' });
    fake.denied.add('kars.sandbox.delete tenant-a');
    const refused = call('DELETE', '/sandboxes/tenant-a?dryRun=true');
    expect(refused.status).toBe(403);
    expect(message(refused)).toBe(
      'user:default/mock may not kars.sandbox.delete sandbox tenant-a (dry run)',
    );
    expect(call('DELETE', '/sandboxes/nope').status).toBe(404);
    fake.denied.add('kars.sandbox.create');
    expect(call('POST', '/sandboxes', { name: 'tenant-b' }).status).toBe(403);
    expect(fake.sandboxes.has('tenant-a')).toBe(true);
  });

  it('plans and makes credential writes and deletes', () => {
    fake.addSandbox({
      name: 'tenant-a',
      spec: { channels: [{ type: 'slack' }] },
      credentialKeys: ['BRAVE_API_KEY', 'SLACK_BOT_TOKEN'],
    });
    const plan = call('PUT', '/sandboxes/tenant-a/credentials?dryRun=true', {
      credentials: { SLACK_BOT_TOKEN: 'xoxb-2-b' },
      mode: 'replace',
    });
    expect(plan.body).toMatchObject({
      credentialKeys: ['SLACK_BOT_TOKEN'],
      replaced: ['SLACK_BOT_TOKEN'],
      removed: ['BRAVE_API_KEY'],
      wouldRestart: true,
      restarted: false,
    });
    expect(
      call('PUT', '/sandboxes/tenant-a/credentials', {
        credentials: { TAVILY_API_KEY: 'tvly-1' },
      }).body,
    ).toEqual({
      credentialKeys: ['BRAVE_API_KEY', 'SLACK_BOT_TOKEN', 'TAVILY_API_KEY'],
      restarted: true,
    });
    fake.foreignNamespaces.add('tenant-a');
    expect(
      call('DELETE', '/sandboxes/tenant-a?dryRun=true').body,
    ).toMatchObject({
      namespace: { name: 'kars-tenant-a', deleted: false },
      objects: [{ kind: 'KarsSandbox' }],
    });
    const deleted = call('DELETE', '/sandboxes/tenant-a');
    expect(deleted).toMatchObject({ status: 202, body: { deleting: true } });
    expect(call('GET', '/sandboxes/tenant-a').status).toBe(404);
  });

  it('lists as the backend does: rows from state and health, filters, offset cursors, include', () => {
    fake.addSandboxes(fleet(120, 'primary'));
    fake.health.set(
      'tenant-0001',
      unknownBudgetHealthFixture(fake.sandboxes.get('tenant-0001')!),
    );
    const first = call('GET', '/sandboxes?limit=50').body;
    expect(first.totalCount).toBe(120);
    expect(first.nextCursor).toBe('50');
    expect(first.items[0]).toMatchObject({
      name: 'tenant-0000',
      ready: true,
      budget: { dailyFraction: 0.3, monthlyFraction: 0.25 },
      channelTrouble: [],
    });
    expect(first.items[1].budget).toEqual({
      dailyFraction: null,
      monthlyFraction: null,
    });
    expect(first.items[3].channelTrouble).toEqual(['slack']);
    expect(first.items[0]).not.toHaveProperty('spec');
    expect(
      call('GET', '/sandboxes?limit=50&cursor=100').body.items,
    ).toHaveLength(20);
    expect(
      call('GET', '/sandboxes?trouble=true&order=desc').body.items[0].name,
    ).toBe('tenant-0115');
    const one = call(
      'GET',
      '/sandboxes?name=tenant-0042&include=spec,agentCard',
    ).body;
    expect(one.items).toHaveLength(1);
    expect(one.items[0].spec.model).toBe('gpt-4.1');
    expect(one.items[0].agentCard.name).toBe('tenant-0042 agent');
    expect(message(call('GET', '/sandboxes?limit=0'))).toBe(
      'Invalid request: query.limit must be at least 1 [minimum]',
    );
    expect(message(call('GET', '/sandboxes?cursor=abc'))).toContain('[cursor]');
  });

  it('serves daily token use for the days asked, refusing days out of 1..90 as the backend does', () => {
    fake.addSandbox(tenantA());
    const usage = call('GET', '/sandboxes/tenant-a/usage').body;
    expect(usage.days).toHaveLength(30);
    expect(usage.days.at(-1)).toEqual({
      end: '2026-11-29T10:00:00.000Z',
      tokens: 300_000,
    });
    expect(
      call('GET', '/sandboxes/tenant-a/usage?days=7').body.days,
    ).toHaveLength(7);
    expect(message(call('GET', '/sandboxes/tenant-a/usage?days=0'))).toBe(
      'Invalid request: query.days must be at least 1 [minimum]',
    );
    expect(message(call('GET', '/sandboxes/tenant-a/usage?days=91'))).toContain(
      'query.days',
    );
    expect(call('GET', '/sandboxes/nobody/usage').status).toBe(404);
    fake.denied.add('kars.sandbox.read tenant-a');
    expect(call('GET', '/sandboxes/tenant-a/usage').status).toBe(403);
  });

  it('filters the list by cluster', () => {
    fake.addSandbox(tenantA());
    fake.addSandbox(tenantA({ name: 'tenant-e', cluster: 'edge' }));
    const names = (cluster: string) =>
      call('GET', `/sandboxes?cluster=${cluster}`).body.items.map(
        (i: any) => i.name,
      );
    expect(names('edge')).toEqual(['tenant-e']);
    expect(names(tenantA().cluster)).toEqual(['tenant-a']);
  });

  it('serves views of a sandbox and the audit trail, newest first, by pages', () => {
    fake.addSandbox(tenantA());
    expect(call('GET', '/sandboxes/tenant-a/health').body.name).toBe(
      'tenant-a',
    );
    expect(call('GET', '/sandboxes/tenant-a/events').body).toEqual({
      items: [],
    });
    expect(call('GET', '/sandboxes/tenant-a/agent-card').body.name).toBe(
      'tenant-a agent',
    );
    expect(
      call('GET', '/sandboxes/tenant-a/manifests').body.objects.map(
        (o: any) => o.kind,
      ),
    ).toEqual(['Namespace', 'ServiceAccount', 'Secret', 'Deployment']);
    fake.auditTrail = auditTrailFixture(120);
    const page = call('GET', '/audit?limit=50').body;
    expect(page.items[0].id).toBe('120');
    expect(page.nextCursor).toBe('71');
    expect(call('GET', '/audit?limit=50&cursor=21').body.items).toHaveLength(
      20,
    );
    expect(call('GET', '/audit?outcome=denied').body.totalCount).toBe(24);
    fake.denied.add('kars.audit.read');
    expect(call('GET', '/audit').status).toBe(403);
  });

  it('answers failures a test asks for, as often as asked, and rewrites answers', () => {
    fake.addSandboxes(fleet(3, 'primary'));
    fake.fail({
      route: 'list',
      when: r => r.query.get('name') === 'tenant-0001',
      status: 503,
      times: 1,
    });
    const failed = call('GET', '/sandboxes?name=tenant-0001');
    expect(failed.status).toBe(503);
    expect(failed.body.error.name).toBe('ServiceUnavailableError');
    expect(call('GET', '/sandboxes?name=tenant-0001').status).toBe(200);
    fake.rewrite = (request, body) =>
      request.route === 'list' ? { ...body, totalCount: 99 } : body;
    expect(call('GET', '/sandboxes').body.totalCount).toBe(99);
    expect(fake.requestsOf('list')).toHaveLength(3);
    fake.delayMs = 25;
    expect(call('GET', '/cluster').delayMs).toBe(25);
  });

  it('answers 500 naming the field when its own state drifted from the contract', () => {
    const drifted = {
      ...tenantA(),
      credentials: { SLACK_BOT_TOKEN: 'xoxb-3-c' },
    } as Sandbox;
    fake.sandboxes.set('tenant-a', drifted);
    const answer = call('GET', '/sandboxes/tenant-a');
    expect(answer.status).toBe(500);
    expect(answer.body.error.name).toBe('FakeContractError');
    expect(message(answer)).toContain(
      'credentials is not a known field [unknown-field]',
    );
    expect(message(answer)).not.toContain('xoxb-3-c');
  });
});
