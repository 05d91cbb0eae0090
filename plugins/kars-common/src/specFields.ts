import { z } from 'zod';
import { MAX_SANDBOX_NAME_LENGTH, RESERVED_SANDBOX_NAMES } from './names';
import { custom } from './specRules';
import { CHANNEL_TYPES, PATTERNS, SEVERITIES } from './specVocabulary';

/**
 * The schemas of the sandbox spec's parts (its name, budgets, content safety, egress entries,
 * channels, A2A skills), each with its own rules, and the IPv4 parsing the egress entries use.
 */

/** A sandbox name: a DNS-1035 label, short enough for every derived name, not reserved. @public */
export const sandboxNameSchema = z
  .string()
  .min(1)
  .max(MAX_SANDBOX_NAME_LENGTH, {
    error: `must be at most ${MAX_SANDBOX_NAME_LENGTH} characters, so that every name derived from it fits 63`,
  })
  .regex(PATTERNS.dns1035Label, {
    error:
      'must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit',
  })
  .refine(n => !RESERVED_SANDBOX_NAMES.includes(n), {
    error: `is reserved (${RESERVED_SANDBOX_NAMES.join(', ')})`,
    params: { rule: 'reserved-name' },
  });

const tokenCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Token budgets; 0 means unlimited. @public */
export const tokenBudgetSchema = z
  .strictObject({
    perRequestTokens: tokenCount.default(0),
    dailyTokens: tokenCount.default(0),
    monthlyTokens: tokenCount.default(0),
  })
  .superRefine((b, ctx) => {
    if (b.monthlyTokens > 0 && b.dailyTokens > b.monthlyTokens) {
      custom(
        ctx,
        ['monthlyTokens'],
        'monthly-at-least-daily',
        'must be at least dailyTokens (or 0 for unlimited)',
      );
    }
    if (b.monthlyTokens > 0 && b.perRequestTokens > b.monthlyTokens) {
      custom(
        ctx,
        ['monthlyTokens'],
        'monthly-at-least-per-request',
        'must be at least perRequestTokens (or 0 for unlimited)',
      );
    }
    if (b.dailyTokens > 0 && b.perRequestTokens > b.dailyTokens) {
      custom(
        ctx,
        ['dailyTokens'],
        'daily-at-least-per-request',
        'must be at least perRequestTokens (or 0 for unlimited)',
      );
    }
  });

const severity = z.enum(SEVERITIES);

/**
 * Content-safety thresholds per category, and the dev-only opt-out of the cluster floor.
 * The floor itself is a cluster setting: see `checkContentSafetyFloor`.
 * @public
 */
export const contentSafetySchema = z.strictObject({
  hate: severity.default('Medium'),
  selfHarm: severity.default('Medium'),
  sexual: severity.default('Medium'),
  violence: severity.default('Medium'),
  devOnly: z.boolean().default(false),
});

/** An egress allowlist entry: a host name, an IPv4 address or an IPv4 CIDR, and a port. @public */
export const egressEndpointSchema = z
  .strictObject({
    host: z.string().min(1).max(253).regex(PATTERNS.egressHost, {
      error:
        'must be a lowercase host name (example.com), an IPv4 address (203.0.113.7) or an IPv4 CIDR (203.0.113.0/24)',
    }),
    port: z.number().int().min(1).max(65535).default(443),
  })
  .superRefine((e, ctx) => {
    const ip = parseIpv4Entry(e.host);
    if (ip === undefined) return;
    if (ip === 'invalid') {
      custom(
        ctx,
        ['host'],
        'ipv4-address',
        'is not a valid IPv4 address or CIDR (octets 0-255, prefix 8-32)',
      );
      return;
    }
    const reason = forbiddenEgressRange(ip);
    if (reason) custom(ctx, ['host'], 'egress-range-forbidden', reason);
  });

/** A chat channel of the sandbox; its tokens are credentials, not spec. @public */
export const channelSchema = z.strictObject({
  type: z.enum(CHANNEL_TYPES),
});

/** A skill advertised on the agent's A2A card; A2A requires its description and at least one tag. @public */
export const a2aSkillSchema = z.strictObject({
  id: z.string().min(1).max(63).regex(PATTERNS.skillId, {
    error: 'must be lowercase letters, digits, "-", "_" or "."',
  }),
  name: z.string().min(1).max(100),
  description: z.string().min(1).max(1000),
  tags: z.array(z.string().min(1).max(50)).min(1).max(20),
});

/** @public */
export type TokenBudget = z.output<typeof tokenBudgetSchema>;
/** @public */
export type ContentSafety = z.output<typeof contentSafetySchema>;
/** @public */
export type EgressEndpoint = z.output<typeof egressEndpointSchema>;
/** @public */
export type A2aSkill = z.output<typeof a2aSkillSchema>;

/**
 * An IPv4 address or CIDR entry: its four octets and its prefix length (32 for an address).
 * @public
 */
export type Ipv4 = { octets: number[]; prefix: number };

/** Parses an IPv4 address or CIDR entry; undefined when the entry is a host name. @public */
export function parseIpv4Entry(host: string): Ipv4 | 'invalid' | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(host);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some(o => o > 255) || prefix < 8 || prefix > 32) return 'invalid';
  return { octets, prefix };
}

function forbiddenEgressRange({ octets }: Ipv4): string | undefined {
  const [a, b] = octets;
  if (a === 127) return 'is a loopback address; egress to it is meaningless';
  if (a === 169 && b === 254)
    return 'is link-local (IMDS); only the inference router may reach it';
  if (a === 0) return 'is in 0.0.0.0/8, which is not a destination';
  if (a >= 224) return 'is multicast or reserved, which is not a destination';
  return undefined;
}
