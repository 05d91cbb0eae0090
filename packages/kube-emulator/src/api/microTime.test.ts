import { checkMicroTimes, goFormat, parseMicroTime } from './microTime';

const layout = '"2006-01-02T15:04:05.000000Z07:00"';

describe('parseMicroTime', () => {
  it.each([
    ['2026-11-29T15:04:05.123456Z', '2026-11-29T15:04:05.123456Z'],
    ['2026-11-29T15:04:05.123456+02:00', '2026-11-29T13:04:05.123456Z'],
    ['2026-01-01T00:30:00.000001+01:00', '2025-12-31T23:30:00.000001Z'],
    ['2028-02-29T00:00:00.000000Z', '2028-02-29T00:00:00.000000Z'],
    ['0000-01-01T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z'],
    ['0050-06-01T00:00:00.000000Z', '0050-06-01T00:00:00.000000Z'],
    ['2026-11-29T15:04:05,000007Z', '2026-11-29T15:04:05.000007Z'],
  ])('accepts %s as %s', (value, stored) => {
    expect(parseMicroTime(value)).toEqual({ time: stored });
  });

  it.each([
    [
      '2026-11-29T15:04:05Z',
      `parsing time "2026-11-29T15:04:05Z" as ${layout}: cannot parse "Z" as ".000000"`,
    ],
    [
      '2026-11-29T15:04:05.123456789Z',
      `parsing time "2026-11-29T15:04:05.123456789Z" as ${layout}: cannot parse "789Z" as "Z07:00"`,
    ],
    [
      '2026/11/29',
      `parsing time "2026/11/29" as ${layout}: cannot parse "/11/29" as "-"`,
    ],
    [
      '2026-1-29',
      `parsing time "2026-1-29" as ${layout}: cannot parse "1-29" as "01"`,
    ],
    [
      '2100-02-29T00:00:00.000000Z',
      'parsing time "2100-02-29T00:00:00.000000Z": day out of range',
    ],
    [
      '2026-11-29T15:04:05.123456+01:61',
      'parsing time "2026-11-29T15:04:05.123456+01:61": time zone offset minute out of range',
    ],
    [
      'é"',
      `parsing time "\\xc3\\xa9\\"" as ${layout}: cannot parse "\\xc3\\xa9\\"" as "2006"`,
    ],
  ])('refuses %s', (value, error) => {
    expect(parseMicroTime(value)).toEqual({ error });
  });
});

describe('checkMicroTimes', () => {
  const fields = { spec: { acquireTime: 'LeaseSpec', renewTime: 'LeaseSpec' } };

  it('normalises in place and reports the first bad field in document order', () => {
    const ok = { spec: { renewTime: '2026-11-29T15:04:05.123456-01:00' } };
    expect(checkMicroTimes(ok, fields)).toBeUndefined();
    expect(ok.spec.renewTime).toBe('2026-11-29T16:04:05.123456Z');
    expect(
      checkMicroTimes({ spec: { renewTime: 1, acquireTime: 'x' } }, fields),
    ).toBe(
      'json: cannot unmarshal number into Go struct field LeaseSpec.spec.renewTime of type string',
    );
    expect(
      checkMicroTimes({ spec: { acquireTime: [] } }, fields, 'unstructured'),
    ).toBe('json: cannot unmarshal array into Go value of type string');
    expect(checkMicroTimes({ spec: { acquireTime: null } }, fields)).toBe(
      undefined,
    );
  });
});

describe('goFormat', () => {
  it("prints decoded JSON like Go's %v", () => {
    expect(
      goFormat({ b: [1, 'x', null, true], a: { c: 1.5, d: 0.00001 } }),
    ).toBe('map[a:map[c:1.5 d:1e-05] b:[1 x <nil> true]]');
  });
});
