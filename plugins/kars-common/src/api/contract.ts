import { z } from 'zod';
import { AgentCard } from '../agentCard';
import { credentialsSchema } from '../credentials';
import {
  ChannelType,
  ISOLATION_LEVELS,
  IsolationLevel,
  sandboxNameSchema,
  sandboxPatchSchema,
  SandboxSpec,
  sandboxSpecSchema,
} from '../spec';
import {
  Condition,
  SANDBOX_PHASES,
  SandboxPhase,
  SandboxStatus,
} from '../status';
import { ValidationIssue } from '../validation';

/**
 * The REST contract of the kars backend plugin (plugin id `kars`, base `/api/kars`).
 * Request bodies have schemas (validated once, by the backend); responses have types.
 */

/** The plugin id. @public */
export const KARS_PLUGIN_ID = 'kars';

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

/** `PUT /sandboxes/:name/credentials` answer: key names, never values. @public */
export interface PutCredentialsResponse {
  /** Names of the keys now set in the credentials Secret. */
  credentialKeys: string[];
  /** Whether the sandbox's Deployment was rolled. */
  restarted: boolean;
}

/**
 * `PUT /sandboxes/:name/credentials?dryRun=true` answer: what the write would change, after the same
 * permission check (`kars.sandbox.credentials.update`) and validation; nothing is written. Key names
 * only, never values.
 * @public
 */
export interface PutCredentialsDryRunResponse extends PutCredentialsResponse {
  dryRun: true;
  name: string;
  /** The Secret the write would go to. */
  secret: { name: string; namespace: string };
  /** Names of the keys the Secret would hold afterwards. */
  credentialKeys: string[];
  /** Keys given that the Secret does not hold yet. */
  added: string[];
  /** Keys given that the Secret holds already: their values would be replaced. */
  replaced: string[];
  /** Keys `mode: replace` would remove. */
  removed: string[];
  /** Whether the write would roll the sandbox's Deployment (restart asked and the Deployment exists). */
  wouldRestart: boolean;
  /** Always false: a dry run rolls nothing. */
  restarted: false;
}

/**
 * `DELETE /sandboxes/:name?dryRun=true` answer: what a delete would take, after the same permission
 * check (`kars.sandbox.delete`); nothing is deleted.
 * @public
 */
export interface DeleteSandboxDryRunResponse {
  dryRun: true;
  name: string;
  cluster: string;
  /** Whether the sandbox is already being deleted. */
  deleting: boolean;
  /**
   * The tenant namespace: `deleted` when it exists and kars portal made it for this sandbox (then
   * everything in it goes); a namespace it did not make is never deleted.
   */
  namespace: { name: string; exists: boolean; deleted: boolean };
  /** The objects the delete would remove: the namespace (when `deleted`), then the KarsSandbox. */
  objects: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  }>;
}

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
 * `GET /sandboxes` query. `name` keeps only the sandbox of that exact name (a page of one or none);
 * `include` is a comma-separated list of {@link SANDBOX_LIST_INCLUDES}.
 * @public
 */
