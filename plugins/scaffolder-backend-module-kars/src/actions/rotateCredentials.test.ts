import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
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
import { createKarsCredentialsRotateAction } from './rotateCredentials';

describe('kars:credentials:rotate', () => {
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
      spec: { channels: [{ type: 'slack' }] },
      credentialKeys: ['BRAVE_API_KEY', 'SLACK_BOT_TOKEN'],
    });
  });
  const action = () =>
    createKarsCredentialsRotateAction(actionOptions(server.baseUrl));
  const secretFree = (text: string) => {
    expect(text).not.toContain(SLACK);
    expect(text).not.toContain(TELEGRAM);
    expect(text).not.toContain('SeCrEt');
  };

  it('has no credential field in its input schema', () => {
    const schema = action().schema?.input as any;
    expect(Object.keys(schema.properties).sort()).toEqual([
      'mode',
      'name',
      'restart',
      'whatsappEnabled',
    ]);
  });

  it('sends the credential keys found in the secrets, restarting by default', async () => {
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a' },
      secrets: {
        SLACK_BOT_TOKEN: SLACK,
        TELEGRAM_BOT_TOKEN: ` ${TELEGRAM}\n`,
        OTHER: 'x',
        EXA_API_KEY: '',
      },
    });
    await action().handler(ctx);
    const [req] = backend.writes();
    expect(req.method).toBe('PUT');
    expect(req.path).toBe('/api/kars/sandboxes/tenant-a/credentials');
    expect(req.authorization).toMatch(/^Bearer /);
    expect(req.body).toEqual({
      credentials: { SLACK_BOT_TOKEN: SLACK, TELEGRAM_BOT_TOKEN: TELEGRAM },
      mode: 'merge',
      restart: true,
    });
    expect(outputs()).toEqual({
      credentialKeys: [
        'BRAVE_API_KEY',
        'SLACK_BOT_TOKEN',
        'TELEGRAM_BOT_TOKEN',
      ],
      restarted: true,
    });
    secretFree(lines.join('\n'));
    secretFree(JSON.stringify(outputs()));
  });

  it.each([
    [true, 'true'],
    [false, 'false'],
  ])(
    'writes WHATSAPP_ENABLED from whatsappEnabled: %s, with or without secrets',
    async (whatsappEnabled, value) => {
      const { ctx, outputs } = actionContext({
        input: { name: 'tenant-a', whatsappEnabled, restart: false },
        secrets: { backstageToken: 't' },
      });
      await action().handler(ctx);
      expect(backend.writes().map(r => r.body)).toEqual([
        {
          credentials: { WHATSAPP_ENABLED: value },
          mode: 'merge',
          restart: false,
        },
      ]);
      expect(outputs()).toEqual({
        credentialKeys: [
          'BRAVE_API_KEY',
          'SLACK_BOT_TOKEN',
          'WHATSAPP_ENABLED',
        ],
        restarted: false,
      });
    },
  );

  it('refuses a task without any credential secret', async () => {
    const { ctx } = actionContext({
      input: { name: 'tenant-a' },
      secrets: { backstageToken: 't' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(InputError);
    expect(backend.requests).toEqual([]);
  });

  it('says what would happen on dry run and writes nothing', async () => {
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a', mode: 'replace', restart: false },
      secrets: { SLACK_BOT_TOKEN: SLACK },
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'PUT /api/kars/sandboxes/tenant-a/credentials?dryRun=true',
    ]);
    expect(backend.requests[0].body).toEqual({
      credentials: { SLACK_BOT_TOKEN: SLACK },
      mode: 'replace',
      restart: false,
    });
    expect(backend.sandboxes.get('tenant-a')!.credentialKeys).toEqual([
      'BRAVE_API_KEY',
      'SLACK_BOT_TOKEN',
    ]);
    expect(lines.join('\n')).toContain(
      'would write SLACK_BOT_TOKEN to Secret kars-tenant-a/tenant-a-credentials, removing BRAVE_API_KEY; nothing was written',
    );
    expect(outputs()).toEqual({
      credentialKeys: ['SLACK_BOT_TOKEN'],
      restarted: false,
    });
    secretFree(lines.join('\n'));
  });

  it('fails the dry run when the real run would be refused (403), writing nothing', async () => {
    backend.denied.add('kars.sandbox.credentials.update tenant-a');
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a' },
      secrets: { SLACK_BOT_TOKEN: SLACK },
      isDryRun: true,
    });
    const error = await action()
      .handler(ctx)
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain('tenant-a');
    expect(outputs()).toEqual({});
    expect(lines.join('\n')).not.toContain('would write');
    expect(backend.sandboxes.get('tenant-a')!.credentialKeys).toEqual([
      'BRAVE_API_KEY',
      'SLACK_BOT_TOKEN',
    ]);
    secretFree(`${error.message}\n${lines.join('\n')}`);
  });

  it('fails the dry run on a value the backend refuses, naming the key, never the value', async () => {
    const { ctx, lines } = actionContext({
      input: { name: 'tenant-a' },
      secrets: { SLACK_BOT_TOKEN: 'not-a-SeCrEt-token' },
      isDryRun: true,
    });
    const error = await action()
      .handler(ctx)
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('credentials.SLACK_BOT_TOKEN');
    expect(error.message).not.toContain('SeCrEt');
    expect(lines.join('\n')).not.toContain('SeCrEt');
  });

  it('fails the dry run for an unknown sandbox', async () => {
    const { ctx } = actionContext({
      input: { name: 'nope' },
      secrets: { SLACK_BOT_TOKEN: SLACK },
      isDryRun: true,
    });
    await expect(action().handler(ctx)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not write twice when the task is recovered from its checkpoint', async () => {
    const checkpoint = jest.fn(async () => ({
      credentialKeys: ['SLACK_BOT_TOKEN'],
      restarted: true,
    }));
    const { ctx, outputs } = actionContext({
      input: { name: 'tenant-a' },
      secrets: { SLACK_BOT_TOKEN: SLACK },
      checkpoint,
    });
    await action().handler(ctx);
    expect(checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({ key: 'kars.credentials.rotate.tenant-a' }),
    );
    expect(backend.requests).toEqual([]);
    expect(outputs()).toEqual({
      credentialKeys: ['SLACK_BOT_TOKEN'],
      restarted: true,
    });
  });

  it('keeps secret values out of what it checkpoints', async () => {
    const stored: unknown[] = [];
    const { ctx } = actionContext({
      input: { name: 'tenant-a' },
      secrets: { SLACK_BOT_TOKEN: SLACK },
      checkpoint: async ({ fn }) => {
        const v = await fn();
        stored.push(v);
        return v;
      },
    });
    await action().handler(ctx);
    expect(stored).toEqual([
      { credentialKeys: ['BRAVE_API_KEY', 'SLACK_BOT_TOKEN'], restarted: true },
    ]);
  });

  it('passes the abort signal to the backend call', async () => {
    backend.delayMs = 2000;
    const controller = new AbortController();
    const { ctx } = actionContext({
      input: { name: 'tenant-a' },
      secrets: { SLACK_BOT_TOKEN: SLACK },
      signal: controller.signal,
    });
    const run = action().handler(ctx);
    setTimeout(() => controller.abort(), 100);
    await expect(run).rejects.toThrow(/cancelled/);
  });

  it.each([
    [
      'a bad Slack token',
      { SLACK_BOT_TOKEN: 'not-a-SeCrEt-token' },
      'credentials.SLACK_BOT_TOKEN',
    ],
    [
      'a bad Telegram token',
      { TELEGRAM_BOT_TOKEN: 'SeCrEt' },
      'credentials.TELEGRAM_BOT_TOKEN',
    ],
    [
      'a bad Discord token',
      { DISCORD_BOT_TOKEN: 'SeCrEt.x.y' },
      'credentials.DISCORD_BOT_TOKEN',
    ],
    [
      'a non-ASCII API key',
      { OPENAI_API_KEY: 'SeCrEtß' },
      'credentials.OPENAI_API_KEY',
    ],
  ])(
    'surfaces the backend 400 for %s naming the key, never the value',
    async (_what, taskSecrets, field) => {
      const { ctx, lines } = actionContext({
        input: { name: 'tenant-a' },
        secrets: taskSecrets,
      });
      const error = await action()
        .handler(ctx)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(field);
      expect(error.message).not.toContain('SeCrEt');
      expect(lines.join('\n')).not.toContain('SeCrEt');
    },
  );
});
