import { unitHash } from './usageModel';

describe('unitHash', () => {
  const keys = Array.from({ length: 20_000 }, (_, n) => `pod-1/${n}/gap`);

  it('gives the same number for the same seed and key, another for another seed', () => {
    expect(unitHash(7, 'pod-1/3/gap')).toBe(unitHash(7, 'pod-1/3/gap'));
    expect(unitHash(7, 'pod-1/3/gap')).not.toBe(unitHash(8, 'pod-1/3/gap'));
  });

  it('spreads keys that differ in one character evenly over [0, 1)', () => {
    const values = keys.map(k => unitHash(1, k));
    expect(values.every(v => v >= 0 && v < 1)).toBe(true);
    const buckets = new Array(20).fill(0);
    for (const v of values) buckets[Math.floor(v * 20)]++;
    const expected = values.length / 20;
    const chiSquare = buckets.reduce(
      (sum, n) => sum + (n - expected) ** 2 / expected,
      0,
    );
    // 19 degrees of freedom: above 43.8 one time in a thousand for a uniform source.
    expect(chiSquare).toBeLessThan(43.8);
  });

  it('gives neighbouring keys unrelated numbers', () => {
    const values = keys.map(k => unitHash(1, k));
    const meanGap =
      values.slice(1).reduce((sum, v, i) => sum + Math.abs(v - values[i]), 0) /
      (values.length - 1);
    // Two independent uniform numbers lie 1/3 apart on average.
    expect(meanGap).toBeGreaterThan(0.32);
    expect(meanGap).toBeLessThan(0.346);
  });
});
