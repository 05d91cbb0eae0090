import { AuditEvent } from '@kars-portal/plugin-kars-common';
import { Actor } from '../Actor';

/** What the audit trail records a command as. */
export type CommandAction = Exclude<AuditEvent['action'], 'reconcile'>;

/** Where a command acts: a sandbox on a cluster, by name. */
export interface CommandTarget {
  sandbox: string;
  cluster: string;
}

/**
 * A write to a sandbox, in two steps. Admission reads and refuses (a 400, 403, 404 or 409 before
 * anything is written) and yields a plan; execution carries the plan out. A dry run is the same
 * admission and an answer saying what execution would do, writing nothing. A command records
 * nothing itself: {@link CommandAudit} wraps it.
 */
export interface SandboxCommand<Input, Plan, Result, DryRun> {
  readonly action: CommandAction;
  admit(input: Input, actor: Actor): Promise<Plan>;
  /** The sandbox and cluster an admitted plan acts on. */
  target(plan: Plan): CommandTarget;
  execute(plan: Plan, actor: Actor): Promise<Result>;
  dryRun(plan: Plan): Promise<DryRun>;
  /**
   * What the audit trail says of a success, in words (field and key names, never a value), or
   * undefined when nothing changed and the trail gets no row.
   */
  describe(result: Result, plan: Plan): string | undefined;
}

/** A command as its callers use it, audited. */
export interface AuditedCommand<Input, Plan, Result, DryRun> {
  /** Admits and executes. */
  run(input: Input, actor: Actor): Promise<Result>;
  /** Admits and says what execution would do; writes and records nothing. */
  dryRun(input: Input, actor: Actor): Promise<DryRun>;
  /** Executes a plan admitted elsewhere, as a step of another command. */
  execute(plan: Plan, actor: Actor): Promise<Result>;
}
