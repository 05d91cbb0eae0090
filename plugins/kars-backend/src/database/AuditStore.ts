import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  AuditEvent,
  AuditPage,
  listAuditQuerySchema,
} from '@kars-portal/plugin-kars-common';
import fs from 'fs/promises';
import { Knex } from 'knex';
import { z } from 'zod';

const TABLE = 'kars_audit_events';

/** One audit record to write. */
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'>;

/** A parsed `GET /audit` query. */
export type AuditQuery = z.output<typeof listAuditQuerySchema>;

function isSqlite(knex: Knex): boolean {
  return String((knex.client.config as Knex.Config).client).includes('sqlite');
}

/** The database file of a SQLite connection, or undefined for memory and other databases. */
function sqliteFile(knex: Knex): string | undefined {
  if (!isSqlite(knex)) return undefined;
  const connection = (knex.client.config as Knex.Config).connection as
    | { filename?: string }
    | undefined;
  const filename = connection?.filename;
  return filename && filename !== ':memory:' ? filename : undefined;
}

/**
 * Makes the SQLite file mode 0600 before SQLite opens it (it would create it 0644 under the usual
 * umask); its journal files take the same mode from it.
 */
async function keepPrivate(file: string) {
  await (await fs.open(file, 'a', 0o600)).close();
  await fs.chmod(file, 0o600);
}

/**
 * A timestamp column as RFC 3339 in UTC. PostgreSQL answers a Date; SQLite's CURRENT_TIMESTAMP is
 * the text `YYYY-MM-DD HH:MM:SS` in UTC, which `new Date` would read as local time.
 */
function toIso(value: Date | string): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(`${value.replace(' ', 'T')}Z`).toISOString();
}

/** The trail in the plugin's database: who did what to which sandbox, when, with the outcome. */
export class AuditStore {
  /**
   * Opens the store and migrates its table. A SQLite file (the dev portal keeps its trail in one
   * under `.cache/`) is made private first: mode 0600.
   */
  static async create(database: DatabaseService): Promise<AuditStore> {
    const knex = await database.getClient();
    const file = sqliteFile(knex);
    if (file) await keepPrivate(file);
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
    return rows.map(row => this.toEvent(row));
  }

  /**
   * The fleet-wide trail, newest first, one page at a time: every sandbox's events, including those
   * of sandboxes deleted since. The cursor is the id of the last event of the previous page.
   */
  async query(query: AuditQuery): Promise<AuditPage> {
    const filtered = () => {
      const q = this.knex(TABLE);
      for (const key of ['sandbox', 'actor', 'action', 'outcome'] as const) {
        const value = query[key];
        if (value !== undefined) q.where(key, value);
      }
      if (query.since) q.where('created_at', '>=', this.timestamp(query.since));
      return q;
    };
    const page = filtered()
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.cursor) page.where('id', '<', Number(query.cursor));
    const [rows, [{ count }]] = await Promise.all([
      page,
      filtered().count({ count: '*' }),
    ]);
    const items = rows.slice(0, query.limit).map(row => this.toEvent(row));
    return {
      items,
      totalCount: Number(count),
      ...(rows.length > query.limit
        ? { nextCursor: items[items.length - 1].id }
        : {}),
    };
  }

  /** A date-time as the timestamp column compares it: SQLite's text form (to the second), or a Date. */
  private timestamp(iso: string): Date | string {
    const date = new Date(iso);
    if (!isSqlite(this.knex)) return date;
    return date
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, '');
  }

  private toEvent(row: Record<string, any>): AuditEvent {
    return {
      id: String(row.id),
      sandbox: row.sandbox,
      cluster: row.cluster,
      actor: row.actor,
      action: row.action,
      outcome: row.outcome,
      message: row.message,
      at: toIso(row.created_at),
    };
  }
}
