import { SandboxSummary } from '@kars-portal/plugin-kars-common';
import { pageSummaries } from './listing';

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
