import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import mcpActionsBackend from '@backstage/plugin-mcp-actions-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import karsBackend from '@kars-portal/plugin-kars-backend';
import karsModuleEmbeddedCluster from '@kars-portal/plugin-kars-backend-module-embedded-cluster';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AddressInfo } from 'net';
import path from 'path';
import { karsPermissionPolicyModule } from '../karsPermissionPolicy';
import { pluginActorAuth } from './pluginActorAuth';

const DEPLOY_DIR = path.resolve(__dirname, '../../../../deploy');

/** Who belongs to which group, as the catalog would say: ops is an admin (kars.admins). */
const GROUPS: Record<string, string[]> = {
  'user:default/ops': ['group:default/platform'],
  'user:default/jane': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
};

/**
 * The portal's kars wiring on a test backend: the kars plugin on the embedded cluster, the real
 * permission backend with the portal's policy, and the MCP actions plugin on the real actions
 * registry and actions service (`backend.actions.pluginSources: [kars]`).
 */
export async function startPortalBackend() {
  const backend = await startTestBackend({
    features: [
      karsBackend,
      karsModuleEmbeddedCluster,
      permissionBackend,
      karsPermissionPolicyModule,
      mcpActionsBackend,
      actionsRegistryServiceFactory,
      actionsServiceFactory,
      ...pluginActorAuth,
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials) {
            const { userEntityRef } = credentials.principal as {
              userEntityRef: string;
            };
            return {
              userEntityRef,
              ownershipEntityRefs: [
                userEntityRef,
                ...(GROUPS[userEntityRef] ?? []),
              ],
            };
          },
        }),
      }),
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
                embedded: { readyDelayMs: 100, bootstrapManifests: DEPLOY_DIR },
              },
            ],
          },
        },
      }),
    ],
  });
  return {
    baseUrl: `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }`,
    stop: () => backend.stop(),
  };
}

/** What a tool answered: its structured output, or the error text of a refusal. */
export interface ToolAnswer {
  isError: boolean;
  text: string;
  output: any;
}

/** An MCP client of the portal (Streamable HTTP) sending `authorization`, and a caller of the kars tools. */
export async function connectMcp(baseUrl: string, authorization?: string) {
  const client = new Client({ name: 'kars-mcp-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`${baseUrl}/api/mcp-actions/v1`),
      {
        requestInit: {
          headers: authorization ? { Authorization: authorization } : {},
        },
      },
    ),
  );
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
      return {
        isError: Boolean(result.isError),
        text: (result.content as Array<{ text: string }>)
          .map(c => c.text)
          .join('\n'),
        output: result.structuredContent,
      };
    },
  };
}
