import { TOKEN_BURST_ANNOTATION, TokenBursts } from './tokenBursts';

const deployment = (uid: string, burst?: string) => ({
  metadata: {
    uid,
    annotations: burst === undefined ? {} : { [TOKEN_BURST_ANNOTATION]: burst },
  },
});

describe('TokenBursts', () => {
  it('counts a burst from the moment it is seen, and each raise of the total after that', () => {
    const bursts = new TokenBursts();
    bursts.observe([deployment('a', '1000'), deployment('b')], 100);
    bursts.observe([deployment('a', '1000')], 150);
    bursts.observe([deployment('a', '1500')], 200);
    expect(bursts.countedBy('a', 99)).toBe(0);
    expect(bursts.countedBy('a', 100)).toBe(1000);
    expect(bursts.countedBy('a', 199)).toBe(1000);
    expect(bursts.countedBy('a', 200)).toBe(1500);
    expect(bursts.countedBy('b', 200)).toBe(0);
  });

  it('takes nothing back when the value is lowered or removed, and ignores what is not a count', () => {
    const bursts = new TokenBursts();
    bursts.observe([deployment('a', '1000')], 100);
    bursts.observe([deployment('a', '10')], 110);
    bursts.observe([deployment('a')], 120);
    bursts.observe([deployment('a', 'lots'), deployment('c', '-5')], 130);
    bursts.observe([deployment('c', '1e3')], 140);
    expect(bursts.countedBy('a', 1000)).toBe(1000);
    expect(bursts.countedBy('c', 1000)).toBe(1000);
    expect(bursts.countedBy(undefined, 1000)).toBe(0);
  });
});
