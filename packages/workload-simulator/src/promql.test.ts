import { evaluate, parseQuery, PromQLError, Series } from './promql';
import { tokensTotal } from './usageModel';

const series = (
  sandbox: string,
  direction: string,
  perSecond: number,
  startS = 0,
): Series => ({
  labels: { sandbox, model: 'gpt-4o', direction },
  startS,
  valueAt: t => Math.floor((t - startS) * perSecond),
});

describe('promql subset', () => {
  const all = [
    series('a', 'input', 2),
    series('a', 'output', 1),
    series('b', 'input', 10, 500),
  ];

  it('parses the supported shapes', () => {
    expect(parseQuery('kars_tokens_total')).toEqual({
      kind: 'selector',
      matchers: [],
    });
    expect(parseQuery('kars_tokens_total{sandbox="a"}')).toEqual({
      kind: 'selector',
      matchers: [{ label: 'sandbox', op: '=', value: 'a' }],
    });
    expect(
      parseQuery('sum by (sandbox) (increase(kars_tokens_total[1d]))'),
    ).toEqual({
      kind: 'increase',
      sumBy: ['sandbox'],
      matchers: [],
      rangeS: 86_400,
    });
    expect(
      parseQuery(
        'sum(increase(kars_tokens_total{sandbox=~"a|b"}[30d])) by (sandbox, direction)',
      ),
    ).toEqual({
      kind: 'increase',
      sumBy: ['sandbox', 'direction'],
      matchers: [{ label: 'sandbox', op: '=~', value: 'a|b' }],
      rangeS: 30 * 86_400,
    });
    expect(() => parseQuery('up')).toThrow(PromQLError);
  });

  it('evaluates selectors and summed increases over a window clipped at the series start', () => {
    const t = 1000;
    expect(
      evaluate(
        parseQuery('kars_tokens_total{sandbox="a",direction="input"}'),
        all,
        t,
      ),
    ).toEqual([
      {
        metric: {
          __name__: 'kars_tokens_total',
          sandbox: 'a',
          model: 'gpt-4o',
          direction: 'input',
        },
        value: 2000,
      },
    ]);
    expect(
      evaluate(
        parseQuery('sum by (sandbox) (increase(kars_tokens_total[100s]))'),
        all,
        t,
      ),
    ).toEqual([
      { metric: { sandbox: 'a' }, value: 300 },
      { metric: { sandbox: 'b' }, value: 1000 },
    ]);
    expect(
      evaluate(
        parseQuery('sum by (sandbox) (increase(kars_tokens_total[1d]))'),
        all,
        t,
      ),
    ).toEqual([
      { metric: { sandbox: 'a' }, value: 3000 },
      { metric: { sandbox: 'b' }, value: 5000 },
    ]);
  });
});

describe('usage model', () => {
  it('is deterministic per seed, grows monotonically and starts at zero', () => {
    expect(tokensTotal(1, 'a', 'input', 0, 0)).toBe(0);
    expect(tokensTotal(1, 'a', 'input', 0, 86_400)).toBe(
      tokensTotal(1, 'a', 'input', 0, 86_400),
    );
    expect(tokensTotal(1, 'a', 'input', 0, 86_400)).not.toBe(
      tokensTotal(2, 'a', 'input', 0, 86_400),
    );
    let last = -1;
    for (let t = 0; t <= 2 * 86_400; t += 3600) {
      const v = tokensTotal(3, 'x', 'output', 0, t);
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
    const day = tokensTotal(1, 'a', 'input', 0, 86_400);
    expect(day).toBeGreaterThan(10_000);
    expect(day).toBeLessThan(400_000);
  });
});
