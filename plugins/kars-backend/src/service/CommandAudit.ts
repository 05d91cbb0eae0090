import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEvent,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuditStore, NewAuditEvent } from '../database/AuditStore';
import { Actor } from './Actor';
import {
  AuditedCommand,
  CommandAction,
  CommandTarget,
  SandboxCommand,
} from './commands/SandboxCommand';
import { FleetIndex } from './FleetIndex';

/** The Backstage auditor's event id of each command (kebab-case; the plugin id says kars). */
export const AUDITOR_EVENT_IDS: Record<CommandAction, string> = {
  create: 'sandbox-create',
  update: 'sandbox-update',
  delete: 'sandbox-delete',
  'credentials.update': 'sandbox-credentials-update',
};

const NO_EVENT: AuditorServiceEvent = {
  success: async () => {},
  fail: async () => {},
};

const asError = (error: unknown) =>
  error instanceof Error ? error : new Error(String(error));

/**
 * The audit of commands, in one place around them. The plugin's own trail (`GET /audit`, the events
 * of a sandbox) gets a row for each command that changed something, each failure after admission,
 * and each refusal for want of permission (`denied`); a refusal in admission (nothing written) and a
 * dry run get none. Backstage's auditor gets an event for every command run, refused or not, that
 * succeeds or fails. Neither ever sees a secret value: rows and events carry names and messages, and
 * messages name fields and keys only. Writing either never fails a command: it is logged instead.
 */
export class CommandAudit {
  constructor(
    private readonly trail: AuditStore,
    private readonly auditor: AuditorService,
    private readonly fleet: FleetIndex,
    private readonly logger: LoggerService,
  ) {}

  /** The command, audited. */
  wrap<Input, Plan, Result, DryRun>(
    command: SandboxCommand<Input, Plan, Result, DryRun>,
  ): AuditedCommand<Input, Plan, Result, DryRun> {
    return {
      run: async (input, actor) => {
        const event = await this.begin(command.action, actor);
        let plan: Plan;
        try {
          plan = await command.admit(input, actor);
        } catch (error) {
          await this.settle(event.fail({ error: asError(error) }));
          throw error;
        }
        return this.execute(command, plan, actor, event);
      },
      dryRun: async (input, actor) =>
        command.dryRun(await command.admit(input, actor)),
      execute: async (plan, actor) =>
        this.execute(
          command,
          plan,
          actor,
          await this.begin(command.action, actor),
        ),
    };
  }

  /** Records a request refused for want of permission, with the error it is refused with. */
  async denied(
    sandbox: string,
    actor: Actor,
    action: CommandAction,
    options: { dryRun: boolean; error: Error },
  ) {
    const cluster = (
      this.fleet.locate(sandbox)?.cluster ?? this.fleet.defaultCluster
    ).name;
    await this.record(
      { sandbox, cluster },
      actor,
      action,
      'denied',
      options.dryRun ? 'not permitted (dry run)' : 'not permitted',
    );
    const event = await this.begin(action, actor, {
      sandbox,
      cluster,
      dryRun: options.dryRun,
    });
    await this.settle(event.fail({ error: options.error }));
  }

  private async execute<Input, Plan, Result, DryRun>(
    command: SandboxCommand<Input, Plan, Result, DryRun>,
    plan: Plan,
    actor: Actor,
    event: AuditorServiceEvent,
  ): Promise<Result> {
    const target = command.target(plan);
    let result: Result;
    try {
      result = await command.execute(plan, actor);
    } catch (error) {
      const failure = asError(error);
      // A refusal for want of permission is recorded as denied where it is decided.
      if (!(failure instanceof NotAllowedError)) {
        await this.record(
          target,
          actor,
          command.action,
          'failed',
          failure.message,
        );
      }
      await this.settle(event.fail({ error: failure, meta: { ...target } }));
      throw error;
    }
    const message = command.describe(result, plan);
    if (message !== undefined) {
      await this.record(target, actor, command.action, 'succeeded', message);
    }
    await this.settle(
      event.success({
        meta: { ...target, changed: message !== undefined },
      }),
    );
    return result;
  }

  private async begin(
    action: CommandAction,
    actor: Actor,
    meta?: AuditorServiceCreateEventOptions['meta'],
  ): Promise<AuditorServiceEvent> {
    try {
      return await this.auditor.createEvent({
        eventId: AUDITOR_EVENT_IDS[action],
        severityLevel: 'medium',
        request: actor.request,
        meta,
      });
    } catch (error) {
      this.logger.error(`could not emit the auditor event ${action}: ${error}`);
      return NO_EVENT;
    }
  }

  private async settle(outcome: Promise<void>) {
    try {
      await outcome;
    } catch (error) {
      this.logger.error(`could not complete an auditor event: ${error}`);
    }
  }

  private async record(
    target: CommandTarget,
    actor: Actor,
    action: NewAuditEvent['action'],
    outcome: NewAuditEvent['outcome'],
    message: string,
  ) {
    try {
      await this.trail.record({
        ...target,
        actor: actor.userEntityRef,
        action,
        outcome,
        message,
      });
    } catch (error) {
      this.logger.error(
        `could not record the audit event ${action} ${target.sandbox}: ${error}`,
      );
    }
  }
}
