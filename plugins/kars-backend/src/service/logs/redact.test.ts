import { encodedForms, LogRedactor, MIN_REDACTED_LENGTH } from './redact';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-SeCrEt',
  TELEGRAM_BOT_TOKEN: '123456:AAH-tElEgRaM',
  SHORT: 'abc12',
  REGEX: 'a.b*c+(d)?',
};

/** Everything a redactor answers for the chunks, and what it keeps back at the end. */
function through(chunks: string[], secrets: Record<string, string> = SECRETS) {
  const redactor = new LogRedactor(secrets);
  return chunks.map(c => redactor.push(c)).join('') + redactor.flush();
}

describe('LogRedactor', () => {
  it('replaces every value by its key, leaves short values and other text alone', () => {
    expect(
      through([
        'token=xoxb-1111-2222-SeCrEt and xoxb-1111-2222-SeCrEt again\n',
        'tg 123456:AAH-tElEgRaM; pin abc12; axbbc(d)\n',
      ]),
    ).toBe(
      'token=[redacted:SLACK_BOT_TOKEN] and [redacted:SLACK_BOT_TOKEN] again\n' +
        'tg [redacted:TELEGRAM_BOT_TOKEN]; pin abc12; axbbc(d)\n',
    );
  });

  it('takes values literally, not as patterns', () => {
    expect(through(['x a.b*c+(d)? y ab*c+(d)? abbbcd'])).toBe(
      'x [redacted:REGEX] y ab*c+(d)? abbbcd',
    );
  });

  it('redacts a value split across chunks, at every split point', () => {
    const line = 'start xoxb-1111-2222-SeCrEt end\n';
    for (let i = 0; i <= line.length; i++) {
      for (let j = i; j <= line.length; j++) {
        expect({
          i,
          j,
          out: through([line.slice(0, i), line.slice(i, j), line.slice(j)]),
        }).toEqual({ i, j, out: 'start [redacted:SLACK_BOT_TOKEN] end\n' });
      }
    }
  });

  it('redacts a value sent one character at a time', () => {
    const text = 'a 123456:AAH-tElEgRaM b xoxb-1111-2222-SeCrEt';
    expect(through([...text])).toBe(
      'a [redacted:TELEGRAM_BOT_TOKEN] b [redacted:SLACK_BOT_TOKEN]',
    );
  });

  it('matches a value that holds another one whole', () => {
    expect(
      through(['key sk-live-123456-extended and sk-live-123456.'], {
        SHORTER: 'sk-live-123456',
        LONGER: 'sk-live-123456-extended',
      }),
    ).toBe('key [redacted:LONGER] and [redacted:SHORTER].');
  });

  it('keeps back no more than could start a value or one of its forms, and nothing past a line break', () => {
    const redactor = new LogRedactor(SECRETS);
    expect(redactor.push('line one\nline two xoxb-11')).toBe('line one\n');
    expect(redactor.push('11-2222-SeCrEt done\nnext')).toBe(
      'line two [redacted:SLACK_BOT_TOKEN] done\n',
    );
    // The longest form is the hex of the longest value: 2 characters a byte.
    const kept = 2 * SECRETS.SLACK_BOT_TOKEN.length - 1;
    const long = 'y'.repeat(100);
    expect(redactor.push(long)).toBe(`next${long}`.slice(0, 104 - kept));
    expect(redactor.flush()).toBe('y'.repeat(kept));
  });

  it('holds back across line breaks when a value holds one', () => {
    const secrets = { PEM: '-----BEGIN KEY-----\nMIIEabc\n-----END KEY-----' };
    const pem = secrets.PEM;
    expect(
      through(['a ', pem.slice(0, 25), pem.slice(25), ' b\n'], secrets),
    ).toBe('a [redacted:PEM] b\n');
  });

  it('passes text through unchanged when there is nothing to redact', () => {
    const redactor = new LogRedactor({ SHORT: 'abc' });
    expect(redactor.push('abc def')).toBe('abc def');
    expect(redactor.flush()).toBe('');
  });
});

/** A value whose encoded forms all differ: base64 with `+`, `/` and padding, escapes, a space, UTF-8. */
const PASSWORD = 'p@ss w/"rd"?>~é\t';

