import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { KubeApiError, KubeGateway } from '@kars-portal/plugin-kars-node';
import { AuditStore, NewAuditEvent } from '../../database/AuditStore';
import {
  CapturedAuditorEvent,
  capturingAuditor,
} from '../../__testUtils__/auditor';
import {
  fakeCluster,
  recordingGateway,
  sandboxObject,
} from '../../__testUtils__/fakeClusters';
import { Actor } from '../Actor';
import { ClusterConnection } from '../ClusterConnection';
import { createSandboxServices, SandboxServices } from '../sandboxServices';
import { KarsInputError } from '../validation';

const jane: Actor = { userEntityRef: 'user:default/jane', type: 'user' };
const mayWrite = async () => {};

function services(cluster: ClusterConnection) {
  const rows: NewAuditEvent[] = [];
  const events: CapturedAuditorEvent[] = [];
  const sandboxes = createSandboxServices({
    clusters: [cluster],
    audit: {
      record: async (row: NewAuditEvent) => void rows.push(row),
    } as AuditStore,
    auditor: capturingAuditor(events),
    logger: mockServices.logger.mock(),
  });
  return { sandboxes, rows, events };
}

describe('CreateSandbox', () => {
  describe('a create without an owner by a service caller', () => {
    const serviceCaller: Actor = {
      userEntityRef: 'service:external:ci-bot',
      type: 'service',
    };

    it.each([
      [
        'create',
        (s: SandboxServices) =>
          s.commands.create.run(
            { body: { name: 'tenant-x' }, mayWriteCredentials: mayWrite },
            serviceCaller,
          ),
      ],
      [
        'dry run',
        (s: SandboxServices) =>
          s.commands.create.dryRun(
            { body: { name: 'tenant-x' }, mayWriteCredentials: mayWrite },
            serviceCaller,
          ),
      ],
    ])(
      'is refused (%s) with a 400 naming spec.owner, before anything is read or written',
      async (_what, call) => {
        const calls: string[] = [];
        const { sandboxes, rows } = services(
          fakeCluster({ gateway: recordingGateway(calls) }),
        );
        const error = await call(sandboxes).then(
          () => undefined,
          e => e,
        );
        expect(calls).toEqual([]);
        expect(error).toBeInstanceOf(KarsInputError);
        expect(error.issues).toEqual([
          expect.objectContaining({
            field: 'spec.owner',
            rule: 'required-for-service-callers',
          }),
        ]);
        expect(error.message).toContain('spec.owner');
        expect(error.message).toContain('[required-for-service-callers]');
        expect(rows).toEqual([]);
      },
    );
  });

  describe('a create that loses the race to another create of the same name', () => {
    /**
     * A cluster where another create of tenant-r lands first: the watch cache sees the winner only
     * once this create is on the wire, and the API answers it with a 409.
     */
    function racedCluster(winnerModel: string) {
      const winner = sandboxObject(
        'tenant-r',
        { owner: 'user:default/jane', model: winnerModel },
        { resourceVersion: '9' },
      );
      const writes: string[] = [];
      let landed = false;
      const gateway = {
        get: async (ref: { kind: string }) =>
          ref.kind === 'KarsSandbox' && landed ? winner : undefined,
        create: async () => {
          writes.push('create');
          landed = true;
          throw new KubeApiError(409, 'AlreadyExists', 'already exists');
        },
      } as unknown as KubeGateway;
      const cluster = fakeCluster({
        gateway,
        objects: () => (landed ? [winner] : []),
      });
      return { cluster, writes };
    }

    it.each([
      [
        'of the same spec: a 200 with the winner, no row',
        'gpt-4.1',
        expect.objectContaining({
          created: false,
          response: expect.objectContaining({
            changed: false,
            sandbox: expect.objectContaining({ uid: 'uid-tenant-r' }),
          }),
        }),
        'succeeded',
        [],
      ],
      [
        'of another spec: a 409, and a failed row',
        'gpt-4o',
        expect.any(ConflictError),
        'failed',
        [
          [
            'create',
            'failed',
            'a sandbox named tenant-r exists with a different spec; change it with PATCH /sandboxes/tenant-r',
          ],
        ],
      ],
    ])(
      'is answered as a create %s',
      async (_what, model, expected, event, rows) => {
        const race = racedCluster(model);
        const { sandboxes, rows: written, events } = services(race.cluster);
        const input = {
          body: { name: 'tenant-r', spec: { model: 'gpt-4.1' } },
          mayWriteCredentials: mayWrite,
        };
        // the dry run is admitted: the cache has not seen the winner
        expect((await sandboxes.commands.create.dryRun(input, jane)).name).toBe(
          'tenant-r',
        );
        const outcome = await sandboxes.commands.create.run(input, jane).then(
          r => r,
          e => e,
        );
        expect(race.writes).toEqual(['create']);
        expect(outcome).toEqual(expected);
        expect(written.map(r => [r.action, r.outcome, r.message])).toEqual(
          rows,
        );
        expect(events.map(e => e.status)).toEqual(['initiated', event]);
      },
    );
  });
});
