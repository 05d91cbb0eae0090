import {
  canonicalEntityRef,
  ChannelType,
  ListSandboxesQuery,
  listSandboxesQuerySchema,
  Sandbox,
  SANDBOX_SORT_KEYS,
} from '@kars-portal/plugin-kars-common';
import {
  emitChange,
  fakeCluster,
  sandboxObject,
} from '../__testUtils__/fakeClusters';
import { BudgetFractions, listPage } from './listing';
import { SandboxListIndex } from './SandboxListIndex';
import {
  CREDENTIAL_KEYS_ANNOTATION,
  KarsSandboxObject,
  toSandbox,
} from './sandboxObject';

const OWNERS = [
  'group:default/team-a',
  'group:team-a',
  'group:default/team-b',
  'user:default/jane',
  'user:Jane',
  undefined,
];
const PHASES = ['Running', 'Creating', 'Failed', 'Degraded', undefined];
const MODELS = ['gpt-4.1', 'gpt-4o', 'Phi-4'];
const ISOLATION = ['standard', 'enhanced', 'confidential'];

/** A KarsSandbox of a varied fleet: owners in several spellings (or none), phases, models, channels. */
function tenant(i: number, version = 1): KarsSandboxObject {
  const owner = OWNERS[i % OWNERS.length];
  const object = sandboxObject(
    `tenant-${String(i).padStart(3, '0')}`,
    {
      ...(owner ? { owner } : {}),
      model: MODELS[(i + version) % MODELS.length],
      sandbox: { isolation: ISOLATION[i % 3] },
      suspended: i % 11 === 0,
      channels: i % 4 === 0 ? [{ type: 'telegram' }, { type: 'slack' }] : [],
      tokenBudget: {
        perRequestTokens: 10,
        dailyTokens: 100 + i,
        monthlyTokens: 0,
      },
    },
    {
      resourceVersion: String(version),
      annotations:
        i % 8 === 0
          ? { [CREDENTIAL_KEYS_ANNOTATION]: 'TELEGRAM_BOT_TOKEN' }
          : {},
    },
  );
  const phase = PHASES[(i + version) % PHASES.length];
  object.status = {
    ...(phase ? { phase } : {}),
    ...(i % 3
      ? {
          lastReconciledAt: `2026-01-01T00:00:${String(i % 60).padStart(
            2,
            '0',
          )}Z`,
        }
      : {}),
    conditions:
      i % 2
        ? [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Running',
              message: '',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ]
        : [],
  };
  return object;
}

/** A fleet of two fake clusters whose caches can change, the sources' state, and the index over it. */
function fleet(count: number) {
  const held = new Map<string, Map<string, KarsSandboxObject>>([
    ['east', new Map()],
    ['west', new Map()],
  ]);
  for (let i = 0; i < count; i++) {
    const object = tenant(i);
    held.get(i % 2 ? 'east' : 'west')!.set(object.metadata.name, object);
  }
  const clusters = [...held.keys()].map(name =>
    fakeCluster({ name, objects: () => [...held.get(name)!.values()] }),
  );
  const usage = { version: 0, used: new Map<string, number>() };
  const failing = { version: 0, channels: new Map<string, ChannelType[]>() };
  const fractions = (s: Sandbox): BudgetFractions => {
    const used = usage.used.get(s.name);
    return {
      dailyFraction:
        used === undefined ? null : used / s.spec.tokenBudget.dailyTokens,
      monthlyFraction: null,
    };
  };
  const failingOf = (s: Sandbox) => failing.channels.get(s.name) ?? [];
  const index = new SandboxListIndex(clusters, {
    fractions,
    failing: failingOf,
    versions: () => [usage.version, failing.version],
  });
  const cluster = (name: string) => clusters.find(c => c.name === name)!;
  return {
    index,
    usage,
    failing,
    /** Puts a new version of an object into a cluster's cache and tells the index, as the informer does. */
    upsert(clusterName: string, object: KarsSandboxObject) {
      const objects = held.get(clusterName)!;
      const old = objects.get(object.metadata.name);
      objects.set(object.metadata.name, object);
      emitChange(cluster(clusterName), { type: 'upsert', object, old });
    },
    delete(clusterName: string, name: string) {
      const objects = held.get(clusterName)!;
      const object = objects.get(name)!;
      objects.delete(name);
      emitChange(cluster(clusterName), { type: 'delete', object });
    },
    /** The listing made from scratch from the caches, as the route made it before the index. */
    reference(
      query: ListSandboxesQuery,
      visible?: (owner?: string) => boolean,
    ) {
      const sandboxes = clusters
        .flatMap(c => c.sandboxes.list().map(o => toSandbox(o, c.name)))
        .filter(
          s =>
            !visible ||
            visible(
              s.spec.owner === undefined
                ? undefined
                : canonicalEntityRef(s.spec.owner),
            ),
        );
      return listPage(
        sandboxes,
        listSandboxesQuerySchema.parse(query),
        fractions,
        () => undefined,
        failingOf,
      );
    },
  };
}

