/** Values shorter than this are not redacted: they would match ordinary words and numbers. */
export const MIN_REDACTED_LENGTH = 6;

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const base64Url = (base64: string) =>
  base64.replace(/\+/g, '-').replace(/\//g, '_');

/**
 * For each of the 3 byte offsets (modulo 3) at which bytes can start inside a longer base64 text,
 * the base64 characters that encode those bytes' bits only: a character encodes 6 bits, so the
 * whole characters from the first one past the offset to the last one before the bytes end. The
 * characters either side also encode the bytes around, so they differ from one text to another.
 * Pure.
 */
function base64Cores(bytes: Buffer): string[] {
  return [0, 1, 2].map(offset =>
    Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .slice(
        Math.ceil((8 * offset) / 6),
        Math.floor((8 * (offset + bytes.length)) / 6),
      ),
  );
}

/**
 * The encoded forms in which a runtime may print a value, besides the value itself: base64 and
 * base64url of its UTF-8 bytes with and without `=` padding, and the characters of either that
 * hold its bytes at any offset inside a longer base64 text; its percent-encoding
 * (encodeURIComponent, and form encoding with `+` for space); its JSON string escape; the hex of
 * its UTF-8 bytes in lower and upper case. Each once, only where it differs from the value, and
 * only when at least {@link MIN_REDACTED_LENGTH} characters long. Pure.
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  // The value as its UTF-8 bytes hold it (a lone surrogate becomes U+FFFD): encodeURIComponent
  // throws on a lone surrogate.
  const text = bytes.toString('utf8');
  const base64 = bytes.toString('base64');
  const hex = bytes.toString('hex');
  const forms = [
    base64,
    base64.replace(/=+$/, ''),
    base64Url(base64),
    base64Url(base64).replace(/=+$/, ''),
    ...base64Cores(bytes).flatMap(core => [core, base64Url(core)]),
    encodeURIComponent(text),
    encodeURIComponent(text).replace(/%20/g, '+'),
    new URLSearchParams({ v: text }).toString().slice('v='.length),
    JSON.stringify(value).slice(1, -1),
    hex,
    hex.toUpperCase(),
  ];
  return [...new Set(forms)].filter(
    form => form !== value && form.length >= MIN_REDACTED_LENGTH,
  );
}

/**
 * Replaces every occurrence of a secret value (at least {@link MIN_REDACTED_LENGTH} characters),
 * and of each of its {@link encodedForms}, in a text stream by `[redacted:<KEY>]`, also where one
 * is split across chunks: each `push` keeps back the end of what it was given that could still be
 * the start of one (at most the longest one's length less one; nothing past the last line break
 * when none holds one) and answers the rest, redacted. `flush` answers what is kept back, at the
 * end of the stream. One that holds another is matched whole first; a raw value is named by its
 * own key before any encoded form that equals it. Pure: no I/O.
 */
export class LogRedactor {
  private readonly pattern?: RegExp;
  private readonly keyOf = new Map<string, string>();
  private readonly longest: number;
  private readonly textsHoldLineBreaks: boolean;
  private held = '';

  constructor(secrets: Record<string, string>) {
    const keys = Object.keys(secrets)
      .sort()
      .filter(key => secrets[key].length >= MIN_REDACTED_LENGTH);
    const named: Array<[string, string]> = [
      ...keys.map((key): [string, string] => [secrets[key], key]),
      ...keys.flatMap(key =>
        encodedForms(secrets[key]).map((form): [string, string] => [form, key]),
      ),
    ];
    for (const [text, key] of named) {
      if (!this.keyOf.has(text)) this.keyOf.set(text, key);
    }
    const texts = [...this.keyOf.keys()].sort((a, b) => b.length - a.length);
    this.longest = texts[0]?.length ?? 0;
    this.textsHoldLineBreaks = texts.some(t => t.includes('\n'));
    if (texts.length) {
      this.pattern = new RegExp(texts.map(escapeRegExp).join('|'), 'g');
    }
  }

  /** The redacted text that is safe to send now; the rest waits for the next chunk. */
  push(chunk: string): string {
    const text = this.held + chunk;
    if (!this.pattern) return text;
    const lineEnd = this.textsHoldLineBreaks ? 0 : text.lastIndexOf('\n') + 1;
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
