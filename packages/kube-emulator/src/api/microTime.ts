import { JsonObject } from './types';

/**
 * `metav1.MicroTime`: kube-apiserver decodes it with Go's
 * `time.Parse(RFC3339Micro, s)` and stores it in UTC. What follows mirrors that
 * parse for this one layout, error messages included, so that the emulator
 * refuses (and normalises) exactly what the real server does.
 */
export const RFC3339_MICRO_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/**
 * Go's `time.quote` on the UTF-8 bytes of `s` (given as a byte string, one
 * char per byte): `"` and `\` escaped, control and non-ASCII bytes as `\xNN`.
 */
function goTimeQuote(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c < 0x20 || c >= 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x22 || c === 0x5c) out += `\\${bytes[i]}`;
    else out += bytes[i];
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number) =>
  i < s.length && s[i] >= '0' && s[i] <= '9';

/** Go's `getnum`: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) {
    if (fixed) return undefined;
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s[0]) * 10 + Number(s[1]), s.slice(2)];
}

/** Go's `atoi`: an optional sign, then only digits (none is 0). */
function atoi(s: string): number | undefined {
  let neg = false;
  let rest = s;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (!/^\d*$/.test(rest)) return undefined;
  const x = rest ? Number(rest) : 0;
  return neg ? -x : x;
}

const daysIn = (month: number, year: number) => {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
};

const pad = (n: number, width: number) =>
  n < 0
    ? `-${String(-n).padStart(width, '0')}`
    : String(n).padStart(width, '0');

/**
 * Parses a MicroTime the way kube-apiserver does. Returns the value it stores
 * (UTC, six fractional digits) or Go's parse error.
 */
export function parseMicroTime(
  value: string,
): { time: string; error?: undefined } | { error: string; time?: undefined } {
  const avalue = Buffer.from(value, 'utf8').toString('latin1');
  const head = `parsing time ${goTimeQuote(avalue)}`;
  const cannot = (valueElem: string, layoutElem: string) => ({
    error: `${head} as ${goTimeQuote(
      RFC3339_MICRO_LAYOUT,
    )}: cannot parse ${goTimeQuote(valueElem)} as ${goTimeQuote(layoutElem)}`,
  });
  const range = (what: string) => ({ error: `${head}: ${what} out of range` });
  let v = avalue;
  const skip = (prefix: string) => {
    if (!v.length || v[0] !== prefix) return false;
    v = v.slice(1);
    return true;
  };

  // 2006
  if (v.length < 4 || !isDigit(v, 0)) return cannot(v, '2006');
  const year = atoi(v.slice(0, 4));
  if (year === undefined) return cannot(v, '2006');
  v = v.slice(4);
  // -01
  if (!skip('-')) return cannot(v, '-');
  let hold = v;
  const month = getnum(v, true);
  if (!month) return cannot(hold, '01');
  if (month[0] <= 0 || month[0] > 12) return range('month');
  v = month[1];
  // -02
  if (!skip('-')) return cannot(v, '-');
  hold = v;
  const day = getnum(v, true);
  if (!day) return cannot(hold, '02');
  v = day[1];
  // T15
  if (!skip('T')) return cannot(v, 'T');
  hold = v;
  const hour = getnum(v, false);
  if (hour && hour[0] >= 24) return range('hour');
  if (!hour) return cannot(hold, '15');
  v = hour[1];
  // :04
  if (!skip(':')) return cannot(v, ':');
  hold = v;
  const minute = getnum(v, true);
  if (minute && minute[0] >= 60) return range('minute');
  if (!minute) return cannot(hold, '04');
  v = minute[1];
  // :05
  if (!skip(':')) return cannot(v, ':');
  hold = v;
  const second = getnum(v, true);
  if (!second) return cannot(hold, '05');
  if (second[0] >= 60) return range('second');
  v = second[1];
  // .000000 (a comma works as well)
  hold = v;
  if (v.length < 7) return cannot(hold, '.000000');
  if (v[0] !== '.' && v[0] !== ',') return cannot(hold, '.000000');
  const micros = atoi(v.slice(1, 7));
  if (micros === undefined) return cannot(hold, '.000000');
  v = v.slice(7);
  if (micros < 0) return range('fractional second');
  // Z07:00
  hold = v;
  let offsetSeconds = 0;
  if (v.length >= 1 && v[0] === 'Z') {
    v = v.slice(1);
  } else {
    if (v.length < 6 || v[3] !== ':') return cannot(hold, 'Z07:00');
    const sign = v[0];
    const hr = getnum(v.slice(1, 3), true);
    const mm = hr ? getnum(v.slice(4, 6), true) : undefined;
    v = v.slice(6);
    const hrN = hr?.[0] ?? 0;
    const mmN = mm?.[0] ?? 0;
    let rangeErr: string | undefined;
    if (hrN > 24) rangeErr = 'time zone offset hour';
    if (mmN > 60) rangeErr = 'time zone offset minute';
    if (rangeErr) return range(rangeErr);
    if (!hr || !mm || (sign !== '+' && sign !== '-'))
      return cannot(hold, 'Z07:00');
    offsetSeconds = (hrN * 60 + mmN) * 60 * (sign === '-' ? -1 : 1);
  }
  if (v.length) return { error: `${head}: extra text: ${goTimeQuote(v)}` };
  if (day[0] < 1 || day[0] > daysIn(month[0], year)) return range('day');

  const d = new Date(0);
  d.setUTCFullYear(year, month[0] - 1, day[0]);
  d.setUTCHours(hour[0], minute[0], second[0], 0);
  const utc = new Date(d.getTime() - offsetSeconds * 1000);
  const time = `${pad(utc.getUTCFullYear(), 4)}-${pad(
    utc.getUTCMonth() + 1,
    2,
  )}-${pad(utc.getUTCDate(), 2)}T${pad(utc.getUTCHours(), 2)}:${pad(
    utc.getUTCMinutes(),
    2,
  )}:${pad(utc.getUTCSeconds(), 2)}.${pad(micros, 6)}Z`;
  return { time };
}