type Fleet = ReturnType<typeof fleet>;

/** The queries compared: every sort both ways, each filter, a search, owners, limits. */
const QUERIES: ListSandboxesQuery[] = [
  ...SANDBOX_SORT_KEYS.flatMap(sort =>
    (['asc', 'desc'] as const).map(order => ({ sort, order, limit: 500 })),
  ),
  { phase: 'Running', limit: 500 },
  { isolation: 'confidential', sort: 'model', limit: 500 },
  { model: 'gpt-4o', sort: 'phase', order: 'desc', limit: 500 },
  { trouble: 'true', sort: 'budget', order: 'desc', limit: 500 },
  { trouble: 'false', limit: 500 },
  { q: 'tenant-01', limit: 500 },
  { q: 'jane', sort: 'owner', limit: 500 },
  { q: 'PHI', limit: 500 },
  { owner: 'group:team-a', sort: 'lastReconciled', limit: 500 },
  { owner: 'user:jane', limit: 500 },
  { owner: 'group:default/nobody', limit: 500 },
  { cluster: 'east', sort: 'isolation', order: 'desc', limit: 500 },
  { name: 'tenant-007', limit: 500 },
  { name: 'tenant-008', phase: 'Running', order: 'desc' },
  { name: 'tenant-009', owner: 'group:team-a' },
  { name: 'tenant-404' },
  { limit: 7 },
  { sort: 'model', order: 'desc', limit: 13 },
];

/** Owner predicates compared: everyone, one owner (a few rows: gathered), most owners (scanned), none. */
const VISIBILITY: Array<[string, ((owner?: string) => boolean) | undefined]> = [
  ['every sandbox', undefined],
  ['jane only', o => o === 'user:default/jane'],
  ['all but team-b', o => o !== 'group:default/team-b'],
  ['sandboxes without an owner', o => o === undefined],
  ['nothing', () => false],
];

/** Compares the index with the listing made from scratch for every query and visibility. */
function expectSameAsReference(f: Fleet) {
  for (const [, visible] of VISIBILITY) {
    for (const query of QUERIES) {
      const parsed = listSandboxesQuerySchema.parse(query);
      const page = f.index.page(parsed, visible);
      const reference = f.reference(query, visible);
      expect({
        query,
        items: page.items.map(i => i.summary),
        totalCount: page.totalCount,
        nextCursor: page.nextCursor,
      }).toEqual({ query, ...reference });
    }
  }
}

