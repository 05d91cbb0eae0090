import http from 'http';
import { AddressInfo } from 'net';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  KarsClient,
  Sandbox,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { KarsEntityProvider } from './KarsEntityProvider';
import { SandboxEntityOptions } from './sandboxToEntities';

const options: SandboxEntityOptions = {
  defaultOwner: 'group:default/platform',
  systemOwner: 'group:default/platform',
  lifecycle: 'production',
};

const SECRET = 'xoxb-9999-SeCrEtThAtMuStNotLeAk';

function sandbox(name: string, a2a = true): Sandbox {
  return {
    name,
    cluster: 'primary',
    namespace: `kars-${name}`,
    spec: sandboxSpecSchema.parse({
      owner: 'group:default/team-a',
      a2a: { enabled: a2a },
    }),
    status: {
      phase: 'Running',
      conditions: [],
    } as unknown as Sandbox['status'],
    credentialKeys: ['SLACK_BOT_TOKEN'],
    uid: `uid-${name}`,
    generation: 1,
    createdAt: '2026-01-01T00:00:00Z',
    deleting: false,
  };
}

/** A kars REST API on a real local HTTP server, whose failures the test chooses. */
class FakeKarsBackend {
  sandboxes = new Map<string, Sandbox>();
  failPage?: number;
  failGet?: string;
  goneOnRead?: string;
  tokens: string[] = [];
  private server?: http.Server;
  baseUrl = '';

