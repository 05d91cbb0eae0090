import { TestDatabases } from '@backstage/backend-test-utils';
import { AuditStore } from './AuditStore';
import { NoticeKey, NoticeStore } from './NoticeStore';

jest.setTimeout(60_000);

const key: NoticeKey = {
  cluster: 'dev',
  sandbox: 'tenant-a',
  subject: 'budget-daily',
  period: '2026-12-05',
  level: 'warning',
};

describe('NoticeStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
  });

  it.each(databases.eachSupportedId())(
    'gives each notice to one claimant only, and back when released, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // The plugin's migrations run when its audit store opens.
      await AuditStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      });
      const store = new NoticeStore(knex);
      const other = new NoticeStore(knex);
      expect(await store.claim(key)).toBe(true);
      expect(await other.claim(key)).toBe(false);
      expect(await store.claim({ ...key, level: 'exhausted' })).toBe(true);
      expect(await store.claim({ ...key, period: '2026-12-06' })).toBe(true);
      await store.release(key);
      expect(await other.claim(key)).toBe(true);
      await store.forget('dev', 'tenant-a');
      expect(await store.claim({ ...key, level: 'exhausted' })).toBe(true);
    },
  );
});
