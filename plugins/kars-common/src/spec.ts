import { z } from 'zod';
import { SECCOMP_STRICT_PROFILE_NAME } from './constants';
import { MAX_SANDBOX_NAME_LENGTH, RESERVED_SANDBOX_NAMES } from './names';

/**
 * The sandbox spec: one zod schema per rule, and the only source of the JSON Schemas, the CRD schema
 * and the scaffolder's input schemas generated from it.
 */

/** Isolation levels, weakest first. @public */
export const ISOLATION_LEVELS = [
  'standard',
  'enhanced',
  'confidential',
] as const;
/** @public */
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

/**
 * What each isolation level runs the sandbox on, in words: the one text for the templates' choices,
 * the scaffolder actions' docs and the portal. @public
 */
export const ISOLATION_LEVEL_LABELS: Readonly<
  Record<IsolationLevel, { title: string; description: string }>
> = {
  standard: {
    title: 'Standard',
    description: 'runc with the RuntimeDefault seccomp profile',
  },
  enhanced: {
    title: 'Enhanced',
    description: `runc with the ${SECCOMP_STRICT_PROFILE_NAME} seccomp profile`,
  },
  confidential: {
    title: 'Confidential',
    description:
      'Kata VM on the Kata node pool, with the RuntimeDefault seccomp profile',
  },
};

/** An isolation level as a choice reads: `Standard: runc with the RuntimeDefault seccomp profile`. @public */
export function isolationLevelLabel(level: IsolationLevel): string {
  const { title, description } = ISOLATION_LEVEL_LABELS[level];
  return `${title}: ${description}`;
}

/** Agent runtimes, with kars's PascalCase wire values. @public */
export const RUNTIME_KINDS = [
  'OpenClaw',
  'Hermes',
  'OpenAIAgents',
  'MicrosoftAgentFramework',
  'LangGraph',
  'Anthropic',
  'PydanticAi',
  'BYO',
] as const;
/** @public */
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/** Chat channels. @public */
export const CHANNEL_TYPES = [
  'telegram',
  'slack',
  'discord',
  'whatsapp',
] as const;
/** @public */
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Content-safety severities, strictest first: a lower ordinal lets less harmful content through. @public */
export const SEVERITIES = ['Safe', 'Low', 'Medium', 'High'] as const;
/** @public */
export type Severity = (typeof SEVERITIES)[number];

/** Content-safety categories of an InferencePolicy. @public */
export const CONTENT_SAFETY_CATEGORIES = [
  'hate',
  'selfHarm',
  'sexual',
  'violence',
] as const;
/** @public */
export type ContentSafetyCategory = (typeof CONTENT_SAFETY_CATEGORIES)[number];

