import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  KarsClient,
  Sandbox,
  SandboxListItem,
} from '@kars-portal/plugin-kars-common';
import {
  FakeKarsApi,
  RoutedRequest,
  sandboxFixture,
} from '@kars-portal/test-kit';
import {
  FakeKarsServer,
  startFakeKarsServer,
} from '@kars-portal/test-kit/http';
import { KarsEntityProvider, PAGE_SIZE } from './KarsEntityProvider';
import { SandboxEntityOptions } from './sandboxToEntities';

const options: SandboxEntityOptions = {
  defaultOwner: 'group:default/platform',
  systemOwner: 'group:default/platform',
  lifecycle: 'production',
};

const SECRET = 'xoxb-9999-SeCrEtThAtMuStNotLeAk';

function sandbox(name: string, a2a = true): Sandbox {
  return sandboxFixture({
    name,
    cluster: 'primary',
    spec: { owner: 'group:default/team-a', a2a: { enabled: a2a } },
    status: { phase: 'Running', conditions: [] },
    credentialKeys: ['SLACK_BOT_TOKEN'],
    createdAt: '2026-01-01T00:00:00Z',
  });
}

/** Rewrites each item of the list answers of the fake before they are sent. */
const alterItems =
  (alter: (item: SandboxListItem) => SandboxListItem) =>
  (request: RoutedRequest, body: any) =>
    request.route === 'list' ? { ...body, items: body.items.map(alter) } : body;

