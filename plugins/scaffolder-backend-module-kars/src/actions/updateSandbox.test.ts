import { InputError, NotFoundError } from '@backstage/errors';
import { FakeKarsApi } from '@kars-portal/test-kit';
import {
  FakeKarsServer,
  startFakeKarsServer,
} from '@kars-portal/test-kit/http';
import { actionContext, actionOptions } from '../__testUtils__/context';
import { createKarsSandboxUpdateAction } from './updateSandbox';

describe('kars:sandbox:update', () => {
  const backend = new FakeKarsApi({ cluster: 'primary' });
  let server: FakeKarsServer;
  beforeAll(async () => {
    server = await startFakeKarsServer(backend);
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    backend.reset();
    backend.addSandbox({
      name: 'tenant-a',
      spec: { model: 'gpt-4.1', tokenBudget: { dailyTokens: 1000 } },
    });
  });
  const action = () =>
    createKarsSandboxUpdateAction(actionOptions(server.baseUrl));

  it('sends the change as given, on behalf of the user', async () => {
    const spec = {
      sandbox: { isolation: 'confidential' },
      model: 'gpt-4o',
      tokenBudget: { dailyTokens: 5000 },
      channels: [{ type: 'discord' }],
      networkPolicy: { allowedEndpoints: [] },
      governance: { enabled: true },
      suspended: true,
    };
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a', spec },
    });
    await action().handler(ctx);
    const [req] = backend.writes();
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe('/api/kars/sandboxes/tenant-a');
    expect(req.authorization).toMatch(/^Bearer /);
    expect(req.body).toEqual(spec);
    expect(outputs()).toEqual({
      name: 'tenant-a',
      changed: true,
      generation: 2,
    });
    expect(lines.join('\n')).toContain(
      'changing channels, governance, model, networkPolicy, sandbox, suspended, tokenBudget',
    );
  });

  it('leaves out objects a form left with nothing in them, and names only what changes', async () => {
    const { ctx, outputs, lines } = actionContext({
      input: {
        name: 'tenant-a',
        spec: {
          tokenBudget: {},
          resources: { limits: {} },
          contentSafety: { hate: undefined },
          model: 'gpt-4o',
        },
      },
    });
    await action().handler(ctx);
    expect(backend.writes().map(r => r.body)).toEqual([{ model: 'gpt-4o' }]);
    expect(lines.join('\n')).toContain('Sandbox tenant-a: changing model');
    expect(outputs()).toMatchObject({ changed: true });
  });

  it('sends an empty change when nothing is left, and says nothing changes', async () => {
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a', spec: { tokenBudget: {} } },
    });
    await action().handler(ctx);
    expect(backend.writes().map(r => r.body)).toEqual([{}]);
    expect(lines.join('\n')).toContain('Sandbox tenant-a: changing nothing');
    expect(lines.join('\n')).toContain(
      'Sandbox tenant-a already had this spec; nothing changed',
    );
    expect(outputs()).toMatchObject({ changed: false });
  });

  it('replaces the channels and the allowlist with empty lists, and restores the gateway default with null', async () => {
    backend.addSandbox({
      name: 'tenant-l',
      spec: {
        channels: [{ type: 'slack' }],
        networkPolicy: { allowedEndpoints: [{ host: 'api.github.com' }] },
        a2a: { publicGateway: true },
      },
    });
    const spec = {
      channels: [],
      networkPolicy: { allowedEndpoints: [] },
      a2a: { publicGateway: null },
    };
    const { ctx } = actionContext({ input: { name: 'tenant-l', spec } });
    await action().handler(ctx);
    expect(backend.writes().map(r => r.body)).toEqual([spec]);
    const changed = backend.sandboxes.get('tenant-l')!.spec;
    expect(changed.channels).toEqual([]);
    expect(changed.networkPolicy.allowedEndpoints).toEqual([]);
    expect(changed.a2a.publicGateway).toBeUndefined();
  });

  it('enables WhatsApp in the credentials when the channels gain whatsapp, once', async () => {
    const spec = { channels: [{ type: 'whatsapp' }] };
    const first = actionContext({ input: { name: 'tenant-a', spec } });
    await action().handler(first.ctx);
    expect(
      backend.writes().map(r => [`${r.method} ${r.path}`, r.body]),
    ).toEqual([
      ['PATCH /api/kars/sandboxes/tenant-a', spec],
      [
        'PUT /api/kars/sandboxes/tenant-a/credentials',
        {
          credentials: { WHATSAPP_ENABLED: 'true' },
          mode: 'merge',
          restart: true,
        },
      ],
    ]);
    expect(backend.sandboxes.get('tenant-a')!.credentialKeys).toEqual([
      'WHATSAPP_ENABLED',
    ]);
    expect(first.lines.join('\n')).toContain(
      'Sandbox tenant-a: WHATSAPP_ENABLED=true in its credentials for the whatsapp channel; restarted',
    );

    const again = actionContext({ input: { name: 'tenant-a', spec } });
    await action().handler(again.ctx);
    expect(backend.writes()).toHaveLength(3);
    expect(backend.writes()[2].method).toBe('PATCH');
  });

  it('clears the workload identity with workloadIdentity: null', async () => {
    backend.addSandbox({
      name: 'tenant-w',
      spec: {
        workloadIdentity: { clientId: '11111111-2222-3333-4444-555555555555' },
      },
    });
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-w', spec: { workloadIdentity: null } },
    });
    await action().handler(ctx);
    const [req] = backend.writes();
    expect(`${req.method} ${req.path}`).toBe(
      'PATCH /api/kars/sandboxes/tenant-w',
    );
    expect(req.body).toEqual({ workloadIdentity: null });
    expect(backend.sandboxes.get('tenant-w')!.spec.workloadIdentity).toBe(
      undefined,
    );
    expect(outputs()).toMatchObject({ name: 'tenant-w', changed: true });
    expect(lines.join('\n')).toContain('changing workloadIdentity');
  });

  it('clears the workload identity on dry run too, writing nothing', async () => {
    const { ctx } = actionContext({
      input: { name: 'tenant-a', spec: { workloadIdentity: null } },
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(
      backend.requests.map(r => [`${r.method} ${r.path}`, r.body]),
    ).toEqual([
      [
        'PATCH /api/kars/sandboxes/tenant-a?dryRun=true',
        { workloadIdentity: null },
      ],
    ]);
  });

  it('checks the change on dry run and writes nothing', async () => {
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a', spec: { sandbox: { isolation: 'standard' } } },
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'PATCH /api/kars/sandboxes/tenant-a?dryRun=true',
    ]);
    expect(backend.sandboxes.get('tenant-a')!.generation).toBe(1);
    expect(outputs()).toMatchObject({ name: 'tenant-a', changed: false });
    expect(outputs().renderedObjects).toContain(
      'Deployment kars-tenant-a/tenant-a',
    );
    expect(lines.join('\n')).toContain('nothing was written');
  });

  it('does not patch twice when the task is recovered from its checkpoint', async () => {
    const checkpoint = jest.fn(async () => ({ changed: true, generation: 7 }));
    const { ctx, outputs } = actionContext({
      input: { name: 'tenant-a', spec: { model: 'gpt-4o' } },
      checkpoint,
    });
    await action().handler(ctx);
    expect(checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({ key: 'kars.sandbox.update.tenant-a' }),
    );
    expect(backend.requests).toEqual([]);
    expect(outputs()).toEqual({
      name: 'tenant-a',
      changed: true,
      generation: 7,
    });
  });

  it('passes the abort signal to the backend call', async () => {
    backend.delayMs = 2000;
    const controller = new AbortController();
    const { ctx } = actionContext({
      input: { name: 'tenant-a', spec: { model: 'gpt-4o' } },
      signal: controller.signal,
    });
    const run = action().handler(ctx);
    setTimeout(() => controller.abort(), 100);
    await expect(run).rejects.toThrow(/cancelled/);
  });

  it('answers an unknown sandbox with a not-found error', async () => {
    const { ctx } = actionContext({
      input: { name: 'nope', spec: { model: 'gpt-4o' } },
    });
    await expect(action().handler(ctx)).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['a bad model', { model: 'bad model' }, 'spec.model', 'model-name'],
    [
      'budgets out of order',
      { tokenBudget: { monthlyTokens: 10 } },
      'spec.tokenBudget.monthlyTokens',
      'monthly-at-least-daily',
    ],
    [
      'an unknown isolation',
      { sandbox: { isolation: 'max' } },
      'patch.sandbox.isolation',
      'one-of',
    ],
    [
      'an egress entry to loopback',
      { networkPolicy: { allowedEndpoints: [{ host: '127.0.0.1' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-range-forbidden',
    ],
    [
      'a trust threshold out of range',
      { governance: { trustThreshold: 5000 } },
      'spec.governance.trustThreshold',
      'maximum',
    ],
  ])(
    'surfaces the backend 400 for %s as an input error naming the field',
    async (_what, spec, field, rule) => {
      const { ctx } = actionContext({ input: { name: 'tenant-a', spec } });
      const error = await action()
        .handler(ctx)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain('Changing sandbox tenant-a');
      expect(error.message).toContain(field);
      expect(error.message).toContain(`[${rule}]`);
      expect(backend.sandboxes.get('tenant-a')!.generation).toBe(1);
    },
  );
});
