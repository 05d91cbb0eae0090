import { LogRedactor } from './redact';

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

  it('keeps back no more than could start a value, and nothing past a line break', () => {
    const redactor = new LogRedactor(SECRETS);
    expect(redactor.push('line one\nline two xoxb-11')).toBe('line one\n');
    expect(redactor.push('11-2222-SeCrEt done\nnext')).toBe(
      'line two [redacted:SLACK_BOT_TOKEN] done\n',
    );
    const long = 'y'.repeat(100);
    expect(redactor.push(long)).toBe(
      `next${long}`.slice(0, 104 - (SECRETS.SLACK_BOT_TOKEN.length - 1)),
    );
    expect(redactor.flush()).toBe(
      'y'.repeat(SECRETS.SLACK_BOT_TOKEN.length - 1),
    );
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