/**
 * Where a kind has MicroTime fields: nested field names, each leaf naming the
 * Go struct that declares the field (for encoding/json's type errors).
 */
export type MicroTimeFields = { [field: string]: MicroTimeFields | string };

/** Go's name of a JSON value's type in encoding/json errors. */
const jsonTypeName = (v: unknown) => {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : 'object';
};

/**
 * How the body is decoded: `json` (create, update, merge and JSON patch: the
 * JSON decoder, which names the struct field in type errors) or `unstructured`
 * (strategic merge patch and apply: runtime.DefaultUnstructuredConverter).
 */
export type MicroTimeDecoding = 'json' | 'unstructured';

/**
 * Checks the MicroTime fields of `obj` in document order, like the decoder:
 * returns the error of the first bad one; otherwise rewrites each to the form
 * the server stores (UTC). Nulls are left to `omitEmpty`.
 */
export function checkMicroTimes(
  obj: JsonObject,
  fields: MicroTimeFields,
  decoding: MicroTimeDecoding = 'json',
  path: string[] = [],
): string | undefined {
  for (const key of Object.keys(obj)) {
    const spec = fields[key];
    if (spec === undefined) continue;
    const value = obj[key];
    if (typeof spec === 'string') {
      if (value === null) continue;
      if (typeof value !== 'string') {
        return decoding === 'json'
          ? `json: cannot unmarshal ${jsonTypeName(
              value,
            )} into Go struct field ${spec}.${[...path, key].join(
              '.',
            )} of type string`
          : `json: cannot unmarshal ${jsonTypeName(
              value,
            )} into Go value of type string`;
      }
      const parsed = parseMicroTime(value);
      if (parsed.error !== undefined) return parsed.error;
      obj[key] = parsed.time;
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const error = checkMicroTimes(value, spec, decoding, [...path, key]);
      if (error) return error;
    }
  }
  return undefined;
}

/** Go's `%v` of a value decoded from JSON into `map[string]interface{}`. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as JsonObject)
      .sort()
      .map(k => `${k}:${goFormat((value as JsonObject)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
    const abs = Math.abs(value);
    const s =
      abs !== 0 && (abs < 1e-4 || abs >= 1e21)
        ? value.toExponential()
        : String(value);
    return s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(value);
}