describe('KarsEntityProvider', () => {
  /** The kars REST API of the test kit, on a real local HTTP server; its failures the test chooses. */
  const backend = new FakeKarsApi({ cluster: 'primary' });
  let server: FakeKarsServer;
  /** `GET /sandboxes` and the routes of one sandbox, as called. */
  const calls = () =>
    backend.requests.map(r =>
      r.path.split('?')[0] === '/api/kars/sandboxes' ? 'list' : 'sandbox',
    );
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
    server = await startFakeKarsServer(backend);
    provider = new KarsEntityProvider({
      logger,
      client: new KarsClient({
        discoveryApi: { getBaseUrl: async () => server.baseUrl },
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

  afterAll(() => server.stop());

  beforeEach(() => {
    mutations = [];
    backend.reset();
  });

  const seed = (count: number) => {
    for (let i = 0; i < count; i++) {
      backend.addSandbox(sandbox(`tenant-${String(i).padStart(3, '0')}`));
    }
  };

  it('reads 250 sandboxes with one list call per page and no call per sandbox', async () => {
    seed(250);
    await scheduled();
    expect(calls()).toEqual(Array(Math.ceil(250 / PAGE_SIZE)).fill('list'));
    expect(calls()).toHaveLength(3);
    const [mutation] = mutations;
    if (mutation.type !== 'full') throw new Error('not full');
    expect(mutation.entities).toHaveLength(1 + 250 * 3);
  });

  it('takes the card the backend built as the definition, and only what the card schema knows', async () => {
    seed(1);
    backend.rewrite = alterItems(item => ({
      ...item,
      agentCard: {
        ...item.agentCard!,
        description: 'Built by the backend',
        token: SECRET,
      } as SandboxListItem['agentCard'],
    }));
    await provider.refresh();
    const [mutation] = mutations;
    if (mutation.type !== 'full') throw new Error('not full');
    const api = mutation.entities.find(e => e.entity.kind === 'API')!;
    const definition = JSON.parse(api.entity.spec?.definition as string);
    expect(definition.description).toBe('Built by the backend');
    expect(definition).not.toHaveProperty('token');
  });

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
    expect(new Set(backend.requests.map(r => r.authorization))).toEqual(
      new Set(['Bearer catalog-token']),
    );
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
        discoveryApi: { getBaseUrl: async () => server.baseUrl },
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
    backend.fail({
      route: 'list',
      when: r => r.query.get('cursor') === String(PAGE_SIZE),
      status: 503,
    });
    await scheduled();
    expect(mutations).toEqual([]);
  });

  it.each([
    ['without its spec', ({ spec: _s, ...item }: SandboxListItem) => item],
    ['without its card', ({ agentCard: _c, ...item }: SandboxListItem) => item],
    [
      'with a card that is no A2A card',
      (item: SandboxListItem) =>
        ({ ...item, agentCard: { name: 'x' } } as SandboxListItem),
    ],
  ])('applies nothing when an item comes %s', async (_, alter) => {
    seed(20);
    backend.rewrite = alterItems(item =>
      item.name === 'tenant-013' ? alter(item) : item,
    );
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

  it('emits a sandbox once when the list moved it onto the next page between two reads', async () => {
    seed(PAGE_SIZE + 1);
    // Made while the first page is served; it sorts second, so tenant-099 is on both pages.
    backend.rewrite = alterItems(item => {
      if (item.name === 'tenant-099') {
        backend.addSandbox(sandbox('tenant-000a'));
      }
      return item;
    });
    await provider.refresh();
    expect(calls()).toEqual(['list', 'list']);
    const [mutation] = mutations;
    if (mutation.type !== 'full') throw new Error('not full');
    const names = mutation.entities.map(e => e.entity.metadata.name);
    expect(names.filter(n => n === 'tenant-099')).toHaveLength(1);
    expect(names).toContain('tenant-100');
  });

  it('turns an upserted event into a delta that adds the sandbox entities', async () => {
    backend.addSandbox(sandbox('tenant-new'));
    await publish('tenant-new', 'upserted');
    expect(calls()).toEqual(['list']);
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
    backend.addSandbox(sandbox('tenant-new', false));
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
    backend.addSandbox(sandbox('tenant-y'));
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

  it('applies a burst of changes in a few deltas, leaving out only the sandbox it cannot read', async () => {
    seed(40);
    backend.fail({
      route: 'list',
      when: r => r.query.get('name') === 'tenant-007',
      status: 500,
    });
    const names = Array.from(
      { length: 40 },
      (_, i) => `tenant-${String(i).padStart(3, '0')}`,
    );
    await Promise.all([
      ...names.map(name => publish(name, 'upserted')),
      publish('tenant-gone', 'deleted'),
    ]);
    // The first change alone, then everything that arrived while it was applied.
    expect(mutations).toHaveLength(2);
    const added = mutations.flatMap(m =>
      m.type === 'delta' ? m.added.map(e => e.entity.metadata.name) : [],
    );
    expect(added.filter(n => /^tenant-\d+$/.test(n)).sort()).toEqual(
      names.filter(n => n !== 'tenant-007'),
    );
    expect(added.filter(n => n === 'kars')).toHaveLength(2);
    expect(
      mutations.flatMap(m => (m.type === 'delta' ? m.removed : [])),
    ).toEqual(
      expect.arrayContaining([
        { entityRef: 'resource:default/tenant-gone', locationKey: 'kars' },
      ]),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'could not apply the change of sandbox tenant-007; the next full run will',
      ),
    );
  });

  it('applies nothing for an event it cannot read, and ignores malformed ones', async () => {
    backend.addSandbox(sandbox('tenant-z'));
    backend.fail({
      route: 'list',
      when: r => r.query.get('name') === 'tenant-z',
      status: 500,
    });
    await publish('tenant-z', 'upserted');
    await events.publish({ topic: 'kars.sandbox', eventPayload: { what: 1 } });
    expect(mutations).toEqual([]);
  });

  it('puts no live state and no secret in any entity', async () => {
    seed(2);
    backend.addSandbox(sandbox('tenant-s'));
    // A backend that drifted: a secret beside the spec and in it.
    backend.rewrite = alterItems(item =>
      item.name === 'tenant-s'
        ? ({
            ...item,
            credentials: { SLACK_BOT_TOKEN: SECRET },
            spec: { ...item.spec, note: SECRET },
          } as SandboxListItem)
        : item,
    );
    await provider.refresh();
    await publish('tenant-s', 'upserted');
    const names = mutations.flatMap(m =>
      m.type === 'full' ? m.entities : m.added,
    );
    expect(names.map(e => e.entity.metadata.name)).toContain('tenant-s');
    const text = JSON.stringify(mutations);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('SLACK_BOT_TOKEN');
    expect(text).not.toMatch(
      /"(status|phase|conditions|credentialKeys|uid|generation)"/,
    );
    expect(text).not.toContain('Running');
  });
});
