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
});
