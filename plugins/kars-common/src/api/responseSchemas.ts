import { z } from 'zod';
import { agentCardSchema } from '../agentCard';
import { CHANNEL_TYPES, ISOLATION_LEVELS, sandboxSpecSchema } from '../spec';
import {
  conditionSchema,
  SANDBOX_PHASES,
  sandboxStatusSchema,
} from '../status';
import { auditEventSchema, ISOLATION_LAYERS } from './contract';

/**
 * Schemas of the answers of the REST contract (`contract.ts` has their types). The backend does not
 * parse its own answers; fakes and fixtures do, so that a test double that drifts from the contract
 * fails the test that uses it. Every object is strict: a field the contract does not have is an
 * error. `responseSchemas.test.ts` checks that each schema's type is its contract type.
 */

const channelType = z.enum(CHANNEL_TYPES);
const phase = z.enum(SANDBOX_PHASES);
const count = z.number().int().min(0);

/**
 * `GET /sandboxes/:name`, and the 202 of `DELETE` (then `deleting`): a sandbox, with key names and
 * never a credential value.
 * @public
 */
export const sandboxSchema = z.strictObject({
  name: z.string().min(1).max(63),
  cluster: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  spec: sandboxSpecSchema,
  status: sandboxStatusSchema,
  credentialKeys: z.array(z.string().min(1)),
  uid: z.string(),
  generation: count,
  createdAt: z.string(),
  deleting: z.boolean(),
});

/** One budget window of a sandbox's health. @public */
export const budgetWindowUseSchema = z.strictObject({
  window: z.enum(['perRequest', 'daily', 'monthly']),
  limit: count,
  used: z.number().min(0).nullable(),
  headroom: z.number().min(0).nullable(),
  fraction: z.number().min(0).nullable(),
});

/** One row of the fleet list. @public */
export const sandboxSummarySchema = z.strictObject({
  name: z.string().min(1).max(63),
  cluster: z.string().min(1).max(63),
  owner: z.string().optional(),
  isolation: z.enum(ISOLATION_LEVELS),
  model: z.string().min(1),
  phase: phase.optional(),
  ready: z.boolean(),
  suspended: z.boolean(),
  deleting: z.boolean(),
  budget: z.strictObject({
    dailyFraction: z.number().min(0).nullable(),
    monthlyFraction: z.number().min(0).nullable(),
  }),
  channelTrouble: z.array(channelType),
  lastReconciledAt: z.string().optional(),
});

/** One item of `GET /sandboxes`: the row, and what `include` asked for. @public */
export const sandboxListItemSchema = sandboxSummarySchema.extend({
  spec: sandboxSpecSchema.optional(),
  agentCard: agentCardSchema.nullable().optional(),
});

/** A page of a list of items of `item`. @public */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    totalCount: count,
    nextCursor: z.string().min(1).optional(),
  });
}

/** `POST /sandboxes` and `PATCH /sandboxes/:name` answer. @public */
export const sandboxWriteResponseSchema = z.strictObject({
  sandbox: sandboxSchema,
  changed: z.boolean(),
});

/** A rendered object of a dry run or of `/manifests`: only its identity is fixed. @public */
export const renderedObjectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z
      .object({ name: z.string().min(1), namespace: z.string().optional() })
      .catchall(z.unknown()),
  })
  .catchall(z.unknown());

/** `?dryRun=true` of a create or change, and `GET /sandboxes/:name/manifests`. @public */
export const manifestsResponseSchema = z.strictObject({
  name: z.string().min(1),
  cluster: z.string().min(1),
  objects: z.array(renderedObjectSchema),
});

/** `POST /sandboxes/validate` answer. @public */
export const validateResponseSchema = z.strictObject({
  valid: z.boolean(),
  issues: z.array(
    z.strictObject({
      field: z.string(),
      rule: z.string().min(1),
      message: z.string().min(1),
    }),
  ),
});

/** `PUT /sandboxes/:name/credentials` answer. @public */
export const putCredentialsResponseSchema = z.strictObject({
  credentialKeys: z.array(z.string().min(1)),
  restarted: z.boolean(),
});

/** `PUT /sandboxes/:name/credentials?dryRun=true` answer. @public */
export const putCredentialsDryRunResponseSchema = z.strictObject({
  dryRun: z.literal(true),
  name: z.string().min(1),
  secret: z.strictObject({ name: z.string(), namespace: z.string() }),
  credentialKeys: z.array(z.string().min(1)),
  added: z.array(z.string().min(1)),
  replaced: z.array(z.string().min(1)),
  removed: z.array(z.string().min(1)),
  wouldRestart: z.boolean(),
  restarted: z.literal(false),
});

