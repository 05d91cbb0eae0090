/** A resource quantity as CEL's Kubernetes `quantity` library sees it: an exact rational value. */
export class Quantity {
  constructor(readonly num: bigint, readonly den: bigint) {}

  private static readonly SUFFIX =
    /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

  private static readonly DECIMAL: Record<string, number> = {
    n: -9,
    u: -6,
    m: -3,
    k: 3,
    M: 6,
    G: 9,
    T: 12,
    P: 15,
    E: 18,
  };

  private static readonly BINARY: Record<string, number> = {
    Ki: 10,
    Mi: 20,
    Gi: 30,
    Ti: 40,
    Pi: 50,
    Ei: 60,
  };

  /** Parses like resource.ParseQuantity: precision below 1n is rounded up. */
  static parse(input: string): Quantity | undefined {
    const m = Quantity.SUFFIX.exec(input);
    if (!m) return undefined;
    const [, number, suffix = ''] = m;
    const negative = number.startsWith('-');
    const [int, frac = ''] = number.replace(/^[+-]/, '').split('.');
    let num = BigInt(`${int || '0'}${frac}`);
    let den = 10n ** BigInt(frac.length);
    if (suffix in Quantity.BINARY) {
      num *= 2n ** BigInt(Quantity.BINARY[suffix]);
    } else {
      const exp = /^[eE]/.test(suffix)
        ? Number(suffix.slice(1))
        : Quantity.DECIMAL[suffix] ?? 0;
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den *= 10n ** BigInt(-exp);
    }
    const nano = 1_000_000_000n;
    if ((num * nano) % den !== 0n) {
      num = (num * nano + den - 1n) / den;
      den = nano;
    }
    return new Quantity(negative ? -num : num, den).reduced();
  }

  private reduced(): Quantity {
    const gcd = (a: bigint, b: bigint): bigint =>
      b === 0n ? a : gcd(b, a % b);
    const g = gcd(this.num < 0n ? -this.num : this.num, this.den) || 1n;
    return new Quantity(this.num / g, this.den / g);
  }

  compare(other: Quantity): number {
    const d = this.num * other.den - other.num * this.den;
    if (d === 0n) return 0;
    return d < 0n ? -1 : 1;
  }

  add(other: Quantity): Quantity {
    return new Quantity(
      this.num * other.den + other.num * this.den,
      this.den * other.den,
    ).reduced();
  }

  negate(): Quantity {
    return new Quantity(-this.num, this.den);
  }

  sign(): bigint {
    if (this.num === 0n) return 0n;
    return this.num < 0n ? -1n : 1n;
  }

  /** The value as an int64, undefined when it has a fraction or does not fit. */
  asInt64(): bigint | undefined {
    if (this.num % this.den !== 0n) return undefined;
    const v = this.num / this.den;
    return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
  }

  asApproximateFloat(): number {
    return Number(this.num) / Number(this.den);
  }
}
