import { compileCel } from './environment';

const evaluate = (expr: string) =>
  compileCel('crd', expr).evaluate({ self: { l: [3n, 1n] } });

describe('the Kubernetes CEL library', () => {
  it.each<[string, unknown]>([
    ['[1, 2, 2].isSorted()', true],
    ['self.l.isSorted()', false],
    ["['a', 'b'].isSorted()", true],
    ['self.l.sum()', 4n],
    ['[1.5, 2.0].sum()', 3.5],
    ['self.l.min()', 1n],
    ['self.l.max()', 3n],
    ['self.l.indexOf(1)', 1n],
    ['[1, 2, 1].lastIndexOf(1)', 2n],
    ['[1, 2].indexOf(3)', -1n],
    ["'abc123def456'.find('[0-9]+')", '123'],
    ["'abc'.find('[0-9]+')", ''],
    ["'abc123def456'.findAll('[0-9]+')", ['123', '456']],
    ["'a1b2c3'.findAll('[0-9]', 2)", ['1', '2']],
    ["'abc'.charAt(1)", 'b'],
    ["'abc'.charAt(3)", ''],
    ["'aXbXc'.replace('X', '-')", 'a-b-c'],
    ["'aXbXc'.replace('X', '-', 1)", 'a-bXc'],
    ['sets.contains([1, 2, 3], [1, 2])', true],
    ['sets.equivalent([1, 2], [2, 1, 1])', true],
    ['sets.intersects([1], [2])', false],
    ["quantity('1Gi').isGreaterThan(quantity('1G'))", true],
    ["quantity('500m').add(quantity('0.5')) == quantity('1')", true],
    ["quantity('1.5').isInteger()", false],
    ["quantity('2k').asInteger()", 2000n],
    ["quantity('250m').asApproximateFloat()", 0.25],
    ["isQuantity('1x')", false],
    ["sign(quantity('1').sub(2))", -1n],
    ["url('https://example.com:8080/a%20b?x=1&x=2').getPort()", '8080'],
    ["url('https://[::1]:80/').getHostname()", '::1'],
    ["url('HTTPS://example.com/').getScheme()", 'https'],
    [
      "url('https://example.com/?x=1&x=2&y=a+b').getQuery()",
      { x: ['1', '2'], y: ['a b'] },
    ],
    ["url('/a%20b').getEscapedPath()", '/a%20b'],
    ["isURL('example.com')", false],
  ])('%s', (expr, want) => {
    expect(evaluate(expr)).toEqual(want);
  });

  it.each([
    ['[].min()', 'min called on empty list'],
    [
      "quantity('1x')",
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ],
    ["quantity('1.5').asInteger()", 'cannot convert value to integer'],
    [
      "url('example.com')",
      'URL parse error during conversion from string: parse "example.com": invalid URI for request',
    ],
    ['self.missing', 'no such key: missing'],
  ])("%s fails with cel-go's error", (expr, message) => {
    expect(() => evaluate(expr)).toThrow(message);
  });

  it('knows which rules are transition rules', () => {
    expect(compileCel('crd', 'self == oldSelf').usesOldSelf).toBe(true);
    expect(
      compileCel('crd', 'self.all(x, x > oldSelf.min())').usesOldSelf,
    ).toBe(true);
    expect(compileCel('crd', "self != 'oldSelf'").usesOldSelf).toBe(false);
  });
});