/** `DELETE /sandboxes/:name?dryRun=true` answer. @public */
export const deleteSandboxDryRunResponseSchema = z.strictObject({
  dryRun: z.literal(true),
  name: z.string().min(1),
  cluster: z.string().min(1),
  deleting: z.boolean(),
  namespace: z.strictObject({
    name: z.string(),
    exists: z.boolean(),
    deleted: z.boolean(),
  }),
  objects: z.array(
    z.strictObject({
      apiVersion: z.string().min(1),
      kind: z.string().min(1),
      name: z.string().min(1),
      namespace: z.string().optional(),
    }),
  ),
});

/** `GET /sandboxes/:name/health` answer. @public */
export const sandboxHealthSchema = z.strictObject({
  name: z.string().min(1),
  phase: phase.optional(),
  conditions: z.array(conditionSchema),
  layers: z.array(
    z.strictObject({
      layer: z.enum(ISOLATION_LAYERS),
      required: z.boolean(),
      state: z.enum(['verified', 'declared', 'missing', 'unknown']),
      summary: z.string(),
      evidence: z.array(z.string()),
    }),
  ),
  budget: z.strictObject({
    source: z.string(),
    state: z.enum(['ok', 'unknown']),
    message: z.string().optional(),
    windows: z.array(budgetWindowUseSchema),
  }),
  channels: z.array(
    z.strictObject({
      channel: channelType,
      state: z.enum(['not-enabled', 'credentials-missing', 'configured']),
      workload: z.enum(['ready', 'not-ready', 'suspended', 'unknown']),
      connection: z.enum(['connected', 'connecting', 'failing', 'unknown']),
      connectionSource: z.string().optional(),
    }),
  ),
  workload: z.strictObject({
    desiredReplicas: count,
    readyReplicas: count,
    availableReplicas: count,
    restarts: count.nullable(),
    state: z.enum(['ready', 'progressing', 'suspended', 'missing', 'failed']),
  }),
  identity: z.strictObject({
    serviceAccount: z.string().min(1),
    namespace: z.string().min(1),
    federatedCredentialSubject: z.string().min(1),
    clientId: z.string().optional(),
  }),
  findings: z.array(
    z.strictObject({
      severity: z.enum(['warning', 'error']),
      code: z.string().min(1),
      message: z.string(),
      object: z.string().optional(),
    }),
  ),
  pods: z.array(
    z.strictObject({
      name: z.string().min(1),
      phase: z.string(),
      reason: z.string().optional(),
      message: z.string().optional(),
      nodeName: z.string().optional(),
      pool: z.string().optional(),
      runtimeClassName: z.string().optional(),
      nodeRuntimeHandlers: z.array(z.string()).nullable(),
      ready: z.boolean(),
      containers: z.array(
        z.strictObject({
          name: z.string().min(1),
          init: z.boolean(),
          state: z.enum(['waiting', 'running', 'terminated', 'unknown']),
          reason: z.string().optional(),
          message: z.string().optional(),
          ready: z.boolean(),
          restartCount: count,
          lastTermination: z
            .strictObject({
              reason: z.string().optional(),
              exitCode: z.number().int(),
              finishedAt: z.string().optional(),
            })
            .optional(),
        }),
      ),
    }),
  ),
  simulated: z.boolean(),
});

/** `GET /cluster` answer. @public */
export const clusterInfoSchema = z.strictObject({
  clusters: z.array(
    z.strictObject({
      name: z.string().min(1),
      embedded: z.boolean(),
      simulated: z.boolean(),
      production: z.boolean(),
      default: z.boolean(),
      reconciling: z.boolean(),
      preflight: z.array(
        z.strictObject({
          name: z.string().min(1),
          ok: z.boolean(),
          message: z.string(),
        }),
      ),
    }),
  ),
});

/** `GET /sandboxes/:name/events` answer. @public */
export const auditEventsResponseSchema = z.strictObject({
  items: z.array(auditEventSchema),
});

/** `GET /sandboxes/:name/usage` answer. @public */
export const sandboxUsageHistorySchema = z.strictObject({
  source: z.string().min(1),
  state: z.enum(['ok', 'unknown']),
  message: z.string().optional(),
  days: z.array(
    z.strictObject({ end: z.iso.datetime(), tokens: z.number().min(0) }),
  ),
});

/**
 * An error answer, as Backstage's error handler writes it (`@backstage/errors`' serialized form):
 * the error's name and message, the request's method and path, and the status.
 * @public
 */
export const errorResponseSchema = z.object({
  error: z.object({ name: z.string().min(1), message: z.string() }),
  request: z.object({ method: z.string(), url: z.string() }).optional(),
  response: z.object({ statusCode: z.number().int().min(400).max(599) }),
});
