import {
  channelHasCredentials,
  credentialKeyNames,
  credentialsSchema,
} from './credentials';
import { validateWith } from './validation';

const telegram = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const slack = 'xoxb-1234-5678-abcdefghijkl';
const discord =
  'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.abcdefghijklmnopqrstuvwxyz0123';

describe('credentials', () => {
  it.each([
    ['telegram', { TELEGRAM_BOT_TOKEN: telegram }],
    ['telegram allow list', { TELEGRAM_ALLOW_FROM: '12345,@jane' }],
    ['slack', { SLACK_BOT_TOKEN: slack }],
    ['discord', { DISCORD_BOT_TOKEN: discord }],
    ['whatsapp', { WHATSAPP_ENABLED: 'true' }],
    ['plugin keys', { BRAVE_API_KEY: 'brv-123', OPENAI_API_KEY: 'sk-abc' }],
    ['nothing', {}],
  ])('accepts %s', (_what, credentials) => {
    expect(validateWith(credentialsSchema, credentials).success).toBe(true);
  });

  const secret = 'not-a-slack-token-S3CR3T';
  it.each([
    ['slack without xoxb-', { SLACK_BOT_TOKEN: secret }, 'SLACK_BOT_TOKEN'],
    [
      'slack user token',
      { SLACK_BOT_TOKEN: `xoxp-${secret}` },
      'SLACK_BOT_TOKEN',
    ],
    [
      'telegram without bot id',
      { TELEGRAM_BOT_TOKEN: secret },
      'TELEGRAM_BOT_TOKEN',
    ],
    ['discord in one part', { DISCORD_BOT_TOKEN: secret }, 'DISCORD_BOT_TOKEN'],
    ['whatsapp yes', { WHATSAPP_ENABLED: 'yes' }, 'WHATSAPP_ENABLED'],
    [
      'a key with a newline',
      { BRAVE_API_KEY: `${secret}\nx` },
      'BRAVE_API_KEY',
    ],
    ['an empty key', { TAVILY_API_KEY: '' }, 'TAVILY_API_KEY'],
    ['an unknown key', { GITHUB_TOKEN: secret }, 'credentials.GITHUB_TOKEN'],
  ])('rejects %s without echoing the value', (_what, credentials, field) => {
    const result = validateWith(credentialsSchema, credentials, 'credentials');
    expect(result.success).toBe(false);
    expect(result.issues.map(i => i.field)).toContain(
      field.startsWith('credentials.') ? field : `credentials.${field}`,
    );
    expect(JSON.stringify(result.issues)).not.toContain('S3CR3T');
  });

  it('lists the keys that are set, never the values', () => {
    expect(
      credentialKeyNames({ SLACK_BOT_TOKEN: slack, BRAVE_API_KEY: 'k' }),
    ).toEqual(['BRAVE_API_KEY', 'SLACK_BOT_TOKEN']);
  });

  it('knows which keys each channel needs', () => {
    expect(channelHasCredentials('slack', ['SLACK_BOT_TOKEN'])).toBe(true);
    expect(channelHasCredentials('telegram', ['SLACK_BOT_TOKEN'])).toBe(false);
    expect(channelHasCredentials('whatsapp', ['WHATSAPP_ENABLED'])).toBe(true);
  });
});
