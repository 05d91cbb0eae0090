import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { KubeApiError, KubeGateway } from '@kars-portal/plugin-kars-node';
import { AuditStore, NewAuditEvent } from '../../database/AuditStore';
import { capturingAuditor } from '../../__testUtils__/auditor';
import { fakeCluster, sandboxObject } from '../../__testUtils__/fakeClusters';
import { KarsSandboxObject } from '../sandboxObject';
import { createSandboxServices } from '../sandboxServices';
import { UPDATE_ATTEMPTS } from './UpdateSandbox';

const jane = { userEntityRef: 'user:default/jane', type: 'user' as const };

const conflict = () =>
  new KubeApiError(
    409,
    'Conflict',
    'Operation cannot be fulfilled on karssandboxes.kars.azure.com "tenant-a": the object has been modified; please apply your changes to the latest version and try again',
  );

/**
 * A cluster whose API answers GETs of tenant-a with what `live` holds and meets each replace with
 * the next of `answers` (a conflict, or the write taken), after `meanwhile` ran.
 */
function cluster(
  live: () => KarsSandboxObject,
  answers: Array<'conflict' | 'ok'>,
  meanwhile: () => void = () => {},
) {
  const replaced: KarsSandboxObject[] = [];
  const gateway = {
    get: async (ref: { kind: string }) =>
      ref.kind === 'KarsSandbox' ? live() : undefined,
    replace: async (o: KarsSandboxObject) => {
      replaced.push(o);
      meanwhile();
      if ((answers.shift() ?? 'conflict') === 'conflict') throw conflict();
      return { ...o, metadata: { ...o.metadata, resourceVersion: '99' } };
    },
  } as unknown as KubeGateway;
  return {
    cluster: fakeCluster({ gateway, objects: () => [live()] }),
    replaced,
  };
}

function update(connection: ReturnType<typeof cluster>) {
  const rows: NewAuditEvent[] = [];
  const sandboxes = createSandboxServices({
    clusters: [connection.cluster],
    audit: {
      record: async (row: NewAuditEvent) => void rows.push(row),
    } as AuditStore,
    auditor: capturingAuditor([]),
    logger: mockServices.logger.mock(),
  });
  return { update: sandboxes.commands.update, rows };
}

describe('UpdateSandbox', () => {
  describe('a PATCH that keeps meeting conflicts', () => {
    it('gives up after five attempts with a 409 ConflictError asking to retry', async () => {
      const object = sandboxObject(
        'tenant-a',
        { owner: 'group:default/team-a' },
        { uid: 'uid-1', resourceVersion: '7' },
      );
      const connection = cluster(() => object, []);
      const { update: command, rows } = update(connection);

      const error = await command
        .run({ name: 'tenant-a', body: { model: 'gpt-4o' } }, jane)
        .then(
          () => undefined,
          e => e,
        );

      expect(UPDATE_ATTEMPTS).toBe(5);
      expect(connection.replaced).toHaveLength(5);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.name).toBe('ConflictError');
      expect(error.message).toBe(
        'the sandbox tenant-a changed concurrently; retry',
      );
      expect(rows.map(r => [r.action, r.outcome, r.message])).toEqual([
        [
          'update',
          'failed',
          'the sandbox tenant-a changed concurrently; retry',
        ],
      ]);
    });
  });

  it('after a conflict, merges the patch into the sandbox as it is now, keeping the change it met', async () => {
    let live = sandboxObject(
      'tenant-a',
      { owner: 'group:default/team-a', model: 'gpt-4.1' },
      { resourceVersion: '7' },
    );
    // another writer changes the model while the first replace is on the wire
    const connection = cluster(
      () => live,
      ['conflict', 'ok'],
      () => {
        live = sandboxObject(
          'tenant-a',
          { owner: 'group:default/team-a', model: 'gpt-4o' },
          { resourceVersion: '8' },
        );
      },
    );
    const { update: command, rows } = update(connection);
    const run = command.run(
      { name: 'tenant-a', body: { tokenBudget: { dailyTokens: 5000 } } },
      jane,
    );
    const result = await run;
    expect(connection.replaced.map(o => o.metadata.resourceVersion)).toEqual([
      '7',
      '8',
    ]);
    expect(connection.replaced[1].spec).toMatchObject({
      model: 'gpt-4o',
      tokenBudget: { dailyTokens: 5000 },
    });
    expect(result.changed).toBe(true);
    expect(rows.map(r => [r.action, r.outcome, r.message])).toEqual([
      ['update', 'succeeded', 'changed tokenBudget'],
    ]);
  });

  it('writes a spec without the field a null removed, keeping the live fields the sandbox spec does not know', async () => {
    const object = sandboxObject('tenant-a', {
      owner: 'group:default/team-a',
      workloadIdentity: { clientId: '0b6c3a4e-1f2d-4c5b-9a8e-7d6c5b4a3f2e' },
    });
    const live = {
      ...object,
      spec: { ...object.spec, inferenceRef: { name: 'tenant-a' } },
    } as KarsSandboxObject;
    const connection = cluster(() => live, ['ok']);
    const { update: command } = update(connection);
    const result = await command.run(
      { name: 'tenant-a', body: { workloadIdentity: null } },
      jane,
    );
    expect(result.changed).toBe(true);
    expect(connection.replaced).toHaveLength(1);
    expect(connection.replaced[0].spec).not.toHaveProperty('workloadIdentity');
    expect(connection.replaced[0].spec).toMatchObject({
      owner: 'group:default/team-a',
      inferenceRef: { name: 'tenant-a' },
    });
  });

  it('writes nothing for a patch that changes nothing, nor for a dry run', async () => {
    const object = sandboxObject('tenant-a', {
      owner: 'group:default/team-a',
      model: 'gpt-4.1',
    });
    const connection = cluster(() => object, ['ok']);
    const { update: command, rows } = update(connection);
    const input = { name: 'tenant-a', body: { model: 'gpt-4.1' } };
    expect((await command.run(input, jane)).changed).toBe(false);
    const dryRun = await command.dryRun(
      { name: 'tenant-a', body: { model: 'gpt-4o' } },
      jane,
    );
    expect(dryRun.name).toBe('tenant-a');
    expect(JSON.stringify(dryRun.objects)).toContain('gpt-4o');
    expect(connection.replaced).toEqual([]);
    expect(rows).toEqual([]);
  });
});
