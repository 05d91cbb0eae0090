import { mockCredentials } from '@backstage/backend-test-utils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  connectMcp,
  startPortalBackend,
  ToolAnswer,
} from './__testUtils__/portalBackend';

jest.setTimeout(300_000);

/**
 * The permission matrix of the acceptance suite (test/acceptance/src/matrix.ts: every mutating
 * route and its dry run, for the owner, another team, no token, a bad token and a service), run
 * through the REST API and through the MCP tools on twin sandboxes: each cell must come out the same
 * (allowed, refused, conflict, not signed in). The service caller here is unrestricted; a static
 * token restricted to some kars permissions (the acceptance suite's) is refused by Backstage itself
 * when the MCP plugin would call the kars plugin on its behalf (a restricted token is not delegated).
 */

const PRINCIPALS = [
  'owner',
  'other team',
  'no token',
  'bad token',
  'service',
] as const;
type Principal = (typeof PRINCIPALS)[number];

const OPERATIONS = [
  'POST create',
  'POST existing name + credentials',
  'PATCH',
  'PUT credentials',
  'DELETE',
] as const;
type Operation = (typeof OPERATIONS)[number];

const SLACK = 'xoxb-7777-1212-MaTrIxSeCrEt';
const ADMIN = mockCredentials.user.header('user:default/ops');

/** The Authorization header of a caller; the owner and the other team are jane of team-a. */
function authorizationOf(principal: Principal): string | undefined {
  switch (principal) {
    case 'owner':
    case 'other team':
      return mockCredentials.user.header('user:default/jane');
    case 'no token':
      return undefined;
    case 'bad token':
      return 'Bearer not-a-backstage-token';
    default:
      return mockCredentials.service.header();
  }
}

/** The spec of a matrix target: owned by jane's team, or by another team. */
const specOf = (principal: Principal) => ({
  owner:
    principal === 'other team'
      ? 'group:default/team-b'
      : 'group:default/team-a',
});

/** A REST answer as a cell outcome. */
function restOutcome(status: number): string {
  if (status === 401) return 'not signed in';
  if (status === 403) return 'refused';
  if (status === 409) return 'conflict';
  if (status >= 200 && status < 300) return 'allowed';
  return `status ${status}`;
}

/** An MCP tool's answer as a cell outcome. */
function mcpOutcome(answer: ToolAnswer): string {
  if (!answer.isError) return 'allowed';
  if (answer.text.startsWith('NotAllowedError:')) return 'refused';
  if (answer.text.startsWith('ConflictError:')) return 'conflict';
  return answer.text;
}

describe('the permission matrix through REST and through MCP', () => {
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

  const rest = (
    method: string,
    path: string,
    authorization: string | undefined,
    body?: unknown,
  ) =>
    fetch(`${baseUrl}/api/kars${path}`, {
      method,
      headers: {
        ...(authorization ? { Authorization: authorization } : {}),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  /** A matrix target, made by an admin. */
  async function target(name: string, principal: Principal) {
    const res = await rest('POST', '/sandboxes', ADMIN, {
      name,
      spec: specOf(principal),
    });
    expect({ name, status: res.status }).toEqual({ name, status: 201 });
  }

  /** One cell through REST, on `name`. */
  async function restCell(
    op: Operation,
    principal: Principal,
    dryRun: boolean,
    name: string,
  ) {
    const auth = authorizationOf(principal);
    const q = dryRun ? '?dryRun=true' : '';
    switch (op) {
      case 'POST create':
        return rest('POST', `/sandboxes${q}`, auth, {
          name,
          spec: specOf(principal),
        });
      case 'POST existing name + credentials':
        return rest('POST', `/sandboxes${q}`, auth, {
          name,
          spec: specOf(principal),
          credentials: { SLACK_BOT_TOKEN: SLACK },
        });
      case 'PATCH':
        return rest('PATCH', `/sandboxes/${name}${q}`, auth, {
          tokenBudget: { dailyTokens: 123456 },
        });
      case 'PUT credentials':
        return rest('PUT', `/sandboxes/${name}/credentials${q}`, auth, {
          credentials: { SLACK_BOT_TOKEN: SLACK },
          restart: false,
        });
      default:
        return rest('DELETE', `/sandboxes/${name}${q}`, auth);
    }
  }

  /** One cell through MCP, on `name`: the same request as the REST cell's. */
  async function mcpCell(
    call: (tool: string, args: Record<string, unknown>) => Promise<ToolAnswer>,
    op: Operation,
    principal: Principal,
    dryRun: boolean,
    name: string,
  ) {
    switch (op) {
      case 'POST create':
        return call('create-sandbox', {
          name,
          spec: specOf(principal),
          dryRun,
        });
      case 'POST existing name + credentials':
        return call('create-sandbox', {
          name,
          spec: specOf(principal),
          credentials: { SLACK_BOT_TOKEN: SLACK },
          dryRun,
        });
      case 'PATCH':
        return call('update-sandbox', {
          name,
          patch: { tokenBudget: { dailyTokens: 123456 } },
          dryRun,
        });
      case 'PUT credentials':
        return call('rotate-sandbox-credentials', {
          name,
          credentials: { SLACK_BOT_TOKEN: SLACK },
          restart: false,
          dryRun,
        });
      default:
        return call('delete-sandbox', { name, dryRun });
    }
  }

  it('gives every cell the same outcome through MCP as through REST', async () => {
    const rows: string[] = [];
    const differ: string[] = [];
    let index = 0;
    for (const principal of PRINCIPALS) {
      const auth = authorizationOf(principal);
      let mcp: Awaited<ReturnType<typeof connectMcp>> | undefined;
      let refusedConnection = '';
      try {
        mcp = await connectMcp(baseUrl, auth);
        clients.push(mcp.client);
      } catch (error) {
        refusedConnection = String(error);
      }
      for (const op of OPERATIONS) {
        for (const dryRun of [false, true]) {
          index += 1;
          const [restName, mcpName] = [`mx-${index}-rest`, `mx-${index}-mcp`];
          if (op !== 'POST create' && auth) {
            await target(restName, principal);
            await target(mcpName, principal);
          }
          const viaRest = restOutcome(
            (await restCell(op, principal, dryRun, restName)).status,
          );
          // Without a valid token the MCP endpoint refuses the connection itself, with a 401.
          const viaMcp = mcp
            ? mcpOutcome(
                await mcpCell(mcp.call, op, principal, dryRun, mcpName),
              )
            : refusedConnection.includes('401') && 'not signed in';
          const row = `${op}${
            dryRun ? ' (dry run)' : ''
          } / ${principal}: REST ${viaRest}, MCP ${viaMcp}`;
          rows.push(row);
          if (viaRest !== viaMcp) differ.push(row);
        }
      }
    }
    expect(differ).toEqual([]);
    expect(rows).toHaveLength(PRINCIPALS.length * OPERATIONS.length * 2);
    // The matrix as the acceptance suite expects it, in the cells that tell the policy apart.
    expect(rows).toEqual(
      expect.arrayContaining([
        'PATCH / owner: REST allowed, MCP allowed',
        'PATCH / other team: REST refused, MCP refused',
        'DELETE / other team: REST refused, MCP refused',
        'PUT credentials (dry run) / other team: REST refused, MCP refused',
        'POST existing name + credentials / other team: REST refused, MCP refused',
        'POST create / other team: REST allowed, MCP allowed',
        'DELETE / no token: REST not signed in, MCP not signed in',
        'PATCH / bad token: REST not signed in, MCP not signed in',
      ]),
    );
  });
});