/** The forms of {@link PASSWORD} a runtime may print, made here without encodedForms. */
const PASSWORD_FORMS: Record<string, string> = {
  base64: Buffer.from(PASSWORD).toString('base64'),
  'base64 unpadded': Buffer.from(PASSWORD)
    .toString('base64')
    .replace(/=+$/, ''),
  base64url: Buffer.from(PASSWORD).toString('base64url'),
  'base64url padded': Buffer.from(PASSWORD)
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_'),
  encodeURIComponent: encodeURIComponent(PASSWORD),
  'encodeURIComponent, + for space': encodeURIComponent(PASSWORD).replace(
    /%20/g,
    '+',
  ),
  URLSearchParams: new URLSearchParams({ p: PASSWORD }).toString().slice(2),
  JSON: JSON.stringify(PASSWORD).slice(1, -1),
  hex: Buffer.from(PASSWORD).toString('hex'),
  HEX: Buffer.from(PASSWORD).toString('hex').toUpperCase(),
};

/**
 * The names of the cases for which the redactor does not answer what is expected. Names only, so
 * that a failing test never prints what the redactor let through.
 */
function failing(
  cases: Array<{ name: string; chunks: string[]; expected: string }>,
  secrets: Record<string, string>,
): string[] {
  return cases
    .filter(c => through(c.chunks, secrets) !== c.expected)
    .map(c => c.name);
}

describe('encodedForms', () => {
  it('lists base64, base64url, percent, form, JSON and hex forms, all different from the value', () => {
    const forms = encodedForms(PASSWORD);
    const names = Object.keys(PASSWORD_FORMS);
    expect(names.filter(n => PASSWORD_FORMS[n] === PASSWORD)).toEqual([]);
    expect(names.filter(n => !forms.includes(PASSWORD_FORMS[n]))).toEqual([]);
    expect(new Set(Object.values(PASSWORD_FORMS)).size).toBe(names.length);
  });

  it('lists each form once, never the value itself, none shorter than MIN_REDACTED_LENGTH', () => {
    const value = 'plain-Value_123';
    const forms = encodedForms(value);
    expect(forms.includes(value)).toBe(false);
    expect(new Set(forms).size).toBe(forms.length);
    expect(forms.every(f => f.length >= MIN_REDACTED_LENGTH)).toBe(true);
    expect(forms.includes(Buffer.from(value).toString('hex'))).toBe(true);
    expect(encodedForms('ab')).toEqual([]);
  });

  it('holds, for a value at any byte offset inside a longer base64 text, all but the characters the bytes around also make', () => {
    const uncovered: string[] = [];
    for (const value of ['sk-abc', 'sk-abcd', 'sk-abcde', PASSWORD]) {
      const bytes = Buffer.from(value);
      const forms = encodedForms(value);
      for (let before = 0; before < 6; before++) {
        for (let after = 0; after < 4; after++) {
          for (const fill of [0x00, 0xff, 0x5a]) {
            const blob = Buffer.concat([
              Buffer.alloc(before, fill),
              bytes,
              Buffer.alloc(after, fill ^ 0x3c),
            ]);
            for (const encoding of ['base64', 'base64url'] as const) {
              const text = blob.toString(encoding);
              const found = Math.max(
                0,
                ...forms.filter(f => text.includes(f)).map(f => f.length),
              );
              // 8 bits a byte, 6 a character: at most one character either side mixes in the bytes around.
              if (found < Math.floor((8 * bytes.length) / 6) - 1) {
                uncovered.push(
                  `${bytes.length} bytes after ${before}, before ${after} of ${fill} in ${encoding}`,
                );
              }
            }
          }
        }
      }
    }
    expect(uncovered).toEqual([]);
  });
});

