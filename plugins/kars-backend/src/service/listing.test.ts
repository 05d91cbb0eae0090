import {
  buildAgentCard,
  listSandboxesQuerySchema,
  ListSandboxesQuery,
  Sandbox,
  sandboxSpecSchema,
  SandboxSummary,
} from '@kars-portal/plugin-kars-common';
import { listPage, pageSummaries, toSummary } from './listing';

const row = (
  name: string,
  overrides: Partial<SandboxSummary> = {},
): SandboxSummary => ({
  name,
  cluster: 'primary',
  owner: 'group:default/team-a',
  isolation: 'enhanced',
  model: 'gpt-4.1',
  phase: 'Running',
  ready: true,
  suspended: false,
  deleting: false,
  budget: { dailyFraction: null, monthlyFraction: null },
  channelTrouble: [],
  ...overrides,
});

const names = (page: { items: SandboxSummary[] }) =>
  page.items.map(s => s.name);

describe('pageSummaries', () => {
  it('filters by owner in canonical form, as the permission rule compares', () => {
    const rows = [
      row('a', { owner: 'group:team-a' }),
      row('b', { owner: 'group:default/team-a' }),
      row('c', { owner: 'group:team-b' }),
      row('d', { owner: undefined }),
    ];
    expect(
      names(pageSummaries(rows, { owner: 'group:default/team-a' })),
    ).toEqual(['a', 'b']);
    expect(names(pageSummaries(rows, { owner: 'group:team-a' }))).toEqual([
      'a',
      'b',
    ]);
  });

  it('searches the name, and the model and owner whatever their case', () => {
    const rows = [
      row('alpha', { model: 'Phi-4', owner: 'user:default/Jane' }),
      row('beta', { model: 'gpt-4o', owner: 'group:default/team-b' }),
      row('phi-gamma', { owner: undefined }),
    ];
    expect(names(pageSummaries(rows, { q: 'phi' }))).toEqual([
      'alpha',
      'phi-gamma',
    ]);
    expect(names(pageSummaries(rows, { q: 'jane' }))).toEqual(['alpha']);
    expect(names(pageSummaries(rows, { q: 'team-b' }))).toEqual(['beta']);
    expect(names(pageSummaries(rows, { q: 'GPT-4O' }))).toEqual(['beta']);
    // A new row of the same sandbox is searched by what it says now.
    const changed = [{ ...rows[1], model: 'Phi-4-mini' }];
    expect(names(pageSummaries(changed, { q: 'phi' }))).toEqual(['beta']);
  });

  it('filters by cluster, and a cursor of one cluster is refused for another', () => {
    const rows = [
      row('a'),
      row('b', { cluster: 'edge' }),
      row('c'),
      row('d', { cluster: 'edge' }),
    ];
    expect(names(pageSummaries(rows, { cluster: 'edge' }))).toEqual(['b', 'd']);
    expect(names(pageSummaries(rows, { cluster: 'primary' }))).toEqual([
      'a',
      'c',
    ]);
    const first = pageSummaries(rows, { cluster: 'primary', limit: 1 });
    expect(() =>
      pageSummaries(rows, {
        cluster: 'edge',
        limit: 1,
        cursor: first.nextCursor,
      }),
    ).toThrow(/cursor/);
  });

  it.each([
    ['asc', ['a', 'b', 'c', 'd']],
    ['desc', ['d', 'c', 'b', 'a']],
  ] as const)(
    'breaks ties of the sort key by name in the same order (%s)',
    (order, expected) => {
      const rows = ['b', 'd', 'a', 'c'].map(name =>
        row(name, { model: 'gpt-4.1' }),
      );
      expect(names(pageSummaries(rows, { sort: 'model', order }))).toEqual(
        expected,
      );
    },
  );

  it('pages a descending listing with names descending within ties', () => {
    const rows = ['b', 'd', 'a', 'c', 'e'].map(name =>
      row(name, { phase: name < 'c' ? 'Running' : 'Creating' }),
    );
    const first = pageSummaries(rows, {
      sort: 'phase',
      order: 'desc',
      limit: 2,
    });
    const second = pageSummaries(rows, {
      sort: 'phase',
      order: 'desc',
      limit: 2,
      cursor: first.nextCursor,
    });
    const third = pageSummaries(rows, {
      sort: 'phase',
      order: 'desc',
      limit: 2,
      cursor: second.nextCursor,
    });
    expect([...names(first), ...names(second), ...names(third)]).toEqual([
      'b',
      'a',
      'e',
      'd',
      'c',
    ]);
  });
});

