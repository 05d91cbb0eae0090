import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { AuditStore, NewAuditEvent } from '../database/AuditStore';
import {
  CapturedAuditorEvent,
  capturingAuditor,
} from '../__testUtils__/auditor';
import { fakeCluster } from '../__testUtils__/fakeClusters';
import { Actor } from './Actor';
import { CommandAudit } from './CommandAudit';
import { SandboxCommand } from './commands/SandboxCommand';
import { FleetIndex } from './FleetIndex';
import { KarsInputError } from './validation';

const jane: Actor = { userEntityRef: 'user:default/jane', type: 'user' };

type Input = { name: string; outcome: 'changed' | 'unchanged' | Error };

/** A command that does what its input says: changes something, nothing, or fails as told. */
const command: SandboxCommand<
  Input,
  Input,
  { changed: boolean },
  { wouldChange: string }
> = {
  action: 'update',
  admit: async input => {
    if (input.name === 'Bad Name') {
      throw new KarsInputError([
        { field: 'name', rule: 'dns-1035-label', message: 'is no DNS label' },
      ]);
    }
    return input;
  },
  target: plan => ({ sandbox: plan.name, cluster: 'primary' }),
  execute: async plan => {
    if (plan.outcome instanceof Error) throw plan.outcome;
    return { changed: plan.outcome === 'changed' };
  },
  dryRun: async plan => ({ wouldChange: plan.name }),
  describe: result => (result.changed ? 'changed model' : undefined),
};

function audited(
  options: { trail?: Partial<AuditStore>; failingAuditor?: boolean } = {},
) {
  const rows: NewAuditEvent[] = [];
  const events: CapturedAuditorEvent[] = [];
  const logger = mockServices.logger.mock();
  const trail = {
    record: async (row: NewAuditEvent) => void rows.push(row),
    ...options.trail,
  } as AuditStore;
  const auditor = options.failingAuditor
    ? {
        createEvent: async () => {
          throw new Error('auditor down');
        },
      }
    : capturingAuditor(events);
  const audit = new CommandAudit(
    trail,
    auditor,
    new FleetIndex([fakeCluster()]),
    logger,
  );
  return { audit, update: audit.wrap(command), rows, events, logger };
}

const row = (r: NewAuditEvent) => [r.action, r.outcome, r.message];
const event = (e: CapturedAuditorEvent) => [e.eventId, e.status, e.error];

