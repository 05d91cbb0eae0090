import { z } from 'zod';
import { credentialsSchema } from '../credentials';
import {
  ISOLATION_LEVELS,
  sandboxNameSchema,
  sandboxPatchSchema,
  sandboxSpecSchema,
} from '../spec';
import { SANDBOX_PHASES } from '../status';

/**
 * The request side of the REST contract: the bodies of the write routes and the list route's
 * query, as schemas the backend validates once.
 */

/** `POST /sandboxes` body: the spec, and credentials beside it (write-only). @public */
export const createSandboxRequestSchema = z.strictObject({
  name: sandboxNameSchema,
  cluster: z.string().min(1).max(63).optional(),
  spec: sandboxSpecSchema.default(() => sandboxSpecSchema.parse({})),
  credentials: credentialsSchema.optional(),
});
/** @public */
export type CreateSandboxRequest = z.input<typeof createSandboxRequestSchema>;

/** `PATCH /sandboxes/:name` body. @public */
export const updateSandboxRequestSchema = sandboxPatchSchema;
/** @public */
export type UpdateSandboxRequest = z.input<typeof updateSandboxRequestSchema>;

/** `PUT /sandboxes/:name/credentials` body. @public */
export const putCredentialsRequestSchema = z.strictObject({
  credentials: credentialsSchema,
  /** Replace: keys not given are removed. Merge (the default): keys not given are kept. */
  mode: z.enum(['merge', 'replace']).default('merge'),
  /** Roll the sandbox's Deployment so the runtime picks the new values up. */
  restart: z.boolean().default(true),
});
/** @public */
export type PutCredentialsRequest = z.input<typeof putCredentialsRequestSchema>;

/** Sort keys of the list route. @public */
export const SANDBOX_SORT_KEYS = [
  'name',
  'owner',
  'phase',
  'isolation',
  'model',
  'budget',
  'lastReconciled',
] as const;

/**
 * What `include` may add to each item of `GET /sandboxes`: the spec, and the A2A agent card the
 * backend serves at `/sandboxes/:name/agent-card`.
 * @public
 */
export const SANDBOX_LIST_INCLUDES = ['spec', 'agentCard'] as const;
/** @public */
export type SandboxListInclude = (typeof SANDBOX_LIST_INCLUDES)[number];

const isListInclude = (value: string): value is SandboxListInclude =>
  (SANDBOX_LIST_INCLUDES as readonly string[]).includes(value);

/**
 * `GET /sandboxes` query. `cluster` keeps the sandboxes of that cluster; `name` keeps only the
 * sandbox of that exact name (a page of one or none);
 * `include` is a comma-separated list of {@link SANDBOX_LIST_INCLUDES}.
 * @public
 */
export const listSandboxesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  sort: z.enum(SANDBOX_SORT_KEYS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  owner: z.string().max(253).optional(),
  cluster: z.string().min(1).max(63).optional(),
  phase: z.enum(SANDBOX_PHASES).optional(),
  isolation: z.enum(ISOLATION_LEVELS).optional(),
  model: z.string().max(100).optional(),
  trouble: z.enum(['true', 'false']).optional(),
  q: z.string().max(100).optional(),
  name: z.string().min(1).max(63).optional(),
  include: z
    .string()
    .max(100)
    .refine(value => value.split(',').every(isListInclude), {
      error: `must be a comma-separated list of ${SANDBOX_LIST_INCLUDES.join(
        ', ',
      )}`,
      params: { rule: 'one-of' },
    })
    .transform(value => [...new Set(value.split(',').filter(isListInclude))])
    .optional(),
});
/** @public */
export type ListSandboxesQuery = z.input<typeof listSandboxesQuerySchema>;

/** `GET /sandboxes/:name/usage` query: how many days of daily token use, 1 to 90 (30 by default). @public */
export const sandboxUsageQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(30),
});
/** @public */
export type SandboxUsageQuery = z.input<typeof sandboxUsageQuerySchema>;
