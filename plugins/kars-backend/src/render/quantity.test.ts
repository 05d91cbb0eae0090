import { canonicalCpu, canonicalMemory } from './quantity';

describe('canonical quantities, as kube-apiserver stores them', () => {
  it.each([
    ['100m', '100m'],
    ['500m', '500m'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['2000m', '2'],
    ['1', '1'],
    ['1.5', '1500m'],
    ['0.25', '250m'],
    ['16', '16'],
  ])('cpu %s is stored as %s', (input, stored) => {
    expect(canonicalCpu(input)).toBe(stored);
  });

  it.each([
    ['64Mi', '64Mi'],
    ['512Mi', '512Mi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['2048Mi', '2Gi'],
    ['0512Mi', '512Mi'],
    ['4Gi', '4Gi'],
    ['1024Gi', '1Ti'],
  ])('memory %s is stored as %s', (input, stored) => {
    expect(canonicalMemory(input)).toBe(stored);
  });
});
