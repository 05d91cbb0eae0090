import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { AuditStore } from './AuditStore';

jest.setTimeout(60_000);

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
      await store.record({
        sandbox: 'tenant-a',
        cluster: 'dev',
        actor: 'user:default/jane',
        action: 'create',
        outcome: 'succeeded',
        message: 'created with isolation enhanced',
      });
      await store.record({
        sandbox: 'tenant-a',
        cluster: 'dev',
        actor: 'user:default/joe',
        action: 'delete',
        outcome: 'denied',
        message: 'not an owner',
      });
      await store.record({
        sandbox: 'tenant-b',
        cluster: 'dev',
        actor: 'user:default/jane',
        action: 'create',
        outcome: 'succeeded',
        message: 'created',
      });
      const events = await store.list('tenant-a');
      expect(events.map(e => [e.actor, e.action, e.outcome])).toEqual([
        ['user:default/joe', 'delete', 'denied'],
        ['user:default/jane', 'create', 'succeeded'],
      ]);
      expect(new Date(events[0].at).getTime()).not.toBeNaN();
      await knex.migrate.rollback(
        { directory: `${__dirname}/../../migrations` },
        true,
      );
      expect(await knex.schema.hasTable('kars_audit_events')).toBe(false);
    },
  );
});
