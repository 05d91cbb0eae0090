import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { listAuditQuerySchema } from '@kars-portal/plugin-kars-common';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { AuditStore, NewAuditEvent } from './AuditStore';

jest.setTimeout(60_000);

const event = (overrides: Partial<NewAuditEvent>): NewAuditEvent => ({
  sandbox: 'tenant-a',
  cluster: 'dev',
  actor: 'user:default/jane',
  action: 'create',
  outcome: 'succeeded',
  message: 'created',
  ...overrides,
});

describe('AuditStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
  });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    return {
      knex,
      store: await AuditStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      }),
    };
  }

  it.each(databases.eachSupportedId())(
    'migrates and keeps who did what, newest first, on %p',
    async databaseId => {
      const { store, knex } = await createStore(databaseId);
      await store.record(event({ message: 'created with isolation enhanced' }));
      await store.record(
        event({
          actor: 'user:default/joe',
          action: 'delete',
          outcome: 'denied',
          message: 'not an owner',
        }),
      );
      await store.record(event({ sandbox: 'tenant-b' }));
      const events = await store.list('tenant-a');
      expect(events.map(e => [e.actor, e.action, e.outcome])).toEqual([
        ['user:default/joe', 'delete', 'denied'],
        ['user:default/jane', 'create', 'succeeded'],
      ]);
      expect(events[0].cluster).toBe('dev');
      expect(new Date(events[0].at).getTime()).not.toBeNaN();
      await knex.migrate.rollback(
        { directory: `${__dirname}/../../migrations` },
        true,
      );
      expect(await knex.schema.hasTable('kars_audit_events')).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages through the whole fleet, deleted sandboxes included, with filters, on %p',
    async databaseId => {
      const { store, knex } = await createStore(databaseId);
      await store.record(event({ sandbox: 'tenant-d' }));
      await store.record(
        event({
          sandbox: 'tenant-b',
          actor: 'user:default/joe',
          action: 'update',
          outcome: 'denied',
          message: 'not permitted',
        }),
      );
      await store.record(
        event({
          sandbox: 'tenant-d',
          action: 'credentials.update',
          message: 'set credential keys SLACK_BOT_TOKEN; no restart',
        }),
      );
      await store.record(
        event({
          sandbox: 'tenant-d',
          actor: 'user:default/ops',
          action: 'delete',
          message: 'deleted from dev',
        }),
      );
      await store.record(event({ sandbox: 'tenant-c', cluster: 'other' }));
      // The first two events happened the day before.
      const dayBefore = '2026-11-28T08:00:00.000Z';
      const ids = (await knex('kars_audit_events').orderBy('id')).map(
        r => r.id,
      );
      await knex('kars_audit_events')
        .whereIn('id', ids.slice(0, 2))
        .update({
          created_at:
            databaseId === 'SQLITE_3'
              ? '2026-11-28 08:00:00'
              : new Date(dayBefore),
        });
      const query = (q: object) =>
        store.query(listAuditQuerySchema.parse({ ...q }));

      const first = await query({ limit: 2 });
      expect(first.totalCount).toBe(5);
      expect(first.items.map(e => [e.sandbox, e.action])).toEqual([
        ['tenant-c', 'create'],
        ['tenant-d', 'delete'],
      ]);
      expect(first.items[0].cluster).toBe('other');
      const second = await query({ limit: 2, cursor: first.nextCursor });
      expect(second.items.map(e => [e.sandbox, e.action])).toEqual([
        ['tenant-d', 'credentials.update'],
        ['tenant-b', 'update'],
      ]);
      expect(second.totalCount).toBe(5);
      const third = await query({ limit: 2, cursor: second.nextCursor });
      expect(third.items.map(e => [e.sandbox, e.at])).toEqual([
        ['tenant-d', dayBefore],
      ]);
      expect(third.nextCursor).toBeUndefined();

      const deleted = await query({ sandbox: 'tenant-d', action: 'delete' });
      expect(deleted.items).toEqual([
        expect.objectContaining({
          sandbox: 'tenant-d',
          actor: 'user:default/ops',
          outcome: 'succeeded',
          message: 'deleted from dev',
        }),
      ]);
      expect(
        (await query({ actor: 'user:default/joe' })).items.map(e => e.sandbox),
      ).toEqual(['tenant-b']);
      expect((await query({ outcome: 'denied' })).totalCount).toBe(1);
      expect((await query({ actor: 'user:default/jo' })).totalCount).toBe(0);

      const since = await query({ since: '2026-11-28T10:00:00+01:00' });
      expect(since.items.map(e => e.action)).toEqual([
        'create',
        'delete',
        'credentials.update',
      ]);
      expect(
        (await query({ since: '2026-11-28T09:00:00+01:00' })).totalCount,
      ).toBe(5);
      expect(
        (await query({ since: '2026-11-28T08:00:01Z', outcome: 'denied' }))
          .totalCount,
      ).toBe(0);
    },
  );
});

describe('AuditStore in a SQLite file (the dev portal)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-audit-'));
  const file = path.join(dir, 'kars.sqlite');
  const opened: Knex[] = [];
  const open = async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
    });
    opened.push(knex);
    return {
      knex,
      store: await AuditStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      }),
    };
  };
  afterAll(async () => {
    await Promise.all(opened.map(k => k.destroy()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the trail across a restart, in a file only its owner can read', async () => {
    const umask = process.umask(0o022);
    try {
      const first = await open();
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      await first.store.record(
        event({ sandbox: 'tenant-d', action: 'delete', actor: 'user:ops' }),
      );
      await first.knex.destroy();

      fs.chmodSync(file, 0o644);
      const second = await open();
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(
        (await second.store.list('tenant-d')).map(e => [e.action, e.actor]),
      ).toEqual([['delete', 'user:ops']]);
    } finally {
      process.umask(umask);
    }
  });
});