describe('toSummary', () => {
  const sandbox: Sandbox = {
    name: 'tenant-a',
    cluster: 'primary',
    namespace: 'kars-tenant-a',
    spec: sandboxSpecSchema.parse({
      channels: [{ type: 'telegram' }, { type: 'slack' }, { type: 'discord' }],
    }),
    status: {
      phase: 'Running',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Running',
          message: '',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
    credentialKeys: ['TELEGRAM_BOT_TOKEN', 'SLACK_BOT_TOKEN'],
    uid: 'uid-tenant-a',
    generation: 1,
    createdAt: '2026-01-01T00:00:00Z',
    deleting: false,
  };
  const budget = { dailyFraction: null, monthlyFraction: null };

  it('counts as channel trouble a channel without credentials and one last seen failing, in the spec’s order', () => {
    expect(toSummary(sandbox, budget).channelTrouble).toEqual(['discord']);
    expect(toSummary(sandbox, budget, ['slack']).channelTrouble).toEqual([
      'slack',
      'discord',
    ]);
  });

  it('lists a sandbox whose channel fails among those with trouble, and only while it fails', () => {
    const trouble = (failing: Array<'slack'>) =>
      names(
        pageSummaries(
          [
            toSummary(
              {
                ...sandbox,
                credentialKeys: [
                  ...sandbox.credentialKeys,
                  'DISCORD_BOT_TOKEN',
                ],
              },
              budget,
              failing,
            ),
          ],
          { trouble: 'true' },
        ),
      );
    expect(trouble(['slack'])).toEqual(['tenant-a']);
    expect(trouble([])).toEqual([]);
  });
});

describe('listPage', () => {
  const sandbox = (name: string, a2a: boolean): Sandbox => ({
    name,
    cluster: 'primary',
    namespace: `kars-${name}`,
    spec: sandboxSpecSchema.parse({ model: 'gpt-4o', a2a: { enabled: a2a } }),
    status: { phase: 'Running', conditions: [] },
    credentialKeys: [],
    uid: `uid-${name}`,
    generation: 1,
    createdAt: '2026-01-01T00:00:00Z',
    deleting: false,
  });
  const fleet = ['c', 'a', 'b'].map((name, i) => sandbox(name, i !== 1));
  const cards: string[] = [];
  const card = (s: Sandbox) => {
    cards.push(s.name);
    return buildAgentCard(s.name, s.spec, { clusterDomain: 'west.local' });
  };
  const list = (query: ListSandboxesQuery) =>
    listPage(
      fleet,
      listSandboxesQuerySchema.parse(query),
      () => ({ dailyFraction: null, monthlyFraction: null }),
      card,
    );

  beforeEach(() => {
    cards.length = 0;
  });

  it('adds the spec and the card the backend serves to the items of the page only, null with A2A off', () => {
    const page = list({ limit: 2, include: 'spec,agentCard' });
    expect(page.items.map(i => [i.name, i.spec?.model])).toEqual([
      ['a', 'gpt-4o'],
      ['b', 'gpt-4o'],
    ]);
    expect(page.items[0].agentCard).toBeNull();
    expect(page.items[1].agentCard).toEqual(
      buildAgentCard('b', fleet[2].spec, { clusterDomain: 'west.local' }),
    );
    expect(cards).toEqual(['a', 'b']);
    expect(page.totalCount).toBe(3);
  });

  it('adds only what include names, and nothing without it', () => {
    const specOnly = list({ include: 'spec' }).items[0];
    expect(specOnly.spec).toBeDefined();
    expect('agentCard' in specOnly).toBe(false);
    const plain = list({}).items[0];
    expect(Object.keys(plain)).not.toContain('spec');
    expect(Object.keys(plain)).not.toContain('agentCard');
    expect(cards).toEqual([]);
  });

  it('keeps only the sandbox of the exact name', () => {
    expect(list({ name: 'b' }).items.map(i => i.name)).toEqual(['b']);
    expect(list({ name: 'b', q: 'b' }).totalCount).toBe(1);
    expect(list({ name: 'tenant' }).items).toEqual([]);
  });
});
