import { budgetText, formatRelative } from './common';
import { bannerText } from './ClusterBanner';
import { budgetCell } from './FleetPage/FleetPage';
import { usageBars } from './SandboxContent/UsageChart';

describe('formatRelative', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  it.each([
    ['2026-12-05T11:59:55Z', 'just now'],
    ['2026-12-05T11:59:30Z', '30 seconds ago'],
    ['2026-12-05T11:57:00Z', '3 minutes ago'],
    ['2026-12-05T11:56:01Z', '3 minutes ago'],
    ['2026-12-05T09:00:00Z', '3 hours ago'],
    ['2026-12-04T11:00:00Z', 'yesterday'],
    ['2026-11-28T09:02:00Z', 'last week'],
    ['2026-10-01T00:00:00Z', '2 months ago'],
    ['2026-12-05T14:00:00Z', 'in 2 hours'],
    ['not a time', 'not a time'],
  ])('%s reads %s', (iso, text) => {
    expect(formatRelative(iso, now)).toBe(text);
  });
});

describe('budgetText', () => {
  it('says the use, the limit and the headroom', () => {
    expect(
      budgetText({ label: 'x', limit: 100_000, used: 30_000, fraction: 0.3 }),
    ).toEqual({
      use: '30,000 of 100,000 tokens used',
      headroom: '70,000 left',
    });
  });
  it('says an exhausted budget has no headroom', () => {
    expect(
      budgetText({ label: 'x', limit: 1000, used: 1200, fraction: 1.2 })
        .headroom,
    ).toBe('exhausted: no headroom');
  });
  it('says unknown as such, with the limit and why, and no headroom', () => {
    expect(
      budgetText({
        label: 'x',
        limit: 100_000,
        used: null,
        fraction: null,
        unknownReason: 'source down',
      }),
    ).toEqual({ use: 'unknown of 100,000 tokens (source down)' });
  });
  it('says a limit of 0 is no limit', () => {
    expect(
      budgetText({ label: 'x', limit: 0, used: 5, fraction: null }),
    ).toEqual({ use: '5 tokens used, no limit' });
  });
});

describe('bannerText', () => {
  it('names a cluster once, and does not repeat a cluster named embedded', () => {
    expect(bannerText(['dev'])).toBe(
      'Embedded cluster (dev): workload readiness and token use are simulated, not reported by real agent pods.',
    );
    expect(bannerText(['embedded'])).toMatch(
      /^Embedded cluster: workload readiness/,
    );
    expect(bannerText(['a', 'b'])).toMatch(/^Embedded clusters \(a, b\): /);
  });
});

describe('budgetCell', () => {
  it('names each window and says unknown once when both are', () => {
    expect(budgetCell({ dailyFraction: 0.04, monthlyFraction: null })).toBe(
      'today 4%, month unknown',
    );
    expect(budgetCell({ dailyFraction: null, monthlyFraction: null })).toBe(
      'unknown',
    );
  });
});

describe('usageBars', () => {
  it('scales the busiest day to the full height, one bar a day, left to right', () => {
    const bars = usageBars([
      { end: '2026-12-03T12:00:00Z', tokens: 0 },
      { end: '2026-12-04T12:00:00Z', tokens: 500 },
      { end: '2026-12-05T12:00:00Z', tokens: 1000 },
    ]);
    expect(bars.map(b => b.height)).toEqual([0, 60, 120]);
    expect(bars.map(b => b.y)).toEqual([120, 60, 0]);
    expect(bars[1].x).toBeGreaterThan(bars[0].x);
    expect(bars[2].title).toBe(
      '1,000 tokens in the 24 hours to 2026-12-05 12:00:00Z',
    );
  });
});
