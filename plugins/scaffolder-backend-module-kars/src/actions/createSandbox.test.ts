import { InputError } from '@backstage/errors';
import { FakeKarsApi } from '@kars-portal/test-kit';
import {
  FakeKarsServer,
  startFakeKarsServer,
} from '@kars-portal/test-kit/http';
import {
  actionContext,
  actionOptions,
  SLACK,
  TELEGRAM,
} from '../__testUtils__/context';
import { createKarsSandboxCreateAction } from './createSandbox';

describe('kars:sandbox:create', () => {
  const backend = new FakeKarsApi({ cluster: 'primary' });
  let server: FakeKarsServer;
  beforeAll(async () => {
    server = await startFakeKarsServer(backend);
  });
  afterAll(() => server.stop());
  beforeEach(() => backend.reset());
  const action = () =>
    createKarsSandboxCreateAction(actionOptions(server.baseUrl));
  const secrets = {
    SLACK_BOT_TOKEN: SLACK,
    TELEGRAM_BOT_TOKEN: TELEGRAM,
    backstageToken: 'ignored',
  };
  const secretFree = (text: string) => {
    expect(text).not.toContain(SLACK);
    expect(text).not.toContain(TELEGRAM);
    expect(text).not.toContain('SeCrEt');
  };

  it('creates the sandbox on behalf of the user, with the spec as given and credentials only from the secrets', async () => {
    const spec = {
      owner: 'group:default/team-a',
      sandbox: { isolation: 'confidential' },
      model: 'Phi-4',
      tokenBudget: { dailyTokens: 1000, monthlyTokens: 20000 },
      contentSafety: { hate: 'Low' },
      channels: [{ type: 'slack' }, { type: 'telegram' }],
      networkPolicy: {
        allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
      },
      governance: { enabled: true },
      a2a: {
        description: 'Helps',
        skills: [
          { id: 'faq', name: 'FAQ', description: 'Answers', tags: ['faq'] },
        ],
      },
      resources: { limits: { cpu: '1' } },
    };
    const { ctx, lines, outputs } = actionContext({
      input: {
        name: 'tenant-a',
        spec,
        cluster: '',
      },
      secrets,
    });
    await action().handler(ctx);
    expect(backend.writes()).toHaveLength(1);
    const [req] = backend.writes();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/kars/sandboxes');
    expect(req.authorization).toMatch(/^Bearer /);
    expect(req.body).toEqual({
      name: 'tenant-a',
      spec,
      credentials: { SLACK_BOT_TOKEN: SLACK, TELEGRAM_BOT_TOKEN: TELEGRAM },
    });
    expect(outputs()).toEqual({
      name: 'tenant-a',
      namespace: 'kars-tenant-a',
      cluster: 'primary',
      entityRef: 'resource:default/tenant-a',
      links: [
        {
          title: 'Open the sandbox in the catalog',
          url: '/catalog/default/resource/tenant-a',
          entityRef: 'resource:default/tenant-a',
        },
        {
          title: 'Sandbox status (kars tab)',
          url: '/catalog/default/resource/tenant-a/kars',
        },
      ],
    });
    expect(lines.join('\n')).toContain('SLACK_BOT_TOKEN, TELEGRAM_BOT_TOKEN');
    secretFree(lines.join('\n'));
    secretFree(JSON.stringify(outputs()));
  });

  it('enables WhatsApp in the credentials of a sandbox with a whatsapp channel, with plugin keys from the secrets', async () => {
    const spec = {
      runtime: { kind: 'LangGraph' },
      channels: [{ type: 'whatsapp' }],
      a2a: { publicGateway: true },
      resources: { limits: { cpu: '1.5', memory: '2Gi' } },
      workloadIdentity: { clientId: '0b6c3a4e-1f2d-4c5b-9a8e-7d6c5b4a3f2e' },
    };
    const { ctx, lines } = actionContext({
      input: { name: 'tenant-w', cluster: 'primary', spec },
      secrets: { BRAVE_API_KEY: 'brave-SeCrEt-key', backstageToken: 'x' },
    });
    await action().handler(ctx);
    expect(backend.writes().map(r => r.body)).toEqual([
      {
        name: 'tenant-w',
        cluster: 'primary',
        spec,
        credentials: {
          BRAVE_API_KEY: 'brave-SeCrEt-key',
          WHATSAPP_ENABLED: 'true',
        },
      },
    ]);
    const created = backend.sandboxes.get('tenant-w')!;
    expect(created.credentialKeys).toEqual([
      'BRAVE_API_KEY',
      'WHATSAPP_ENABLED',
    ]);
    expect(created.spec).toMatchObject(spec);
    expect(lines.join('\n')).toContain(
      'Sandbox tenant-w: credentials from the task secrets: BRAVE_API_KEY',
    );
    expect(lines.join('\n')).toContain(
      'Sandbox tenant-w: a whatsapp channel: WHATSAPP_ENABLED=true in its credentials',
    );
    secretFree(lines.join('\n'));
  });

  it('sends no spec when none is given, so the backend fills in every default', async () => {
    const { ctx } = actionContext({ input: { name: 'tenant-a' } });
    await action().handler(ctx);
    expect(backend.writes().map(r => r.body)).toEqual([{ name: 'tenant-a' }]);
    expect(backend.sandboxes.get('tenant-a')!.spec).toMatchObject({
      sandbox: { isolation: 'enhanced' },
      model: 'gpt-4.1',
    });
  });

  it('puts nothing secret into its checkpoint', async () => {
    const stored: unknown[] = [];
    const { ctx } = actionContext({
      input: { name: 'tenant-a', spec: { channels: [{ type: 'slack' }] } },
      secrets,
      checkpoint: async ({ fn }) => {
        const value = await fn();
        stored.push(value);
        return value;
      },
    });
    await action().handler(ctx);
    expect(stored).toEqual([
      { namespace: 'kars-tenant-a', cluster: 'primary', changed: true },
    ]);
    secretFree(JSON.stringify(stored));
  });

  it('renders on dry run and writes nothing, naming objects but no values', async () => {
    const { ctx, lines, outputs } = actionContext({
      input: { name: 'tenant-d', spec: { channels: [{ type: 'slack' }] } },
      secrets,
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /api/kars/sandboxes?dryRun=true',
    ]);
    expect(backend.sandboxes.size).toBe(0);
    expect(outputs().renderedObjects).toEqual([
      'Namespace kars-tenant-d',
      'ServiceAccount kars-tenant-d/sandbox',
      'Secret kars-tenant-d/tenant-d-credentials',
      'Deployment kars-tenant-d/tenant-d',
    ]);
    expect(lines.join('\n')).toContain('nothing was written');
    expect(lines.join('\n')).not.toContain('redacted');
    secretFree(lines.join('\n'));
    secretFree(JSON.stringify(outputs()));
  });

  it('does not create twice when the task is recovered from its checkpoint', async () => {
    const checkpoint = jest.fn(async ({ key }: { key: string }) => {
      expect(key).toBe('kars.sandbox.create.tenant-a');
      return { namespace: 'kars-tenant-a', cluster: 'primary', changed: true };
    });
    const { ctx, outputs } = actionContext({
      input: { name: 'tenant-a' },
      secrets,
      checkpoint,
    });
    await action().handler(ctx);
    expect(checkpoint).toHaveBeenCalledTimes(1);
    expect(backend.requests).toEqual([]);
    expect(outputs()).toMatchObject({
      name: 'tenant-a',
      namespace: 'kars-tenant-a',
      cluster: 'primary',
    });
  });

  it('waits until Running, logging phase and condition changes', async () => {
    backend.phases.set('tenant-w', [
      'Pending',
      'Creating',
      'Creating',
      'Running',
    ]);
    const { ctx, lines, outputs } = actionContext({
      input: { name: 'tenant-w', waitForRunning: true, timeoutSeconds: 10 },
    });
    await action().handler(ctx);
    const log = lines.join('\n');
    expect(log).toContain('Sandbox tenant-w is Pending');
    expect(log).toContain('Sandbox tenant-w is Creating');
    expect(log).toContain('Sandbox tenant-w is Running');
    expect(log).toContain('condition Ready=False WorkloadProgressing');
    expect(log).toContain('condition Ready=True WorkloadReady');
    expect(log.match(/is Creating/g)).toHaveLength(1);
    expect(backend.requests.filter(r => r.method === 'GET')).toHaveLength(4);
    expect(outputs().name).toBe('tenant-w');
  });

  it('fails after the timeout with the last phase', async () => {
    backend.phases.set('tenant-t', ['Creating']);
    const { ctx } = actionContext({
      input: { name: 'tenant-t', waitForRunning: true, timeoutSeconds: 1 },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /tenant-t was not Running after 1s: phase Creating; Ready=False \(WorkloadProgressing\)/,
    );
  });

  const degraded = (reason: string, message: string) => [
    {
      type: 'Ready',
      status: 'False' as const,
      reason,
      message,
      lastTransitionTime: '2026-11-29T00:00:00Z',
    },
    {
      type: 'Degraded',
      status: 'True' as const,
      reason,
      message,
      lastTransitionTime: '2026-11-29T00:00:00Z',
    },
  ];

  it('fails fast when the sandbox is Failed, with the reason and message', async () => {
    backend.phases.set('tenant-f', ['Creating', 'Failed']);
    backend.conditions.set('tenant-f', {
      Failed: degraded(
        'ProgressDeadlineExceeded',
        'the sandbox workload did not become available before its progress deadline',
      ),
    });
    const { ctx } = actionContext({
      input: { name: 'tenant-f', waitForRunning: true, timeoutSeconds: 60 },
    });
    const started = Date.now();
    await expect(action().handler(ctx)).rejects.toThrow(
      'Sandbox tenant-f is Failed: ProgressDeadlineExceeded: the sandbox workload did not become available before its progress deadline',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(backend.requests.filter(r => r.method === 'GET')).toHaveLength(2);
  });

  it('fails fast when the sandbox is Degraded for a reason that does not pass', async () => {
    backend.phases.set('tenant-d', ['Degraded']);
    backend.conditions.set('tenant-d', {
      Degraded: degraded(
        'NamespaceOwnershipConflict',
        'namespace kars-tenant-d exists and was not made by kars portal',
      ),
    });
    const { ctx } = actionContext({
      input: { name: 'tenant-d', waitForRunning: true, timeoutSeconds: 60 },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      'Sandbox tenant-d is Degraded: NamespaceOwnershipConflict: namespace kars-tenant-d exists and was not made by kars portal',
    );
    expect(backend.requests.filter(r => r.method === 'GET')).toHaveLength(1);
  });

  it('fails fast when the sandbox is being deleted', async () => {
    backend.phases.set('tenant-g', ['Terminating']);
    const { ctx } = actionContext({
      input: { name: 'tenant-g', waitForRunning: true, timeoutSeconds: 60 },
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /Sandbox tenant-g is Terminating/,
    );
    expect(backend.requests.filter(r => r.method === 'GET')).toHaveLength(1);
  });

  it('keeps waiting through a Degraded phase that may pass', async () => {
    backend.phases.set('tenant-r', ['Degraded', 'Creating', 'Running']);
    backend.conditions.set('tenant-r', {
      Degraded: degraded('ApplyFailed', 'the API server answered 500'),
    });
    const { ctx, lines, outputs } = actionContext({
      input: { name: 'tenant-r', waitForRunning: true, timeoutSeconds: 10 },
    });
    await action().handler(ctx);
    expect(lines.join('\n')).toContain(
      'condition Degraded=True ApplyFailed: the API server answered 500',
    );
    expect(outputs().name).toBe('tenant-r');
  });

  it('stops waiting when the task is aborted', async () => {
    backend.phases.set('tenant-x', ['Creating']);
    const controller = new AbortController();
    const { ctx } = actionContext({
      input: { name: 'tenant-x', waitForRunning: true, timeoutSeconds: 60 },
      signal: controller.signal,
    });
    const run = action().handler(ctx);
    setTimeout(() => controller.abort(), 100);
    await expect(run).rejects.toThrow(/cancelled/);
    // A read already on the wire when the signal fired may still reach the fake: let it land, then
    // no new read may come in twenty poll intervals.
    await new Promise(r => setTimeout(r, 50));
    const reads = backend.requests.length;
    await new Promise(r => setTimeout(r, 200));
    expect(backend.requests.length).toBe(reads);
  });

  it('passes the abort signal to the backend call', async () => {
    backend.delayMs = 2000;
    const controller = new AbortController();
    const { ctx } = actionContext({
      input: { name: 'tenant-y' },
      signal: controller.signal,
    });
    const run = action().handler(ctx);
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(run).rejects.toThrow(/cancelled/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it.each([
    ['a reserved name', { name: 'system' }, {}, 'name', 'reserved-name'],
    ['an upper-case name', { name: 'Tenant-X' }, {}, 'name', 'dns-1035-label'],
    [
      'a bad model',
      { name: 'tenant-x', spec: { model: 'bad model' } },
      {},
      'spec.model',
      'model-name',
    ],
    [
      'a bad owner',
      { name: 'tenant-x', spec: { owner: 'team-a' } },
      {},
      'spec.owner',
      'owner-entity-ref',
    ],
    [
      'budgets out of order',
      {
        name: 'tenant-x',
        spec: { tokenBudget: { perRequestTokens: 9, dailyTokens: 5 } },
      },
      {},
      'spec.tokenBudget.dailyTokens',
      'daily-at-least-per-request',
    ],
    [
      'a negative budget',
      { name: 'tenant-x', spec: { tokenBudget: { dailyTokens: -1 } } },
      {},
      'spec.tokenBudget.dailyTokens',
      'minimum',
    ],
    [
      'an egress entry to IMDS',
      {
        name: 'tenant-x',
        spec: {
          networkPolicy: { allowedEndpoints: [{ host: '169.254.169.254' }] },
        },
      },
      {},
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-range-forbidden',
    ],
    [
      'a port out of range',
      {
        name: 'tenant-x',
        spec: {
          networkPolicy: {
            allowedEndpoints: [{ host: 'example.com', port: 70000 }],
          },
        },
      },
      {},
      'spec.networkPolicy.allowedEndpoints.0.port',
      'maximum',
    ],
    [
      'a channel twice',
      {
        name: 'tenant-x',
        spec: { channels: [{ type: 'slack' }, { type: 'slack' }] },
      },
      {},
      'spec.channels.1.type',
      'channel-unique',
    ],
    [
      'a bad skill id',
      {
        name: 'tenant-x',
        spec: { a2a: { skills: [{ id: 'Bad Id', name: 'x' }] } },
      },
      {},
      'spec.a2a.skills.0.id',
      'skill-id',
    ],
    [
      'a bad cpu limit',
      {
        name: 'tenant-x',
        spec: { resources: { limits: { cpu: 'lots' } } },
      },
      {},
      'spec.resources.limits.cpu',
      'cpu-quantity',
    ],
    [
      'a bad client id',
      {
        name: 'tenant-x',
        spec: { workloadIdentity: { clientId: 'nope' } },
      },
      {},
      'spec.workloadIdentity.clientId',
      'uuid',
    ],
    [
      'a bad Slack token in the secrets',
      { name: 'tenant-x' },
      { SLACK_BOT_TOKEN: 'not-a-SeCrEt-token' },
      'credentials.SLACK_BOT_TOKEN',
      'pattern',
    ],
  ])(
    'surfaces the backend 400 for %s as an input error naming the field',
    async (_what, input, taskSecrets, field, rule) => {
      const { ctx, lines } = actionContext({
        input,
        secrets: taskSecrets as Record<string, string>,
      });
      const error = await action()
        .handler(ctx)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(`Creating sandbox ${input.name}`);
      expect(error.message).toContain(field);
      expect(error.message).toContain(`[${rule}]`);
      expect(error.message).not.toContain('SeCrEt');
      expect(lines.join('\n')).not.toContain('SeCrEt');
      expect(backend.sandboxes.size).toBe(0);
    },
  );
});
