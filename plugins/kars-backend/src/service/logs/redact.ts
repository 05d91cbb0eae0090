/** Values shorter than this are not redacted: they would match ordinary words and numbers. */
export const MIN_REDACTED_LENGTH = 6;

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every occurrence of a secret value (at least {@link MIN_REDACTED_LENGTH} characters) in
 * a text stream by `[redacted:<KEY>]`, also where a value is split across chunks: each `push` keeps
 * back the end of what it was given that could still be the start of a value (at most the longest
 * value's length less one; nothing past the last line break when no value holds one) and answers
 * the rest, redacted. `flush` answers what is kept back, at the end of the stream. A value that
 * holds another is matched whole first. Pure: no I/O.
 */
export class LogRedactor {
  private readonly pattern?: RegExp;
  private readonly keyOf = new Map<string, string>();
  private readonly longest: number;
  private readonly valuesHoldLineBreaks: boolean;
  private held = '';

  constructor(secrets: Record<string, string>) {
    for (const key of Object.keys(secrets).sort()) {
      const value = secrets[key];
      if (value.length >= MIN_REDACTED_LENGTH && !this.keyOf.has(value)) {
        this.keyOf.set(value, key);
      }
    }
    const values = [...this.keyOf.keys()].sort((a, b) => b.length - a.length);
    this.longest = values[0]?.length ?? 0;
    this.valuesHoldLineBreaks = values.some(v => v.includes('\n'));
    if (values.length) {
      this.pattern = new RegExp(values.map(escapeRegExp).join('|'), 'g');
    }
  }

  /** The redacted text that is safe to send now; the rest waits for the next chunk. */
  push(chunk: string): string {
    const text = this.held + chunk;
    if (!this.pattern) return text;
    const lineEnd = this.valuesHoldLineBreaks ? 0 : text.lastIndexOf('\n') + 1;
    const cut = Math.max(text.length - (this.longest - 1), lineEnd, 0);
    const { out, end } = this.redactBefore(text, cut);
    this.held = text.slice(end);
    return out;
  }

  /** Everything kept back, redacted: the end of the stream. */
  flush(): string {
    const text = this.held;
    this.held = '';
    return this.pattern ? this.redactBefore(text, text.length).out : text;
  }

  /**
   * Redacts the values that start before `cut` (each is whole in `text`: none is longer than what
   * is kept back) and answers the text up to `cut`, or to the end of a value that runs past it.
   */
  private redactBefore(text: string, cut: number) {
    const pattern = this.pattern!;
    pattern.lastIndex = 0;
    let out = '';
    let at = 0;
    for (
      let match = pattern.exec(text);
      match && match.index < cut;
      match = pattern.exec(text)
    ) {
      out += `${text.slice(at, match.index)}[redacted:${this.keyOf.get(
        match[0],
      )}]`;
      at = match.index + match[0].length;
    }
    const end = Math.max(cut, at);
    return { out: out + text.slice(at, end), end };
  }
}
