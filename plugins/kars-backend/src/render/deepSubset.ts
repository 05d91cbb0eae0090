/** One way a live value falls short of the rendered one. */
export interface SubsetDifference {
  /** Where, e.g. `spec.ingress[0].from` or `metadata.labels["kars.azure.com/sandbox"]`. */
  path: string;
  /** What is wrong there, e.g. `missing` or `8443 rendered, 80 live`. */
  problem: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, key: string) {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

const items = (n: number) => (n === 1 ? '1 item' : `${n} items`);

const show = (v: unknown) => JSON.stringify(v) ?? 'undefined';

const kindOf = (v: unknown) => {
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'an object';
  return show(v);
};

/**
 * Where `actual` (a live object read back from the server) does not contain `expected` (what was
 * rendered), with the exact path of each difference; empty when it does. Pure.
 *
 * - Every key of a rendered object must be on the live object with a matching value; the live
 *   object may carry more keys (server defaults, other managers' fields). Undefined rendered values
 *   are absent, as in JSON.
 * - An empty rendered object (`{}`) matches only an empty live object: in Kubernetes `{}` means
 *   "everything" (a `podSelector` selects every pod), so a key added to it changes the meaning.
 * - Lists must have the same length and are compared item by item, in order: servers add defaults
 *   inside items, never items, and an extra item (one more NetworkPolicy rule) widens what it allows.
 * - Scalars must be equal.
 *
 * Values of differing scalars are shown: never pass Secret data.
 */
export function subsetDifferences(
  expected: unknown,
  actual: unknown,
  path = '',
): SubsetDifference[] {
  const here = path || '(root)';
  if (actual === undefined && expected !== undefined) {
    return [{ path: here, problem: 'missing' }];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      return [
        { path: here, problem: `a list rendered, ${kindOf(actual)} live` },
      ];
    }
    if (actual.length !== expected.length) {
      return [
        {
          path: here,
          problem: `${items(expected.length)} rendered, ${items(
            actual.length,
          )} live`,
        },
      ];
    }
    return expected.flatMap((item, i) =>
      subsetDifferences(item, actual[i], `${path}[${i}]`),
    );
  }
  if (isObject(expected)) {
    if (!isObject(actual)) {
      return [
        { path: here, problem: `an object rendered, ${kindOf(actual)} live` },
      ];
    }
    const keys = Object.keys(expected).filter(k => expected[k] !== undefined);
    if (keys.length === 0) {
      const extra = Object.keys(actual).filter(k => actual[k] !== undefined);
      return extra.length
        ? [
            {
              path: here,
              problem: `{} rendered, live has ${extra.join(', ')}`,
            },
          ]
        : [];
    }
    return keys.flatMap(k =>
      subsetDifferences(expected[k], actual[k], childPath(path, k)),
    );
  }
  if (expected === actual) return [];
  return [
    {
      path: here,
      problem: `${show(expected)} rendered, ${kindOf(actual)} live`,
    },
  ];
}

/** A difference as one line, e.g. `spec.ingress[0].from missing`. */
export function describeDifference(d: SubsetDifference): string {
  return `${d.path} ${d.problem}`;
}
