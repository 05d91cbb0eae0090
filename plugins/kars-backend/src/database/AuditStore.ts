import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { AuditEvent } from '@kars-portal/plugin-kars-common';
import { Knex } from 'knex';

const TABLE = 'kars_audit_events';

/** One audit record to write. */
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'> & { cluster: string };

/** The audit trail in the plugin's database. */
export class AuditStore {
  static async create(database: DatabaseService): Promise<AuditStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@kars-portal/plugin-kars-backend',
          'migrations',
        ),
      });
    }
    return new AuditStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  async record(event: NewAuditEvent): Promise<void> {
    await this.knex(TABLE).insert({
      sandbox: event.sandbox,
      cluster: event.cluster,
      actor: event.actor,
      action: event.action,
      outcome: event.outcome,
      message: event.message.slice(0, 2000),
    });
  }

  /** The newest events of a sandbox first. */
  async list(sandbox: string, limit = 100): Promise<AuditEvent[]> {
    const rows = await this.knex(TABLE)
      .where({ sandbox })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(row => ({
      id: String(row.id),
      sandbox: row.sandbox,
      actor: row.actor,
      action: row.action,
      outcome: row.outcome,
      message: row.message,
      at: new Date(row.created_at).toISOString(),
    }));
  }
}
