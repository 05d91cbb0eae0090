import { AgentCard } from '../agentCard';
import { ChannelType, IsolationLevel, SandboxSpec } from '../spec';
import { SandboxPhase, SandboxStatus } from '../status';
import { ValidationIssue } from '../validation';

/**
 * The REST contract of the kars backend plugin (plugin id `kars`, base `/api/kars`).
 * Request bodies have schemas (validated once, by the backend, in `requests.ts`); responses have
 * types (here, the health report in `health.ts`, the audit trail in `audit.ts`).
 */

export * from './requests';
export * from './health';
export * from './audit';

/** The plugin id. @public */
export const KARS_PLUGIN_ID = 'kars';

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

/** The tokens a sandbox used in the 24 hours that end at `end` (an ISO time). @public */
export interface DailyTokenUse {
  end: string;
  tokens: number;
}

/**
 * `GET /sandboxes/:name/usage` answer: daily token use, oldest first, the last day ending at the
 * time of the query. `state` is `unknown` (and `days` empty) when the usage source cannot answer.
 * @public
 */
export interface SandboxUsageHistory {
  source: string;
  state: 'ok' | 'unknown';
  message?: string;
  days: DailyTokenUse[];
}

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