describe('SandboxListIndex', () => {
  it('answers every query and visibility as the listing made from scratch does', () => {
    const f = fleet(240);
    expect(f.index.size).toBe(240);
    expectSameAsReference(f);
  });

  it('pages through a listing with cursors as the listing made from scratch does', () => {
    const f = fleet(60);
    let query: ListSandboxesQuery = { sort: 'phase', order: 'desc', limit: 7 };
    const seen: string[] = [];
    for (;;) {
      const page = f.index.page(listSandboxesQuerySchema.parse(query));
      expect(page.items.map(i => i.summary)).toEqual(f.reference(query).items);
      seen.push(...page.items.map(i => i.summary.name));
      if (!page.nextCursor) break;
      query = { ...query, cursor: page.nextCursor };
    }
    expect(new Set(seen).size).toBe(60);
  });

  it('keeps every sorted order through upserts, new sandboxes and deletes', () => {
    const f = fleet(120);
    expectSameAsReference(f);
    const generation = f.index.generation;
    f.upsert('west', tenant(2, 2));
    f.upsert('east', tenant(7, 3));
    f.upsert('east', tenant(301));
    f.delete('west', 'tenant-010');
    f.delete('east', 'tenant-011');
    expect(f.index.generation).toBe(generation + 5);
    expect(f.index.size).toBe(119);
    expectSameAsReference(f);
    const names = f.index
      .page(listSandboxesQuerySchema.parse({ limit: 500 }))
      .items.map(i => i.summary.name);
    expect(names).toContain('tenant-301');
    expect(names).not.toContain('tenant-010');
  });

  it('moves a sandbox to its new owner’s rows when its owner changes', () => {
    const f = fleet(30);
    const jane = (o?: string) => o === 'user:default/jane';
    const before = f.index.page(listSandboxesQuerySchema.parse({}), jane);
    const moved = tenant(1, 1);
    moved.spec = { ...moved.spec, owner: 'user:jane' };
    f.upsert('east', moved);
    const after = f.index.page(listSandboxesQuerySchema.parse({}), jane);
    expect(after.totalCount).toBe(before.totalCount + 1);
    expect(after.items.map(i => i.summary.name)).toContain('tenant-001');
    expectSameAsReference(f);
  });

  it('keeps the same generation while nothing changes', () => {
    const f = fleet(10);
    const generation = f.index.generation;
    f.index.page(listSandboxesQuerySchema.parse({ sort: 'budget' }));
    expect(f.index.generation).toBe(generation);
  });

  it('keeps its generation when a new usage snapshot or channel check changes no row', () => {
    const f = fleet(20);
    const generation = f.index.generation;
    f.usage.version++;
    f.failing.version++;
    expect(f.index.generation).toBe(generation);
    f.failing.channels = new Map([['tenant-008', ['telegram']]]);
    f.failing.version++;
    expect(f.index.generation).toBe(generation + 1);
  });

  it('remakes the rows when a cluster’s usage snapshot changes: budget fractions and their order', () => {
    const f = fleet(40);
    const byBudget = listSandboxesQuerySchema.parse({
      sort: 'budget',
      order: 'desc',
      limit: 3,
    });
    expect(
      f.index.page(byBudget).items[0].summary.budget.dailyFraction,
    ).toBeNull();
    const generation = f.index.generation;
    f.usage.used = new Map([
      ['tenant-005', 100],
      ['tenant-030', 500],
    ]);
    f.usage.version++;
    expect(f.index.generation).toBeGreaterThan(generation);
    expect(f.index.page(byBudget).items.map(i => i.summary.name)).toEqual([
      'tenant-030',
      'tenant-005',
      'tenant-039',
    ]);
    expectSameAsReference(f);
  });

  it('remakes the rows when a channel check changes what fails: channel trouble and the trouble filter', () => {
    const f = fleet(40);
    const trouble = listSandboxesQuerySchema.parse({
      trouble: 'true',
      limit: 500,
      name: 'tenant-008',
    });
    expect(f.index.page(trouble).totalCount).toBe(1);
    const ok = tenant(8);
    ok.metadata.annotations = {
      [CREDENTIAL_KEYS_ANNOTATION]: 'TELEGRAM_BOT_TOKEN,SLACK_BOT_TOKEN',
    };
    ok.status = {
      ...ok.status,
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
    };
    f.upsert('west', ok);
    expect(f.index.page(trouble).totalCount).toBe(0);
    f.failing.channels = new Map([['tenant-008', ['slack']]]);
    f.failing.version++;
    const page = f.index.page(trouble);
    expect(page.items.map(i => i.summary.channelTrouble)).toEqual([['slack']]);
    expectSameAsReference(f);
  });
});
