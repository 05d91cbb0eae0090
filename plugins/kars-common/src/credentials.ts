import { z } from 'zod';
import { ChannelType } from './spec';

/**
 * Credentials are a separate, write-only input: they go to the sandbox's `<name>-credentials`
 * Secret and are never returned, logged or stored anywhere else.
 */

/** The Secret keys each channel needs to connect. @public */
export const CHANNEL_CREDENTIAL_KEYS: Record<ChannelType, readonly string[]> = {
  telegram: ['TELEGRAM_BOT_TOKEN'],
  slack: ['SLACK_BOT_TOKEN'],
  discord: ['DISCORD_BOT_TOKEN'],
  whatsapp: ['WHATSAPP_ENABLED'],
};

/** Plugin API keys the runtime reads from the same Secret. @public */
export const PLUGIN_CREDENTIAL_KEYS = [
  'BRAVE_API_KEY',
  'TAVILY_API_KEY',
  'EXA_API_KEY',
  'FIRECRAWL_API_KEY',
  'PERPLEXITY_API_KEY',
  'OPENAI_API_KEY',
] as const;

const secretValue = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^\S+$/, { error: 'must not contain whitespace' });

const apiKey = secretValue.regex(/^[\x21-\x7e]+$/, {
  error: 'must be printable ASCII',
});

/** The credentials a caller may set; every key is optional, unknown keys are refused. @public */
export const credentialsSchema = z.strictObject({
  TELEGRAM_BOT_TOKEN: secretValue
    .regex(/^[0-9]{5,12}:[A-Za-z0-9_-]{30,80}$/, {
      error: 'must be a BotFather token: <bot id>:<secret>',
    })
    .optional(),
  TELEGRAM_ALLOW_FROM: z
    .string()
    .max(1024)
    .regex(/^[0-9@A-Za-z_]+(,[0-9@A-Za-z_]+)*$/, {
      error: 'must be a comma-separated list of Telegram user ids or @names',
    })
    .optional(),
  SLACK_BOT_TOKEN: secretValue
    .regex(/^xoxb-[A-Za-z0-9-]+$/, {
      error: 'must be a Slack bot token, starting with xoxb-',
    })
    .optional(),
  DISCORD_BOT_TOKEN: secretValue
    .regex(/^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/, {
      error: 'must be a Discord bot token: three dot-separated parts',
    })
    .optional(),
  WHATSAPP_ENABLED: z.enum(['true', 'false']).optional(),
  BRAVE_API_KEY: apiKey.optional(),
  TAVILY_API_KEY: apiKey.optional(),
  EXA_API_KEY: apiKey.optional(),
  FIRECRAWL_API_KEY: apiKey.optional(),
  PERPLEXITY_API_KEY: apiKey.optional(),
  OPENAI_API_KEY: apiKey.optional(),
});
/** @public */
export type Credentials = z.output<typeof credentialsSchema>;
/** @public */
export type CredentialKey = keyof Credentials;

/** The keys of a credentials object that are set, sorted; never the values. @public */
export function credentialKeyNames(credentials: Credentials): CredentialKey[] {
  return (Object.keys(credentials) as CredentialKey[])
    .filter(k => credentials[k] !== undefined)
    .sort();
}

/** Whether a channel has every key it needs among the given key names. @public */
export function channelHasCredentials(
  channel: ChannelType,
  presentKeys: ReadonlyArray<string>,
): boolean {
  return CHANNEL_CREDENTIAL_KEYS[channel].every(k => presentKeys.includes(k));
}
