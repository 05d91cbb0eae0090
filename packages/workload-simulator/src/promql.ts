/** The few PromQL shapes the simulated Prometheus answers, parsed and evaluated. */

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export type Query =
  | { kind: 'selector'; matchers: Matcher[] }
  | { kind: 'increase'; matchers: Matcher[]; rangeS: number; sumBy?: string[] };

export class PromQLError extends Error {}

const METRIC = 'kars_tokens_total';
const UNIT_S: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

function parseMatchers(body: string | undefined): Matcher[] {
  if (!body) return [];
  const inner = body.trim().replace(/^\{/, '').replace(/\}$/, '').trim();
  if (!inner) return [];
  return inner
    .split(',')
    .filter(s => s.trim())
    .map(part => {
      const m =
        /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(
          part,
        );
      if (!m)
        throw new PromQLError(
          `1:1: parse error: unexpected matcher ${JSON.stringify(part.trim())}`,
        );
      return {
        label: m[1],
        op: m[2] as Matcher['op'],
        value: JSON.parse(`"${m[3]}"`),
      };
    });
}

const parseRange = (amount: string, unit: string) =>
  Number(amount) * UNIT_S[unit];

/**
 * Parses `kars_tokens_total{...}`, `increase(kars_tokens_total{...}[30d])` and
 * `sum by (labels) (increase(...))` (also written `sum(increase(...)) by (labels)`).
 */
export function parseQuery(input: string): Query {
  const q = input.trim();
  const selector = new RegExp(`^${METRIC}\\s*(\\{[^}]*\\})?$`).exec(q);
  if (selector)
    return { kind: 'selector', matchers: parseMatchers(selector[1]) };
  const increase = `increase\\s*\\(\\s*${METRIC}\\s*(\\{[^}]*\\})?\\s*\\[(\\d+)([smhdwy])\\]\\s*\\)`;
  const bare = new RegExp(`^${increase}$`).exec(q);
  if (bare)
    return {
      kind: 'increase',
      matchers: parseMatchers(bare[1]),
      rangeS: parseRange(bare[2], bare[3]),
    };
  const labels =
    '\\(\\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\\s*,\\s*[a-zA-Z_][a-zA-Z0-9_]*)*)?\\s*\\)';
  const sumBy = new RegExp(
    `^sum\\s+by\\s*${labels}\\s*\\(\\s*${increase}\\s*\\)$`,
  ).exec(q);
  if (sumBy) {
    return {
      kind: 'increase',
      sumBy: splitLabels(sumBy[1]),
      matchers: parseMatchers(sumBy[2]),
      rangeS: parseRange(sumBy[3], sumBy[4]),
    };
  }
  const sumAfter = new RegExp(
    `^sum\\s*\\(\\s*${increase}\\s*\\)\\s*by\\s*${labels}$`,
  ).exec(q);
  if (sumAfter) {
    return {
      kind: 'increase',
      sumBy: splitLabels(sumAfter[4]),
      matchers: parseMatchers(sumAfter[1]),
      rangeS: parseRange(sumAfter[2], sumAfter[3]),
    };
  }
  const sumAll = new RegExp(`^sum\\s*\\(\\s*${increase}\\s*\\)$`).exec(q);
  if (sumAll)
    return {
      kind: 'increase',
      sumBy: [],
      matchers: parseMatchers(sumAll[1]),
      rangeS: parseRange(sumAll[2], sumAll[3]),
    };
  throw new PromQLError(
    `the simulated Prometheus answers only ${METRIC}{...}, increase(${METRIC}{...}[range]) and sum by (labels) (increase(...)); got ${JSON.stringify(
      input,
    )}`,
  );
}

function splitLabels(s: string | undefined) {
  return s ? s.split(',').map(x => x.trim()) : [];
}

export function matches(
  labels: Record<string, string>,
  matchers: Matcher[],
): boolean {
  return matchers.every(m => {
    const v = m.label === '__name__' ? METRIC : labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(v);
      default:
        return !new RegExp(`^(?:${m.value})$`).test(v);
    }
  });
}

/** One simulated series: its labels and its value at a time. */
export interface Series {
  labels: Record<string, string>;
  valueAt: (tS: number) => number;
  startS: number;
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** Evaluates a query at `tS` (seconds) over the series. */
export function evaluate(query: Query, series: Series[], tS: number): Sample[] {
  const selected = series.filter(
    s => s.startS <= tS && matches(s.labels, query.matchers),
  );
  if (query.kind === 'selector') {
    return selected.map(s => ({
      metric: { __name__: METRIC, ...s.labels },
      value: s.valueAt(tS),
    }));
  }
  const increases = selected.map(s => ({
    labels: s.labels,
    value: s.valueAt(tS) - s.valueAt(Math.max(s.startS, tS - query.rangeS)),
  }));
  if (!query.sumBy)
    return increases.map(i => ({ metric: i.labels, value: i.value }));
  const groups = new Map<string, Sample>();
  for (const i of increases) {
    const metric: Record<string, string> = {};
    for (const l of query.sumBy)
      if (i.labels[l] !== undefined) metric[l] = i.labels[l];
    const key = JSON.stringify(metric);
    const g = groups.get(key) ?? { metric, value: 0 };
    g.value += i.value;
    groups.set(key, g);
  }
  return [...groups.values()];
}
