import { z } from 'zod';
import {
  a2aSkillSchema,
  channelSchema,
  contentSafetySchema,
  egressEndpointSchema,
  tokenBudgetSchema,
} from './specFields';
import { custom, parseCpuMillis, parseMemoryMi } from './specRules';
import {
  CHANNEL_TYPES,
  ISOLATION_LEVELS,
  PATTERNS,
  RUNTIME_KINDS,
  SEVERITIES,
} from './specVocabulary';

/**
 * The sandbox spec: one zod schema per rule, and the only source of the JSON Schemas, the CRD schema
 * and the scaffolder's input schemas generated from it.
 */

export * from './specVocabulary';
export * from './specFields';

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
        /** Publish through the cluster's public A2A gateway; absent follows the cluster's default. */
        publicGateway: z.boolean().optional(),
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

const severity = z.enum(SEVERITIES);

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
      publicGateway: z.boolean().nullable().optional(),
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
