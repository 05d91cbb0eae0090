import { mockCredentials } from '@backstage/backend-test-utils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  connectMcp,
  startPortalBackend,
  ToolAnswer,
} from './__testUtils__/portalBackend';

jest.setTimeout(180_000);

/**
 * The kars actions as MCP tools, through the portal's wiring: the MCP actions plugin on the real
 * actions registry and actions service, the real permission backend with the portal's policy, and
 * the embedded cluster. The client is the MCP SDK's, over Streamable HTTP, with a user's token.
 */

const SLACK = 'xoxb-8888-9999-McPrOtAtEdSeCrEt';

describe('the kars actions as MCP tools', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;
  const clients: Client[] = [];

  beforeAll(async () => {
    ({ baseUrl, stop } = await startPortalBackend());
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await stop?.();
  });

  /** An MCP client of the portal with `user`'s token. */
  async function connect(user: string) {
    const mcp = await connectMcp(baseUrl, mockCredentials.user.header(user));
    clients.push(mcp.client);
    return mcp;
  }

  it('lists the kars tools with their schemas from kars-common', async () => {
    const { client } = await connect('user:default/jane');
    const { tools } = await client.listTools();
    expect(tools.map(t => t.name).sort()).toEqual(
      [
        'create-sandbox',
        'delete-sandbox',
        'explain-sandbox',
        'get-sandbox',
        'list-sandboxes',
        'resume-sandbox',
        'rotate-sandbox-credentials',
        'suspend-sandbox',
        'update-sandbox',
        'validate-sandbox-spec',
      ].map(n => `kars.${n}`),
    );
    const create = tools.find(t => t.name === 'kars.create-sandbox')!;
    const properties = create.inputSchema.properties as Record<string, any>;
    expect(Object.keys(properties).sort()).toEqual([
      'cluster',
      'credentials',
      'dryRun',
      'name',
      'spec',
    ]);
    expect(
      properties.spec.properties.sandbox.properties.isolation.enum,
    ).toEqual(['standard', 'enhanced', 'confidential']);
    expect(create.annotations).toMatchObject({ destructiveHint: false });
    expect(
      tools.find(t => t.name === 'kars.list-sandboxes')!.annotations,
    ).toMatchObject({ readOnlyHint: true });
  });

  it('creates a sandbox by dry run then for real, sees it Running with its health, and refuses another team', async () => {
    const jane = await connect('user:default/jane');
    const request = {
      name: 'tenant-mcp',
      spec: { owner: 'group:default/team-a' },
      credentials: { SLACK_BOT_TOKEN: SLACK },
    };

    const planned = await jane.call('create-sandbox', request);
    expect(planned.isError).toBe(false);
    expect(planned.output.dryRun).toBe(true);
    expect(planned.output.manifests.objects.map((o: any) => o.kind)).toEqual(
      expect.arrayContaining(['Namespace', 'Deployment', 'NetworkPolicy']),
    );
    const absent = await jane.call('get-sandbox', { name: 'tenant-mcp' });
    expect(absent).toMatchObject({ isError: true });
    expect(absent.text).toMatch(/^NotFoundError: /);

    const created = await jane.call('create-sandbox', {
      ...request,
      dryRun: false,
    });
    expect(created.isError).toBe(false);
    expect(created.output).toMatchObject({
      dryRun: false,
      created: true,
      changed: true,
      sandbox: { name: 'tenant-mcp', credentialKeys: ['SLACK_BOT_TOKEN'] },
    });

    let got: ToolAnswer | undefined;
    for (let i = 0; i < 600; i++) {
      got = await jane.call('get-sandbox', { name: 'tenant-mcp' });
      if (got.output?.sandbox.status.phase === 'Running') break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(got!.output.sandbox.status.phase).toBe('Running');
    expect(got!.output.health).toMatchObject({
      name: 'tenant-mcp',
      workload: { state: 'ready' },
    });
    expect(got!.output.health.budget.windows.map((w: any) => w.window)).toEqual(
      expect.arrayContaining(['daily', 'monthly']),
    );
    const explained = await jane.call('explain-sandbox', {
      name: 'tenant-mcp',
    });
    expect(explained.output).toMatchObject({ running: true, reasons: [] });

    const listed = await jane.call('list-sandboxes', { name: 'tenant-mcp' });
    expect(listed.output.items.map((i: any) => i.name)).toEqual(['tenant-mcp']);

    const bob = await connect('user:default/bob');
    const refused = await bob.call('update-sandbox', {
      name: 'tenant-mcp',
      patch: { suspended: true },
    });
    expect(refused).toMatchObject({
      isError: true,
      text: 'NotAllowedError: user:default/bob may not update sandbox tenant-mcp',
    });
    const notDeleted = await bob.call('delete-sandbox', {
      name: 'tenant-mcp',
      dryRun: false,
    });
    expect(notDeleted.text).toBe(
      'NotAllowedError: user:default/bob may not delete sandbox tenant-mcp',
    );
    const still = await jane.call('get-sandbox', { name: 'tenant-mcp' });
    expect(still.output.sandbox).toMatchObject({
      deleting: false,
      spec: { suspended: false },
    });

    for (const answer of [planned, created, got!, explained, listed]) {
      expect(answer.text).not.toContain(SLACK);
      expect(JSON.stringify(answer.output)).not.toContain(SLACK);
    }
  });

  it('validates a spec, suspends and resumes, and audits each write and refusal as the REST routes do', async () => {
    const jane = await connect('user:default/jane');
    const checked = await jane.call('validate-sandbox-spec', {
      name: 'tenant-mcp-2',
      spec: { sandbox: { isolation: 'paranoid' }, model: 'gpt-4.1' },
      credentials: { SLACK_BOT_TOKEN: 'not-a-slack-token' },
    });
    expect(checked.output.valid).toBe(false);
    expect(checked.output.issues.map((i: any) => i.field)).toEqual(
      expect.arrayContaining([
        'spec.sandbox.isolation',
        'credentials.SLACK_BOT_TOKEN',
      ]),
    );
    expect(checked.text).not.toContain('not-a-slack-token');

    const suspended = await jane.call('suspend-sandbox', {
      name: 'tenant-mcp',
    });
    expect(suspended.output).toMatchObject({
      dryRun: false,
      changed: true,
      sandbox: { spec: { suspended: true } },
    });
    let explained: ToolAnswer | undefined;
    for (let i = 0; i < 300; i++) {
      explained = await jane.call('explain-sandbox', { name: 'tenant-mcp' });
      if (!explained.output.running) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(explained!.output.reasons).toContain(
      'the sandbox is suspended (spec.suspended); resume it to run',
    );
    const resumed = await jane.call('resume-sandbox', { name: 'tenant-mcp' });
    expect(resumed.output.sandbox.spec.suspended).toBe(false);

    const audit = await fetch(`${baseUrl}/api/kars/audit?sandbox=tenant-mcp`, {
      headers: {
        Authorization: mockCredentials.user.header('user:default/ops'),
      },
    });
    const trail = (await audit.json()).items.map((e: any) => [
      e.actor,
      e.action,
      e.outcome,
    ]);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['user:default/jane', 'create', 'succeeded'],
        ['user:default/jane', 'update', 'succeeded'],
        ['user:default/bob', 'update', 'denied'],
        ['user:default/bob', 'delete', 'denied'],
      ]),
    );
  });

  it('rotates credentials answering key names only, and deletes by dry run unless asked', async () => {
    const jane = await connect('user:default/jane');
    const rotated = await jane.call('rotate-sandbox-credentials', {
      name: 'tenant-mcp',
      credentials: { SLACK_BOT_TOKEN: `${SLACK}-2` },
      restart: false,
    });
    expect(rotated.output).toEqual({
      dryRun: false,
      credentialKeys: ['SLACK_BOT_TOKEN'],
      restarted: false,
    });
    expect(rotated.text).not.toContain(SLACK);
    const bad = await jane.call('rotate-sandbox-credentials', {
      name: 'tenant-mcp',
      credentials: { SLACK_BOT_TOKEN: 'xoxb-not a-SeCrEt-token' },
    });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/^InputError: /);
    expect(bad.text).not.toContain('SeCrEt');

    const planned = await jane.call('delete-sandbox', { name: 'tenant-mcp' });
    expect(planned.output).toMatchObject({
      dryRun: true,
      plan: { name: 'tenant-mcp', deleting: false },
    });
    const deleted = await jane.call('delete-sandbox', {
      name: 'tenant-mcp',
      dryRun: false,
    });
    expect(deleted.output).toMatchObject({
      dryRun: false,
      sandbox: { name: 'tenant-mcp', deleting: true },
    });
  });
});