  async start() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/api/kars`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise(r => this.server?.close(r));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    this.tokens.push(String(req.headers.authorization));
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, name: string) =>
      send(status, {
        error: { name, message: name },
        response: { statusCode: status },
      });
    if (url.pathname === '/api/kars/sandboxes') {
      const limit = Number(url.searchParams.get('limit'));
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const page = start / limit + 1;
      if (page === this.failPage) return error(503, 'ServiceUnavailableError');
      const names = [...this.sandboxes.keys()].sort();
      const items = names.slice(start, start + limit).map(name => ({ name }));
      return send(200, {
        items,
        totalCount: names.length,
        nextCursor:
          start + limit < names.length ? String(start + limit) : undefined,
      });
    }
    const match = url.pathname.match(/^\/api\/kars\/sandboxes\/([^/]+)$/);
    if (match) {
      const name = decodeURIComponent(match[1]);
      if (name === this.failGet) return error(500, 'Error');
      const found =
        name === this.goneOnRead ? undefined : this.sandboxes.get(name);
      return found ? send(200, found) : error(404, 'NotFoundError');
    }
    return error(404, 'NotFoundError');
  }
}

describe('KarsEntityProvider', () => {
  const backend = new FakeKarsBackend();
  let mutations: EntityProviderMutation[];
  let connection: EntityProviderConnection;
  let scheduled: () => Promise<void>;
  const events = mockServices.events();
  const logger = mockServices.logger.mock();
  let provider: KarsEntityProvider;

  const publish = (name: string, change: 'upserted' | 'deleted') =>
    events.publish({
      topic: 'kars.sandbox',
      eventPayload: { name, cluster: 'primary', change },
    });

  beforeAll(async () => {
    await backend.start();
    provider = new KarsEntityProvider({
      logger,
      client: new KarsClient({
        discoveryApi: { getBaseUrl: async () => backend.baseUrl },
      }),
      token: async () => 'catalog-token',
      taskRunner: {
        run: async task => {
          scheduled = async () => {
            await task.fn(new AbortController().signal);
          };
        },
      },
      events,
      entities: options,
    });
    connection = {
      applyMutation: async m => void mutations.push(m),
      refresh: async () => {},
    };
    await provider.connect(connection);
  });

  afterAll(() => backend.stop());

  beforeEach(() => {
    mutations = [];
    backend.sandboxes.clear();
    backend.failPage = undefined;
    backend.failGet = undefined;
    backend.goneOnRead = undefined;
    backend.tokens = [];
  });

  const seed = (count: number) => {
    for (let i = 0; i < count; i++) {
      const name = `tenant-${String(i).padStart(3, '0')}`;
      backend.sandboxes.set(name, sandbox(name));
    }
  };

  it('applies a full mutation of every sandbox across pages, with its own token', async () => {
    seed(150);
    await scheduled();
    expect(mutations).toHaveLength(1);
    const [mutation] = mutations;
    expect(mutation.type).toBe('full');
    if (mutation.type !== 'full') throw new Error();
    expect(mutation.entities).toHaveLength(1 + 150 * 3);
    expect(mutation.entities[0].entity.kind).toBe('System');
    expect(new Set(mutation.entities.map(e => e.locationKey))).toEqual(
      new Set(['kars']),
    );
    expect(new Set(backend.tokens)).toEqual(new Set(['Bearer catalog-token']));
  });

  it('applies nothing when the backend is down', async () => {
    seed(3);
    const down = new KarsEntityProvider({
      logger,
      client: new KarsClient({
        discoveryApi: { getBaseUrl: async () => 'http://127.0.0.1:1/api/kars' },
      }),
      token: async () => 't',
      taskRunner: { run: async () => {} },
      entities: options,
    });
    await down.connect(connection);
    await expect(down.refresh()).resolves.toBe(false);
    expect(mutations).toEqual([]);
    expect(logger.error).toHaveBeenCalled();
  });

  it('applies nothing when the token cannot be had', async () => {
    seed(3);
    const noToken = new KarsEntityProvider({
      logger,
      client: new KarsClient({
        discoveryApi: { getBaseUrl: async () => backend.baseUrl },
      }),
      token: async () => {
        throw new Error('no token');
      },
      taskRunner: { run: async () => {} },
      entities: options,
    });
    await noToken.connect(connection);
    await expect(noToken.refresh()).resolves.toBe(false);
    expect(mutations).toEqual([]);
  });

  it('applies nothing when the second page fails', async () => {
    seed(150);
    backend.failPage = 2;
    await scheduled();
    expect(mutations).toEqual([]);
  });

  it('applies nothing when reading one sandbox fails', async () => {
    seed(20);
    backend.failGet = 'tenant-013';
    await expect(provider.refresh()).resolves.toBe(false);
    expect(mutations).toEqual([]);
  });

  it('applies an empty full mutation (but the System) after a successful empty list', async () => {
    await expect(provider.refresh()).resolves.toBe(true);
    expect(mutations).toHaveLength(1);
    const [mutation] = mutations;
    if (mutation.type !== 'full') throw new Error('not full');
    expect(mutation.entities.map(e => e.entity.kind)).toEqual(['System']);
  });

  it('leaves out a sandbox deleted between the list and its read', async () => {
    seed(2);
    // The list still names tenant-001, its read answers 404.
    backend.goneOnRead = 'tenant-001';
    await provider.refresh();
    const [mutation] = mutations;
    if (mutation.type !== 'full') throw new Error('not full');
    expect(mutation.entities.map(e => e.entity.metadata.name)).toEqual([
      'kars',
      'tenant-000',
      'tenant-000-agent',
      'tenant-000-agent-card',
    ]);
  });

  it('turns an upserted event into a delta that adds the sandbox entities', async () => {
    backend.sandboxes.set('tenant-new', sandbox('tenant-new'));
    await publish('tenant-new', 'upserted');
    expect(mutations).toHaveLength(1);
    const [mutation] = mutations;
    if (mutation.type !== 'delta') throw new Error('not delta');
    expect(mutation.added.map(e => e.entity.metadata.name)).toEqual([
      'kars',
      'tenant-new',
      'tenant-new-agent',
      'tenant-new-agent-card',
    ]);
    expect(mutation.removed).toEqual([]);
  });

  it('removes the card when an upsert turned A2A off', async () => {
    backend.sandboxes.set('tenant-new', sandbox('tenant-new', false));
    await publish('tenant-new', 'upserted');
    const [mutation] = mutations;
    if (mutation.type !== 'delta') throw new Error('not delta');
    expect(mutation.added.map(e => e.entity.metadata.name)).toEqual([
      'kars',
      'tenant-new',
      'tenant-new-agent',
    ]);
    expect(mutation.removed).toEqual([
      { entityRef: 'api:default/tenant-new-agent-card', locationKey: 'kars' },
    ]);
  });

  it('turns a deleted event, or an upsert of a sandbox already gone, into a removal', async () => {
    const removed = [
      { entityRef: 'resource:default/tenant-x', locationKey: 'kars' },
      { entityRef: 'component:default/tenant-x-agent', locationKey: 'kars' },
      { entityRef: 'api:default/tenant-x-agent-card', locationKey: 'kars' },
    ];
    await publish('tenant-x', 'deleted');
    await publish('tenant-x', 'upserted');
    expect(mutations).toEqual([
      { type: 'delta', added: [], removed },
      { type: 'delta', added: [], removed },
    ]);
  });

  it('applies only the latest change of a sandbox when events overlap', async () => {
    backend.sandboxes.set('tenant-y', sandbox('tenant-y'));
    const first = publish('tenant-y', 'upserted');
    backend.sandboxes.delete('tenant-y');
    const second = publish('tenant-y', 'deleted');
    await Promise.all([first, second]);
    expect(mutations.map(m => m.type === 'delta' && m.added.length)).toEqual([
      expect.any(Number),
      0,
    ]);
    expect(mutations[mutations.length - 1]).toMatchObject({
      added: [],
      removed: expect.arrayContaining([
        { entityRef: 'resource:default/tenant-y', locationKey: 'kars' },
      ]),
    });
  });

  it('applies nothing for an event it cannot read, and ignores malformed ones', async () => {
    backend.sandboxes.set('tenant-z', sandbox('tenant-z'));
    backend.failGet = 'tenant-z';
    await publish('tenant-z', 'upserted');
    await events.publish({ topic: 'kars.sandbox', eventPayload: { what: 1 } });
    expect(mutations).toEqual([]);
  });

  it('puts no live state and no secret in any entity', async () => {
    seed(2);
    const withSecret = sandbox('tenant-s');
    (withSecret as any).credentials = { SLACK_BOT_TOKEN: SECRET };
    (withSecret.spec as any).note = SECRET;
    backend.sandboxes.set('tenant-s', withSecret);
    await provider.refresh();
    await publish('tenant-s', 'upserted');
    const text = JSON.stringify(mutations);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('SLACK_BOT_TOKEN');
    expect(text).not.toMatch(
      /"(status|phase|conditions|credentialKeys|uid|generation)"/,
    );
    expect(text).not.toContain('Running');
  });
});
