import { z as zv3 } from 'zod/v3';
import {
  CHANNEL_TYPES,
  credentialsSchema,
  ISOLATION_LEVELS,
  RUNTIME_KINDS,
  SandboxSpecInput,
  SEVERITIES,
  UpdateSandboxRequest,
} from '@kars-portal/plugin-kars-common';

/** The zod the scaffolder injects into action schemas (v3 API). */
export type InjectedZod = typeof zv3;

/**
 * What each isolation level means, for descriptions in schemas and templates.
 * @public
 */
export const ISOLATION_LEVEL_MEANINGS: Record<
  (typeof ISOLATION_LEVELS)[number],
  string
> = {
  standard: 'runc with the RuntimeDefault seccomp profile',
  enhanced: 'runc with the kars-strict seccomp profile (the default)',
  confidential: 'a Kata VM on the Kata node pool, RuntimeDefault seccomp',
};

/**
 * The action inputs that carry sandbox spec fields. Types and enums come from kars-common; the value
 * rules (patterns, ranges, budgets in order, the content-safety floor, forbidden egress ranges) are
 * judged by the kars backend, which names the field and the rule in its 400 answer.
 *
 * The keys are the action's input names; {@link SPEC_PATHS} says where each lands in the spec.
 */
export const sandboxSpecFieldInputs = {
  owner: (z: InjectedZod) =>
    z
      .string()
      .optional()
      .describe(
        'Owner of the sandbox: a user or group entity ref (group:default/team-a)',
      ),
  runtime: (z: InjectedZod) =>
    z
      .enum(RUNTIME_KINDS)
      .optional()
      .describe('Agent runtime; fixed at creation (default OpenClaw)'),
  isolation: (z: InjectedZod) =>
    z
      .enum(ISOLATION_LEVELS)
      .optional()
      .describe(
        `Isolation level: ${ISOLATION_LEVELS.map(
          l => `${l} = ${ISOLATION_LEVEL_MEANINGS[l]}`,
        ).join('; ')}`,
      ),
  model: (z: InjectedZod) =>
    z.string().optional().describe('Model deployment name (default gpt-4.1)'),
  tokenBudget: (z: InjectedZod) =>
    z
      .object({
        perRequestTokens: z.number().int().optional(),
        dailyTokens: z.number().int().optional(),
        monthlyTokens: z.number().int().optional(),
      })
      .optional()
      .describe(
        'Token budgets per request, per day and per month; 0 = unlimited',
      ),
  contentSafety: (z: InjectedZod) =>
    z
      .object({
        hate: z.enum(SEVERITIES).optional(),
        selfHarm: z.enum(SEVERITIES).optional(),
        sexual: z.enum(SEVERITIES).optional(),
        violence: z.enum(SEVERITIES).optional(),
        devOnly: z.boolean().optional(),
      })
      .optional()
      .describe(
        'Content-safety threshold per category (Safe < Low < Medium < High; default Medium); none may exceed the cluster floor unless devOnly',
      ),
  channels: (z: InjectedZod) =>
    z
      .array(z.enum(CHANNEL_TYPES))
      .optional()
      .describe(
        'Chat channels; their tokens come from the task secrets, never from input',
      ),
  allowedEndpoints: (z: InjectedZod) =>
    z
      .array(
        z.object({
          host: z.string(),
          port: z.number().int().optional(),
        }),
      )
      .optional()
      .describe(
        'Egress allowlist: host names, IPv4 addresses or CIDRs, with a port (default 443)',
      ),
  governance: (z: InjectedZod) =>
    z
      .object({
        enabled: z.boolean().optional(),
        trustThreshold: z.number().int().optional(),
      })
      .optional()
      .describe('Agent governance (router Service and A2A ingress)'),
  a2a: (z: InjectedZod) =>
    z
      .object({
        enabled: z.boolean().optional(),
        description: z.string().optional(),
        skills: z
          .array(
            z.object({
              id: z.string(),
              name: z.string(),
              description: z.string().optional(),
              tags: z.array(z.string()).optional(),
            }),
          )
          .optional(),
      })
      .optional()
      .describe('The A2A agent card: description and skills'),
  limits: (z: InjectedZod) =>
    z
      .object({
        cpu: z.string().optional(),
        memory: z.string().optional(),
      })
      .optional()
      .describe('CPU and memory limits of the sandbox (default 2 and 4Gi)'),
  workloadIdentityClientId: (z: InjectedZod) =>
    z
      .string()
      .optional()
      .describe(
        'Workload-identity client id (a UUID) of the sandbox ServiceAccount',
      ),
  suspended: (z: InjectedZod) =>
    z.boolean().optional().describe('Scale the sandbox to zero'),
};

