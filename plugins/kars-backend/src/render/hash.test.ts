import { canonicalJson, sha256Hex } from './hash';
import { renderSandbox } from './renderSandbox';
import { testClusterSettings } from '../__testUtils__/clusters';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';

/**
 * The canonical JSON as the desired-hash annotations on live objects were first computed: any
 * other text for the same value would change every hash and re-apply every object of every
 * sandbox once.
 */
function firstCanonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map(firstCanonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${firstCanonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A seeded stream of JSON-like values with the odd cases: undefined, holes, null, nesting. */
function* values(seed: number, count: number): Generator<unknown> {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const key = () =>
    ['a', 'b', 'B', 'é', '10', '9', 'z"q', '', 'metadata'][
      Math.floor(next() * 9)
    ];
  const value = (depth: number): unknown => {
    const pick = next();
    if (depth > 3 || pick < 0.3)
      return [undefined, null, 0, -1.5, 'text', 'ü\n"', true, false][
        Math.floor(next() * 8)
      ];
    if (pick < 0.6) {
      const array: unknown[] = [];
      const length = Math.floor(next() * 4);
      for (let i = 0; i < length; i++) array[i] = value(depth + 1);
      if (next() < 0.2) array.length += 1; // a hole at the end
      return array;
    }
    const object: Record<string, unknown> = {};
    const size = Math.floor(next() * 5);
    for (let i = 0; i < size; i++) object[key()] = value(depth + 1);
    return object;
  };
  for (let i = 0; i < count; i++) yield value(0);
}

describe('canonicalJson', () => {
  it('sorts keys and leaves out undefined properties', () => {
    expect(
      canonicalJson({ b: 1, a: { d: [2, { f: 1, e: null }], c: undefined } }),
    ).toBe('{"a":{"d":[2,{"e":null,"f":1}]},"b":1}');
  });

  it('gives the text the first version gave, for 5,000 generated values', () => {
    for (const value of values(19, 5000)) {
      expect(canonicalJson(value)).toBe(firstCanonicalJson(value));
    }
  });

  it('gives every rendered object of a sandbox the text and hash the first version gave', () => {
    const rendered = renderSandbox({
      name: 'tenant-hash',
      spec: sandboxSpecSchema.parse({
        owner: 'group:default/team-a',
        channels: [{ type: 'telegram' }],
      }),
      cluster: testClusterSettings(),
      sandboxUid: 'uid-hash',
    });
    for (const object of [
      rendered.namespace,
      rendered.secretAccess,
      ...rendered.objects,
    ]) {
      expect(canonicalJson(object)).toBe(firstCanonicalJson(object));
    }
    expect(sha256Hex({ a: [1, undefined] })).toBe(
      'a068b349181cfdd5939138eb1e53f01f5dc1627835d799fe4f454f4c55273992',
    );
  });
});