describe('CommandAudit', () => {
  it.each<[string, Input, unknown[][], unknown[][]]>([
    [
      'a change: a succeeded row and a succeeded event',
      { name: 'tenant-a', outcome: 'changed' },
      [['update', 'succeeded', 'changed model']],
      [
        ['sandbox-update', 'initiated', undefined],
        ['sandbox-update', 'succeeded', undefined],
      ],
    ],
    [
      'no change: no row, a succeeded event',
      { name: 'tenant-a', outcome: 'unchanged' },
      [],
      [
        ['sandbox-update', 'initiated', undefined],
        ['sandbox-update', 'succeeded', undefined],
      ],
    ],
    [
      'a failure after admission: a failed row and a failed event',
      { name: 'tenant-a', outcome: new Error('the API server said 500') },
      [['update', 'failed', 'the API server said 500']],
      [
        ['sandbox-update', 'initiated', undefined],
        ['sandbox-update', 'failed', 'Error: the API server said 500'],
      ],
    ],
    [
      'a refusal for want of permission: no row (it is recorded as denied where decided), a failed event',
      { name: 'tenant-a', outcome: new NotAllowedError('no') },
      [],
      [
        ['sandbox-update', 'initiated', undefined],
        ['sandbox-update', 'failed', 'NotAllowedError: no'],
      ],
    ],
    [
      'a refusal in admission: no row (nothing was written), a failed event',
      { name: 'Bad Name', outcome: 'changed' },
      [],
      [
        ['sandbox-update', 'initiated', undefined],
        [
          'sandbox-update',
          'failed',
          'InputError: Invalid request: name is no DNS label [dns-1035-label]',
        ],
      ],
    ],
  ])('audits %s', async (_what, input, rows, events) => {
    const audit = audited();
    const outcome = await audit.update.run(input, jane).then(
      () => undefined,
      e => e,
    );
    // what the command threw is thrown on, and is the failed event's error
    expect(outcome && `${outcome.name}: ${outcome.message}`).toBe(
      events[events.length - 1][2],
    );
    expect(audit.rows.map(row)).toEqual(rows);
    expect(audit.events.map(event)).toEqual(events);
    for (const r of audit.rows) {
      expect(r).toMatchObject({
        sandbox: 'tenant-a',
        cluster: 'primary',
        actor: 'user:default/jane',
      });
    }
    // the outcome says where the command acted, once admission knew it
    const { sandbox, cluster } = audit.events[1].meta ?? {};
    expect([sandbox, cluster]).toEqual(
      input.name === 'tenant-a'
        ? ['tenant-a', 'primary']
        : [undefined, undefined],
    );
    expect(audit.events.every(e => e.severityLevel === 'medium')).toBe(true);
  });

  it('says in the success event whether anything changed', async () => {
    const audit = audited();
    await audit.update.run({ name: 'tenant-a', outcome: 'changed' }, jane);
    await audit.update.run({ name: 'tenant-a', outcome: 'unchanged' }, jane);
    expect(
      audit.events
        .filter(e => e.status === 'succeeded')
        .map(e => e.meta?.changed),
    ).toEqual([true, false]);
  });

  it('records nothing of a dry run', async () => {
    const audit = audited();
    expect(
      await audit.update.dryRun({ name: 'tenant-a', outcome: 'changed' }, jane),
    ).toEqual({ wouldChange: 'tenant-a' });
    expect(audit.rows).toEqual([]);
    expect(audit.events).toEqual([]);
  });

  it('audits a plan executed as a step of another command, without admitting it again', async () => {
    const audit = audited();
    await audit.update.execute({ name: 'Bad Name', outcome: 'changed' }, jane);
    expect(audit.rows.map(row)).toEqual([
      ['update', 'succeeded', 'changed model'],
    ]);
    expect(audit.events.map(e => e.status)).toEqual(['initiated', 'succeeded']);
  });

  it.each([false, true])(
    'records a denial (dry run: %s) as a denied row and a failed event',
    async dryRun => {
      const audit = audited();
      const error = new NotAllowedError('user:default/eve may not update');
      await audit.audit.denied('tenant-a', jane, 'credentials.update', {
        dryRun,
        error,
      });
      expect(audit.rows).toEqual([
        {
          sandbox: 'tenant-a',
          cluster: 'primary',
          actor: 'user:default/jane',
          action: 'credentials.update',
          outcome: 'denied',
          message: dryRun ? 'not permitted (dry run)' : 'not permitted',
        },
      ]);
      expect(audit.events.map(event)).toEqual([
        ['sandbox-credentials-update', 'initiated', undefined],
        [
          'sandbox-credentials-update',
          'failed',
          'NotAllowedError: user:default/eve may not update',
        ],
      ]);
      expect(audit.events[1].meta).toEqual({
        sandbox: 'tenant-a',
        cluster: 'primary',
        dryRun,
      });
    },
  );

  it('never fails a command for want of a trail or an auditor, and logs why', async () => {
    const audit = audited({
      trail: {
        record: async () => {
          throw new Error('database gone');
        },
      },
      failingAuditor: true,
    });
    expect(
      await audit.update.run({ name: 'tenant-a', outcome: 'changed' }, jane),
    ).toEqual({ changed: true });
    expect(audit.logger.error).toHaveBeenCalledWith(
      expect.stringContaining('database gone'),
    );
    expect(audit.logger.error).toHaveBeenCalledWith(
      expect.stringContaining('auditor down'),
    );
  });
});
