import { Environment, EvaluationError } from '@marcbachmann/cel-js';
import { Quantity } from './quantity';
import {
  CelUrl,
  escapedPath,
  hostname,
  parseRequestUri,
  port,
  query,
} from './url';

/** The receiver of `sets.contains(…)` and the other functions of the sets extension. */
class SetsNamespace {}

/** CEL's comparison of two values of one orderable type (int, uint, double, string, bool). */
function compare(a: unknown, b: unknown): number {
  if (a instanceof Quantity && b instanceof Quantity) return a.compare(b);
  if (
    (typeof a === 'bigint' || typeof a === 'number') &&
    (typeof b === 'bigint' || typeof b === 'number')
  ) {
    if (a < b) return -1;
    return a > b ? 1 : 0;
  }
  if (
    typeof a === typeof b &&
    (typeof a === 'string' || typeof a === 'boolean')
  ) {
    if ((a as string) < (b as string)) return -1;
    return (a as string) > (b as string) ? 1 : 0;
  }
  throw new EvaluationError('no such overload');
}

/** CEL equality of two values (lists and maps by content). */
function equals(a: unknown, b: unknown): boolean {
  if (a instanceof Quantity && b instanceof Quantity) return a.compare(b) === 0;
  if (
    (typeof a === 'bigint' || typeof a === 'number') &&
    (typeof b === 'bigint' || typeof b === 'number')
  )
    // eslint-disable-next-line eqeqeq
    return a == b;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => equals(v, b[i]));
  if (typeof a === 'object' && a && typeof b === 'object' && b) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(k =>
        equals(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
        ),
      )
    );
  }
  return a === b;
}

function extreme(list: unknown[], name: string, prefer: number) {
  if (!list.length) throw new EvaluationError(`${name} called on empty list`);
  return list.reduce((best, v) => (compare(best, v) === prefer ? v : best));
}

/** Go's regexp syntax as far as JavaScript shares it; an error names the regex like cel-go. */
function regex(pattern: string, flags = ''): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    throw new EvaluationError(`Illegal regex: ${(e as Error).message}`);
  }
}