/** The spec fields an action input carries. */
export type SandboxSpecFields = {
  owner?: string;
  runtime?: (typeof RUNTIME_KINDS)[number];
  isolation?: (typeof ISOLATION_LEVELS)[number];
  model?: string;
  tokenBudget?: {
    perRequestTokens?: number;
    dailyTokens?: number;
    monthlyTokens?: number;
  };
  contentSafety?: {
    hate?: (typeof SEVERITIES)[number];
    selfHarm?: (typeof SEVERITIES)[number];
    sexual?: (typeof SEVERITIES)[number];
    violence?: (typeof SEVERITIES)[number];
    devOnly?: boolean;
  };
  channels?: Array<(typeof CHANNEL_TYPES)[number]>;
  allowedEndpoints?: Array<{ host: string; port?: number }>;
  governance?: { enabled?: boolean; trustThreshold?: number };
  a2a?: {
    enabled?: boolean;
    description?: string;
    skills?: Array<{
      id: string;
      name: string;
      description?: string;
      tags?: string[];
    }>;
  };
  limits?: { cpu?: string; memory?: string };
  workloadIdentityClientId?: string;
  suspended?: boolean;
};

/**
 * Where each spec input lands in the sandbox spec (`[]` marks array items). A test walks
 * kars-common's JSON Schema of the spec and fails when a field is not covered or its type drifted.
 */
export const SPEC_PATHS: Record<keyof SandboxSpecFields, string> = {
  owner: 'owner',
  runtime: 'runtime.kind',
  isolation: 'sandbox.isolation',
  model: 'model',
  tokenBudget: 'tokenBudget',
  contentSafety: 'contentSafety',
  channels: 'channels[].type',
  allowedEndpoints: 'networkPolicy.allowedEndpoints',
  governance: 'governance',
  a2a: 'a2a',
  limits: 'resources.limits',
  workloadIdentityClientId: 'workloadIdentity.clientId',
  suspended: 'suspended',
};

/** The spec fields `kars:sandbox:update` can change (the runtime is fixed at creation). */
export const PATCHABLE_FIELDS = [
  'owner',
  'isolation',
  'model',
  'tokenBudget',
  'contentSafety',
  'channels',
  'allowedEndpoints',
  'governance',
  'a2a',
  'limits',
  'workloadIdentityClientId',
  'suspended',
] as const satisfies ReadonlyArray<keyof SandboxSpecFields>;

/** A form leaves optional text fields empty rather than absent: both mean "not given". */
const text = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value;

function compact<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

/** Builds the spec (create) or the patch (update) from the spec inputs; absent inputs stay absent. */
export function toSpec(
  fields: SandboxSpecFields,
): SandboxSpecInput & UpdateSandboxRequest {
  const clientId = text(fields.workloadIdentityClientId);
  const spec = {
    owner: text(fields.owner),
    runtime: fields.runtime ? { kind: fields.runtime } : undefined,
    sandbox: fields.isolation ? { isolation: fields.isolation } : undefined,
    model: text(fields.model),
    tokenBudget: fields.tokenBudget && compact(fields.tokenBudget),
    contentSafety: fields.contentSafety && compact(fields.contentSafety),
    channels: fields.channels?.map(type => ({ type })),
    networkPolicy: fields.allowedEndpoints
      ? { allowedEndpoints: fields.allowedEndpoints }
      : undefined,
    governance: fields.governance && compact(fields.governance),
    a2a: fields.a2a && compact(fields.a2a),
    resources: fields.limits
      ? {
          limits: compact({
            cpu: text(fields.limits.cpu),
            memory: text(fields.limits.memory),
          }),
        }
      : undefined,
    workloadIdentity: clientId ? { clientId } : undefined,
    suspended: fields.suspended,
  };
  return (compact(spec) ?? {}) as SandboxSpecInput & UpdateSandboxRequest;
}

/** Every credential key the backend accepts, from kars-common's credentials schema. */
export const CREDENTIAL_KEYS: readonly string[] = Object.keys(
  credentialsSchema.shape,
);

/**
 * The credentials among the task's secrets: keys named exactly like the credential keys, non-empty.
 * Returns undefined when there are none. Values are never logged or output.
 */
export function credentialsFromSecrets(
  secrets: Record<string, string | undefined> | undefined,
): Record<string, string> | undefined {
  const picked = Object.fromEntries(
    CREDENTIAL_KEYS.flatMap(key => {
      const value = secrets?.[key];
      return typeof value === 'string' && value.trim() !== ''
        ? [[key, value.trim()]]
        : [];
    }),
  );
  return Object.keys(picked).length ? picked : undefined;
}
