/** Canonical forms of resource quantities, as kube-apiserver stores them ("0.5" → "500m", "1024Mi" → "1Gi"). */

const BINARY: Record<string, number> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const DECIMAL_BY_EXP = Object.fromEntries(
  Object.entries(DECIMAL).map(([s, e]) => [e, s]),
);

const QUANTITY =
  /^([+-]?[0-9]*\.?[0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** An exact decimal: digits × 10^exp. */
interface Decimal {
  negative: boolean;
  digits: bigint;
  exp: number;
}

function parseDecimal(num: string): Decimal {
  const negative = num.startsWith('-');
  const unsigned = num.replace(/^[+-]/, '');
  const [int, frac = ''] = unsigned.split('.');
  return {
    negative,
    digits: BigInt(`${int || '0'}${frac}`),
    exp: -frac.length,
  };
}

function formatDecimal(
  d: Decimal,
  suffixFor: (exp: number) => string | undefined,
  stepOf3: boolean,
): string {
  let { digits, exp } = d;
  if (digits === 0n) return '0';
  while (digits % 10n === 0n) {
    digits /= 10n;
    exp += 1;
  }
  if (exp < -9) {
    const scale = 10n ** BigInt(-9 - exp);
    digits = (digits + scale - 1n) / scale;
    exp = -9;
  }
  let e = stepOf3 ? Math.floor(exp / 3) * 3 : exp;
  while (suffixFor(e) === undefined && e > -9) e -= 3;
  if (e > 18) e = 18;
  const mantissa = digits * 10n ** BigInt(exp - e);
  return `${d.negative ? '-' : ''}${mantissa}${suffixFor(e)}`;
}

/** digits × 10^exp as an integer, or undefined when it has a fraction. */
function exactInteger(digits: bigint, exp: number): bigint | undefined {
  if (exp >= 0) return digits * 10n ** BigInt(exp);
  const scale = 10n ** BigInt(-exp);
  return digits % scale === 0n ? digits / scale : undefined;
}

/** The canonical string of a quantity, or the input unchanged when it does not parse. */
export function canonicalQuantity(value: string | number): string | number {
  const input = String(value).trim();
  const m = QUANTITY.exec(input);
  if (!m || !m[1] || m[1] === '.' || m[1] === '+' || m[1] === '-') return value;
  const [, num, suffix = ''] = m;
  const d = parseDecimal(num);
  if (suffix in BINARY) {
    const bytes = d.digits * 2n ** BigInt(BINARY[suffix]);
    const exact = exactInteger(bytes, d.exp);
    if (exact === undefined || exact < 1024n) {
      return formatDecimal(
        { negative: d.negative, digits: bytes, exp: d.exp },
        e => DECIMAL_BY_EXP[e],
        true,
      );
    }
    let n = exact;
    let power = 0;
    while (power < 60 && n % 1024n === 0n) {
      n /= 1024n;
      power += 10;
    }
    const name = Object.keys(BINARY).find(k => BINARY[k] === power) ?? '';
    return `${d.negative ? '-' : ''}${n}${name}`;
  }
  if (/^[eE]/.test(suffix)) {
    const exp = d.exp + Number(suffix.slice(1));
    return formatDecimal({ ...d, exp }, e => (e === 0 ? '' : `e${e}`), true);
  }
  return formatDecimal(
    { ...d, exp: d.exp + DECIMAL[suffix] },
    e => DECIMAL_BY_EXP[e],
    true,
  );
}

/** Canonicalizes every value of a ResourceList-like map in place. */
export function canonicalizeResourceList(
  list: Record<string, unknown> | undefined,
) {
  if (!list) return;
  for (const [k, v] of Object.entries(list)) {
    if (typeof v === 'string' || typeof v === 'number')
      list[k] = canonicalQuantity(v);
  }
}