function toQuantity(s: string): Quantity {
  const q = Quantity.parse(s);
  if (!q)
    throw new EvaluationError(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  return q;
}

function toUrl(s: string): CelUrl {
  const u = parseRequestUri(s);
  if (typeof u === 'string')
    throw new EvaluationError(
      `URL parse error during conversion from string: ${u}`,
    );
  return u;
}

const bigintOf = (q: Quantity) => {
  const v = q.asInt64();
  if (v === undefined)
    throw new EvaluationError('cannot convert value to integer');
  return v;
};

/**
 * Registers the Kubernetes CEL libraries kube-apiserver adds to cel-go's standard ones, as far as
 * cel-js lacks them: lists (isSorted, sum, min, max, indexOf, lastIndexOf), regex (find,
 * findAll), the strings extension (charAt, replace), sets, quantity and url.
 */
export function registerKubernetesLibrary(env: Environment): Environment {
  env
    .registerFunction('list.isSorted(): bool', (l: unknown[]) =>
      l.every((v, i) => i === 0 || compare(l[i - 1], v) <= 0),
    )
    .registerFunction('list<int>.sum(): int', (l: bigint[]) =>
      l.reduce((a, b) => a + b, 0n),
    )
    .registerFunction('list<double>.sum(): double', (l: number[]) =>
      l.reduce((a, b) => a + b, 0),
    )
    .registerFunction('list.min(): dyn', (l: unknown[]) => extreme(l, 'min', 1))
    .registerFunction('list.max(): dyn', (l: unknown[]) =>
      extreme(l, 'max', -1),
    )
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], v: unknown) =>
      BigInt(l.findIndex(x => equals(x, v))),
    )
    .registerFunction(
      'list.lastIndexOf(dyn): int',
      (l: unknown[], v: unknown) => {
        for (let i = l.length - 1; i >= 0; i--)
          if (equals(l[i], v)) return BigInt(i);
        return -1n;
      },
    )
    .registerFunction(
      'string.find(string): string',
      (s: string, re: string) => regex(re).exec(s)?.[0] ?? '',
    )
    .registerFunction(
      'string.findAll(string): list<string>',
      (s: string, re: string) => [...s.matchAll(regex(re, 'g'))].map(m => m[0]),
    )
    .registerFunction(
      'string.findAll(string, int): list<string>',
      (s: string, re: string, n: bigint) => {
        const all = [...s.matchAll(regex(re, 'g'))].map(m => m[0]);
        return n < 0n ? all : all.slice(0, Number(n));
      },
    )
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
      const chars = [...s];
      if (i < 0n || i > BigInt(chars.length))
        throw new EvaluationError(`index out of range: ${i}`);
      return chars[Number(i)] ?? '';
    })
    .registerFunction(
      'string.replace(string, string): string',
      (s: string, from: string, to: string) => s.split(from).join(to),
    )
    .registerFunction(
      'string.replace(string, string, int): string',
      (s: string, from: string, to: string, n: bigint) => {
        if (n < 0n) return s.split(from).join(to);
        const parts = s.split(from);
        const k = Number(n);
        return parts.length <= k + 1
          ? parts.join(to)
          : parts.slice(0, k + 1).join(to) +
              from +
              parts.slice(k + 1).join(from);
      },
    )
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction(
      'SetsNamespace.contains(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) =>
        b.every(x => a.some(y => equals(x, y))),
    )
    .registerFunction(
      'SetsNamespace.equivalent(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) =>
        b.every(x => a.some(y => equals(x, y))) &&
        a.every(x => b.some(y => equals(x, y))),
    )
    .registerFunction(
      'SetsNamespace.intersects(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) =>
        a.some(x => b.some(y => equals(x, y))),
    );

  env
    .registerType('Quantity', Quantity)
    .registerFunction('quantity(string): Quantity', toQuantity)
    .registerFunction(
      'isQuantity(string): bool',
      (s: string) => Quantity.parse(s) !== undefined,
    )
    .registerFunction('sign(Quantity): int', (q: Quantity) => q.sign())
    .registerFunction(
      'Quantity.isInteger(): bool',
      (q: Quantity) => q.asInt64() !== undefined,
    )
    .registerFunction('Quantity.asInteger(): int', bigintOf)
    .registerFunction('Quantity.asApproximateFloat(): double', (q: Quantity) =>
      q.asApproximateFloat(),
    )
    .registerFunction(
      'Quantity.add(Quantity): Quantity',
      (a: Quantity, b: Quantity) => a.add(b),
    )
    .registerFunction('Quantity.add(int): Quantity', (a: Quantity, b: bigint) =>
      a.add(new Quantity(b, 1n)),
    )
    .registerFunction(
      'Quantity.sub(Quantity): Quantity',
      (a: Quantity, b: Quantity) => a.add(b.negate()),
    )
    .registerFunction('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) =>
      a.add(new Quantity(-b, 1n)),
    )
    .registerFunction(
      'Quantity.isLessThan(Quantity): bool',
      (a: Quantity, b: Quantity) => a.compare(b) < 0,
    )
    .registerFunction(
      'Quantity.isGreaterThan(Quantity): bool',
      (a: Quantity, b: Quantity) => a.compare(b) > 0,
    )
    .registerFunction(
      'Quantity.compareTo(Quantity): int',
      (a: Quantity, b: Quantity) => BigInt(a.compare(b)),
    )
    .registerOperator(
      'Quantity == Quantity',
      (a: Quantity, b: Quantity) => a.compare(b) === 0,
    );

  env
    .registerType('URL', CelUrl)
    .registerFunction('url(string): URL', toUrl)
    .registerFunction(
      'isURL(string): bool',
      (s: string) => typeof parseRequestUri(s) !== 'string',
    )
    .registerFunction('URL.getScheme(): string', (u: CelUrl) => u.scheme)
    .registerFunction('URL.getHost(): string', (u: CelUrl) => u.host)
    .registerFunction('URL.getHostname(): string', hostname)
    .registerFunction('URL.getPort(): string', port)
    .registerFunction('URL.getEscapedPath(): string', escapedPath)
    .registerFunction('URL.getQuery(): map<string, list<string>>', query);
  return env;
}