describe('LogRedactor on encoded forms', () => {
  const secrets = { ...SECRETS, PASSWORD };

  it('redacts every form embedded in surrounding text', () => {
    expect(
      failing(
        Object.entries(PASSWORD_FORMS).map(([name, form]) => ({
          name,
          chunks: [`before ${form} after\n`],
          expected: 'before [redacted:PASSWORD] after\n',
        })),
        secrets,
      ),
    ).toEqual([]);
    expect(
      failing(
        [
          {
            name: 'base64 in JSON',
            chunks: [`{"auth":"${PASSWORD_FORMS.base64}"}`],
            expected: '{"auth":"[redacted:PASSWORD]"}',
          },
          {
            name: 'query string',
            chunks: [`GET /cb?pw=${PASSWORD_FORMS.URLSearchParams}&x=1`],
            expected: 'GET /cb?pw=[redacted:PASSWORD]&x=1',
          },
        ],
        secrets,
      ),
    ).toEqual([]);
  });

  it('redacts forms split across chunks, at every split point', () => {
    const line = `a ${PASSWORD_FORMS.base64} b ${PASSWORD_FORMS.hex} c\n`;
    const cases = [];
    for (let i = 0; i <= line.length; i++) {
      for (let j = i; j <= line.length; j++) {
        cases.push({
          name: `${i}-${j}`,
          chunks: [line.slice(0, i), line.slice(i, j), line.slice(j)],
          expected: 'a [redacted:PASSWORD] b [redacted:PASSWORD] c\n',
        });
      }
    }
    expect(failing(cases, secrets)).toEqual([]);
  });

  it('redacts base64 of a value at each of the 3 offsets inside a longer blob, leaving only what the bytes around also make', () => {
    const bytes = Buffer.from(PASSWORD);
    const left: string[] = [];
    for (const prefix of ['', 'u', 'us', 'usr', 'user:', 'admin:']) {
      for (const encoding of ['base64', 'base64url'] as const) {
        const blob = Buffer.concat([
          Buffer.from(prefix),
          bytes,
          Buffer.from('@host'),
        ]).toString(encoding);
        const out = through([`Authorization: Basic ${blob}\n`], secrets);
        const parts =
          /^Authorization: Basic ([\w+/=-]*)\[redacted:PASSWORD\]([\w+/=-]*)\n$/.exec(
            out,
          );
        const before = Math.ceil((8 * prefix.length) / 6);
        const after =
          blob.length - Math.floor((8 * (prefix.length + bytes.length)) / 6);
        if (
          !parts ||
          !blob.startsWith(parts[1]) ||
          !blob.endsWith(parts[2]) ||
          parts[1].length > before ||
          parts[2].length > after
        ) {
          left.push(`after ${prefix.length} bytes in ${encoding}`);
        }
      }
    }
    expect(left).toEqual([]);
  });

  it('redacts a value that holds a line break, raw across chunks and in its encoded forms', () => {
    const value = 'first-line\nsecond-secret';
    const raw = `a ${value} b\n`;
    expect(
      failing(
        [
          {
            name: 'raw',
            chunks: [raw.slice(0, 8), raw.slice(8, 14), raw.slice(14)],
            expected: 'a [redacted:MULTI] b\n',
          },
          {
            name: 'JSON',
            chunks: [`{"v":"${JSON.stringify(value).slice(1, -1)}"}\n`],
            expected: '{"v":"[redacted:MULTI]"}\n',
          },
          {
            name: 'percent',
            chunks: [`?v=${encodeURIComponent(value)}\n`],
            expected: '?v=[redacted:MULTI]\n',
          },
          {
            name: 'base64',
            chunks: [`${Buffer.from(value).toString('base64')}\n`],
            expected: '[redacted:MULTI]\n',
          },
        ],
        { MULTI: value },
      ),
    ).toEqual([]);
  });

  it('names a value by its own key before a form of another value that equals it', () => {
    expect(
      through(['616263646566 abcdef'], {
        A: 'abcdef',
        B: '616263646566',
      }),
    ).toBe('[redacted:B] [redacted:A]');
  });

  it('leaves ordinary text alone', () => {
    const text = [
      '2026-12-05T10:00:00Z info connected to slack as bot U123456 in 184ms',
      'GET /api/v1/items?page=2&q=hello%20world 200 12ms',
      '{"level":"info","msg":"token refreshed","expiresIn":3600,"user":"alice"}',
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'payload aGVsbG8gd29ybGQ= id 0x7fffabcd pin 123456 done',
      '',
    ].join('\n');
    expect(through([text], secrets)).toBe(text);
  });
});