export const listSandboxesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  sort: z.enum(SANDBOX_SORT_KEYS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  owner: z.string().max(253).optional(),
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

/** A sandbox as the API returns it. Never carries a credential value. @public */
export interface Sandbox {
  name: string;
  cluster: string;
  namespace: string;
  spec: SandboxSpec;
  status: SandboxStatus;
  /** Names of the credential keys set in the sandbox's Secret; never values. */
  credentialKeys: string[];
  uid: string;
  generation: number;
  createdAt: string;
  deleting: boolean;
}

/** Budget use in one window; limit 0 means unlimited; used null means unknown. @public */
export interface BudgetWindowUse {
  window: 'perRequest' | 'daily' | 'monthly';
  limit: number;
  used: number | null;
  headroom: number | null;
  fraction: number | null;
}

/** One row of the fleet list. @public */
export interface SandboxSummary {
  name: string;
  cluster: string;
  owner?: string;
  isolation: IsolationLevel;
  model: string;
  phase?: SandboxPhase;
  ready: boolean;
  suspended: boolean;
  deleting: boolean;
  budget: { dailyFraction: number | null; monthlyFraction: number | null };
  channelTrouble: ChannelType[];
  lastReconciledAt?: string;
}

/**
 * One item of `GET /sandboxes`: the fleet row, and what `include` asked for.
 * @public
 */
export interface SandboxListItem extends SandboxSummary {
  /** With `include=spec`: the spec, as `GET /sandboxes/:name` has it. */
  spec?: SandboxSpec;
  /** With `include=agentCard`: the card `GET /sandboxes/:name/agent-card` serves; null with A2A off. */
  agentCard?: AgentCard | null;
}

/** A page of a list. @public */
export interface Page<T> {
  items: T[];
  totalCount: number;
  nextCursor?: string;
}

/** `POST /sandboxes` and `PATCH` answer. @public */
export interface SandboxWriteResponse {
  sandbox: Sandbox;
  /** false when the same spec already existed (no-op). */
  changed: boolean;
}

/** A rendered Kubernetes object, secret values redacted. @public */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `?dryRun=true` and `GET /sandboxes/:name/manifests` answer. @public */
export interface ManifestsResponse {
  name: string;
  cluster: string;
  objects: RenderedObject[];
}

/** `POST /sandboxes/validate` answer. @public */
export interface ValidateResponse {
  valid: boolean;
  issues: ValidationIssue[];
}

/** What the portal knows about one enforcement layer. @public */
export type LayerState = 'verified' | 'declared' | 'missing' | 'unknown';

/** The enforcement layers of the seed's table. @public */
export const ISOLATION_LAYERS = [
  'podSecurity',
  'network',
  'perContainerEgress',
  'rbac',
  'seccomp',
  'kata',
  'resourceLimits',
  'tokenBudgets',
  'identity',
] as const;
/** @public */
export type IsolationLayer = (typeof ISOLATION_LAYERS)[number];

/** @public */
export interface LayerReport {
  layer: IsolationLayer;
  /** Whether the sandbox's isolation level asks for this layer. */
  required: boolean;
  state: LayerState;
  summary: string;
  evidence: string[];
}

/** @public */
export interface ChannelReport {
  channel: ChannelType;
  state: 'not-enabled' | 'credentials-missing' | 'configured';
  workload: 'ready' | 'not-ready' | 'suspended' | 'unknown';
  /** Live connection state, only where the runtime reports one. */
  connection: 'connected' | 'disconnected' | 'unknown';
}

/** @public */
export interface Finding {
  severity: 'warning' | 'error';
  code: string;
  message: string;
  object?: string;
}

/** `GET /sandboxes/:name/health` answer. @public */
export interface SandboxHealth {
  name: string;
  phase?: SandboxPhase;
  conditions: Condition[];
  layers: LayerReport[];
  budget: {
    source: string;
    state: 'ok' | 'unknown';
    message?: string;
    windows: BudgetWindowUse[];
  };
  channels: ChannelReport[];
  workload: {
    desiredReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    restarts: number | null;
    state: 'ready' | 'progressing' | 'suspended' | 'missing' | 'failed';
  };
  identity: {
    serviceAccount: string;
    namespace: string;
    federatedCredentialSubject: string;
    clientId?: string;
  };
  findings: Finding[];
  simulated: boolean;
}

/** One preflight check of a cluster. @public */
export interface PreflightCheck {
  name: string;
  ok: boolean;
  message: string;
}

/** `GET /cluster` answer. @public */
export interface ClusterInfo {
  clusters: Array<{
    name: string;
    embedded: boolean;
    simulated: boolean;
    production: boolean;
    default: boolean;
    reconciling: boolean;
    preflight: PreflightCheck[];
  }>;
}

/** What an audit record says was done. @public */
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'credentials.update',
  'reconcile',
] as const;

/** How it ended. @public */
export const AUDIT_OUTCOMES = ['succeeded', 'failed', 'denied'] as const;

/**
 * One audit record: who did what to which sandbox, when, with the outcome. `message` says what
 * changed in words (field names, credential key names, isolation and model), never a secret value.
 * @public
 */
export const auditEventSchema = z.strictObject({
  id: z.string().min(1),
  sandbox: z.string().min(1).max(63),
  cluster: z.string().min(1).max(63),
  /** The caller's entity ref (`user:default/jane`) or `service:<subject>`. */
  actor: z.string().min(1).max(255),
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(AUDIT_OUTCOMES),
  /** RFC 3339, UTC. */
  at: z.iso.datetime(),
  message: z.string().max(2000),
});
/** @public */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** `GET /sandboxes/:name/events` answer. @public */
export interface AuditEventsResponse {
  items: AuditEvent[];
}

/** The cursor of the audit route: the id of the last event of the previous page. */
const auditCursorSchema = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, { error: 'must be a cursor from an earlier page' });

/**
 * `GET /audit` query: the fleet-wide audit trail, newest first, deleted sandboxes included. Filters
 * match exactly (`sandbox`, `actor`, `action`, `outcome`); `since` is an RFC 3339 date-time and
 * keeps the events at or after it. Needs `kars.audit.read`.
 * @public
 */
export const listAuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: auditCursorSchema.optional(),
  sandbox: z.string().min(1).max(63).optional(),
  actor: z.string().min(1).max(255).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});
/** @public */
export type ListAuditQuery = z.input<typeof listAuditQuerySchema>;

/** `GET /audit` answer: one page of audit events, newest first. @public */
export const auditPageSchema = z.strictObject({
  items: z.array(auditEventSchema),
  totalCount: z.number().int().min(0),
  nextCursor: auditCursorSchema.optional(),
});
/** @public */
export type AuditPage = z.infer<typeof auditPageSchema>;

/** `GET /sandboxes/:name/agent-card` answer. @public */
export type AgentCardResponse = AgentCard;

/** The Backstage events topic on which the kars backend announces sandbox changes. @public */
export const KARS_SANDBOX_EVENTS_TOPIC = 'kars.sandbox';

/** The payload of a sandbox change event: which sandbox, and whether it now exists. @public */
export interface KarsSandboxEventPayload {
  name: string;
  cluster: string;
  change: 'upserted' | 'deleted';
}
