import { canonicalQuantity } from './quantity';

describe('canonicalQuantity', () => {
  it.each([
    ['0.5', '500m'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['2000m', '2'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['250m', '250m'],
    ['4Gi', '4Gi'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    [2, '2'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it('leaves what does not parse alone', () => {
    expect(canonicalQuantity('lots')).toBe('lots');
  });
});
