import { z } from 'zod';

/** The audit trail of the REST contract: its records, the routes' queries and pages. */

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
