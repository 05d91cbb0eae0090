import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import mcpActionsBackend from '@backstage/plugin-mcp-actions-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import karsBackend from '@kars-portal/plugin-kars-backend';
import karsModuleEmbeddedCluster from '@kars-portal/plugin-kars-backend-module-embedded-cluster';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AddressInfo } from 'net';
import path from 'path';
import { pluginActorAuth } from './__testUtils__/pluginActorAuth';
import { karsPermissionPolicyModule } from './karsPermissionPolicy';

jest.setTimeout(180_000);

/**
 * The kars actions as MCP tools, through the portal's wiring: the MCP actions plugin on the real
 * actions registry and actions service, the real permission backend with the portal's policy, and
 * the embedded cluster. The client is the MCP SDK's, over Streamable HTTP, with a user's token.
 */

const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy');
const SLACK = 'xoxb-8888-9999-McPrOtAtEdSeCrEt';

const GROUPS: Record<string, string[]> = {
  'user:default/jane': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
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

/** What a tool answered: its structured output, or the error text of a refusal. */
interface ToolAnswer {
  isError: boolean;
  text: string;
  output: any;
}

describe('the kars actions as MCP tools', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;
  const clients: Client[] = [];

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        karsBackend,
        karsModuleEmbeddedCluster,
        permissionBackend,
        karsPermissionPolicyModule,
        mcpActionsBackend,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        userInfo,
        ...pluginActorAuth,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            backend: {
              actions: { pluginSources: ['kars'] },
              database: { client: 'better-sqlite3', connection: ':memory:' },
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
    }`;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await stop?.();
  });

  /** An MCP client of the portal with `user`'s token. */
  async function connect(user: string) {
    const client = new Client({ name: 'kars-mcp-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${baseUrl}/api/mcp-actions/v1`),
        {
          requestInit: {
            headers: { Authorization: mockCredentials.user.header(user) },
          },
        },
      ),
    );
    clients.push(client);
    return {
      client,
      call: async (
        name: string,
        args: Record<string, unknown>,
      ): Promise<ToolAnswer> => {
        const result = await client.callTool({
          name: `kars.${name}`,
          arguments: args,
        });
        const text = (result.content as Array<{ text: string }>)
          .map(c => c.text)
          .join('\n');
        return {
          isError: Boolean(result.isError),
          text,
          output: result.structuredContent,
        };
      },
    };
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