/** Named patterns; a rejection by one of them names the rule. @public */
export const PATTERNS = {
  dns1035Label: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  entityRef:
    /^(?:(?:user|group):)(?:[a-z0-9]([-a-z0-9_.]*[a-z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/,
  model: /^[A-Za-z0-9]([-A-Za-z0-9_.:]*[A-Za-z0-9])?$/,
  egressHost:
    /^(([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?|([0-9]{1,3}\.){3}[0-9]{1,3}(\/[0-9]{1,2})?)$/,
  cpuQuantity: /^([0-9]+m|[0-9]+(\.[0-9]{1,3})?)$/,
  memoryQuantity: /^[0-9]+(Mi|Gi)$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  skillId: /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/,
} as const;

/** The rule each named pattern stands for. @public */
export const PATTERN_RULES: ReadonlyMap<string, string> = new Map([
  [String(PATTERNS.dns1035Label), 'dns-1035-label'],
  [String(PATTERNS.entityRef), 'owner-entity-ref'],
  [String(PATTERNS.model), 'model-name'],
  [String(PATTERNS.egressHost), 'egress-host'],
  [String(PATTERNS.cpuQuantity), 'cpu-quantity'],
  [String(PATTERNS.memoryQuantity), 'memory-quantity'],
  [String(PATTERNS.uuid), 'uuid'],
  [String(PATTERNS.skillId), 'skill-id'],
]);

const custom = (
  ctx: z.core.$RefinementCtx,
  path: PropertyKey[],
  rule: string,
  message: string,
) => ctx.addIssue({ code: 'custom', path, message, params: { rule } });

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

/** A skill advertised on the agent's A2A card. @public */
export const a2aSkillSchema = z.strictObject({
  id: z.string().min(1).max(63).regex(PATTERNS.skillId, {
    error: 'must be lowercase letters, digits, "-", "_" or "."',
  }),
  name: z.string().min(1).max(100),
  description: z.string().max(1000).default(''),
  tags: z.array(z.string().min(1).max(50)).max(20).default([]),
});

/** @public */
export const sandboxSpecSchema = z
  .strictObject({
    owner: z
      .string()
      .max(253)
      .regex(PATTERNS.entityRef, {
        error:
          'must be a user or group entity ref, such as group:default/team-a or user:default/jane',
      })
      .optional(),
    runtime: z
      .strictObject({ kind: z.enum(RUNTIME_KINDS).default('OpenClaw') })
      .default({ kind: 'OpenClaw' }),
    sandbox: z
      .strictObject({ isolation: z.enum(ISOLATION_LEVELS).default('enhanced') })
      .default({ isolation: 'enhanced' }),
    model: z
      .string()
      .min(1)
      .max(100)
      .regex(PATTERNS.model, {
        error:
          'must be a model deployment name: letters, digits, "-", "_", "." or ":"',
      })
      .default('gpt-4.1'),
    tokenBudget: tokenBudgetSchema.default({
      perRequestTokens: 0,
      dailyTokens: 0,
      monthlyTokens: 0,
    }),
    contentSafety: contentSafetySchema.default({
      hate: 'Medium',
      selfHarm: 'Medium',
      sexual: 'Medium',
      violence: 'Medium',
      devOnly: false,
    }),
    channels: z.array(channelSchema).max(CHANNEL_TYPES.length).default([]),
    networkPolicy: z
      .strictObject({
        allowedEndpoints: z.array(egressEndpointSchema).max(64).default([]),
      })
      .default({ allowedEndpoints: [] }),
    governance: z
      .strictObject({
        enabled: z.boolean().default(false),
        trustThreshold: z.number().int().min(0).max(1000).default(500),
      })
      .default({ enabled: false, trustThreshold: 500 }),
    a2a: z
      .strictObject({
        enabled: z.boolean().default(true),
        description: z.string().max(1000).default(''),
        skills: z.array(a2aSkillSchema).max(32).default([]),
      })
      .default({ enabled: true, description: '', skills: [] }),
    resources: z
      .strictObject({
        limits: z
          .strictObject({
            cpu: z
              .string()
              .regex(PATTERNS.cpuQuantity, {
                error: 'must be a CPU quantity such as 500m, 1 or 1.5',
              })
              .default('2'),
            memory: z
              .string()
              .regex(PATTERNS.memoryQuantity, {
                error:
                  'must be a memory quantity in Mi or Gi, such as 512Mi or 4Gi',
              })
              .default('4Gi'),
          })
          .default({ cpu: '2', memory: '4Gi' }),
      })
      .default({ limits: { cpu: '2', memory: '4Gi' } }),
    workloadIdentity: z
      .strictObject({
        clientId: z
          .string()
          .regex(PATTERNS.uuid, { error: 'must be a client id (a UUID)' }),
      })
      .optional(),
    suspended: z.boolean().default(false),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.channels.forEach((c, i) => {
      if (seen.has(c.type)) {
        custom(
          ctx,
          ['channels', i, 'type'],
          'channel-unique',
          `lists ${c.type} more than once`,
        );
      }
      seen.add(c.type);
    });
    const endpoints = new Set<string>();
    spec.networkPolicy.allowedEndpoints.forEach((e, i) => {
      const key = `${e.host}:${e.port}`;
      if (endpoints.has(key)) {
        custom(
          ctx,
          ['networkPolicy', 'allowedEndpoints', i],
          'endpoint-unique',
          `lists ${key} more than once`,
        );
      }
      endpoints.add(key);
    });
    const skills = new Set<string>();
    spec.a2a.skills.forEach((s, i) => {
      if (skills.has(s.id)) {
        custom(
          ctx,
          ['a2a', 'skills', i, 'id'],
          'skill-unique',
          `repeats skill id ${s.id}`,
        );
      }
      skills.add(s.id);
    });
    const cpu = parseCpuMillis(spec.resources.limits.cpu);
    if (cpu < 100 || cpu > 16000) {
      custom(
        ctx,
        ['resources', 'limits', 'cpu'],
        'cpu-range',
        'must be between 100m and 16',
      );
    }
    const mem = parseMemoryMi(spec.resources.limits.memory);
    if (mem < 256 || mem > 65536) {
      custom(
        ctx,
        ['resources', 'limits', 'memory'],
        'memory-range',
        'must be between 256Mi and 64Gi',
      );
    }
  });

/** A sandbox spec as a client sends it: every field with a default may be left out. @public */
export type SandboxSpecInput = z.input<typeof sandboxSpecSchema>;
/** A sandbox spec with every default filled in. @public */
export type SandboxSpec = z.output<typeof sandboxSpecSchema>;
/** @public */
export type TokenBudget = z.output<typeof tokenBudgetSchema>;
/** @public */
export type ContentSafety = z.output<typeof contentSafetySchema>;
/** @public */
export type EgressEndpoint = z.output<typeof egressEndpointSchema>;
/** @public */
export type A2aSkill = z.output<typeof a2aSkillSchema>;

/**
 * The fields of a sandbox that can change after creation: isolation, model, budgets, content safety,
 * channels, egress allowlist, governance, A2A card, limits, identity and suspension. The runtime is
 * fixed at creation. Objects are merged into the current spec; arrays replace.
 * @public
 */
export const sandboxPatchSchema = z.strictObject({
  owner: z.string().optional(),
  sandbox: z.strictObject({ isolation: z.enum(ISOLATION_LEVELS) }).optional(),
  model: z.string().optional(),
  tokenBudget: z
    .strictObject({
      perRequestTokens: z.number().optional(),
      dailyTokens: z.number().optional(),
      monthlyTokens: z.number().optional(),
    })
    .optional(),
  contentSafety: z
    .strictObject({
      hate: severity.optional(),
      selfHarm: severity.optional(),
      sexual: severity.optional(),
      violence: severity.optional(),
      devOnly: z.boolean().optional(),
    })
    .optional(),
  channels: z.array(z.unknown()).optional(),
  networkPolicy: z
    .strictObject({ allowedEndpoints: z.array(z.unknown()) })
    .optional(),
  governance: z
    .strictObject({
      enabled: z.boolean().optional(),
      trustThreshold: z.number().optional(),
    })
    .optional(),
  a2a: z
    .strictObject({
      enabled: z.boolean().optional(),
      description: z.string().optional(),
      skills: z.array(z.unknown()).optional(),
    })
    .optional(),
  resources: z
    .strictObject({
      limits: z
        .strictObject({
          cpu: z.string().optional(),
          memory: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  workloadIdentity: z
    .strictObject({ clientId: z.string() })
    .nullable()
    .optional(),
  suspended: z.boolean().optional(),
});

/** @public */
export type SandboxPatch = z.input<typeof sandboxPatchSchema>;

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

function parseCpuMillis(cpu: string): number {
  return cpu.endsWith('m')
    ? Number(cpu.slice(0, -1))
    : Math.round(Number(cpu) * 1000);
}

function parseMemoryMi(memory: string): number {
  const n = Number(memory.slice(0, -2));
  return memory.endsWith('Gi') ? n * 1024 : n;
}
