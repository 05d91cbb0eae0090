import { Knex } from 'knex';

const TABLE = 'kars_notices';

/** One transition worth telling a sandbox's owners about, once. */
export interface NoticeKey {
  cluster: string;
  sandbox: string;
  /** What passed a threshold: `budget-daily`, `budget-monthly`; or what failed: `channel-slack`. */
  subject: string;
  /**
   * The period it is about: the UTC day (`2026-12-05`) or month (`2026-12`); `failing` for a
   * channel, whose key is given back once it is seen connected again.
   */
  period: string;
  /** How far: `warning` (90 %), `exhausted`; `failing` for a channel. */
  level: string;
}

/**
 * Remembers which notices were sent, in the plugin's database (its migrations run with the audit
 * trail's), so each is sent once whatever the replicas and restarts.
 */
export class NoticeStore {
  constructor(private readonly knex: Knex) {}

  /** Takes the notice: true when no one had, false when it was already taken. */
  async claim(key: NoticeKey): Promise<boolean> {
    const inserted = await this.knex(TABLE)
      .insert(key)
      .onConflict(['cluster', 'sandbox', 'subject', 'period', 'level'])
      .ignore()
      .returning('sandbox');
    return inserted.length > 0;
  }

  /**
   * Gives a claimed notice back: when sending it failed, so the next check tries again; when what
   * it told of is over (a channel connected again), so the next time is told again.
   */
  async release(key: NoticeKey): Promise<void> {
    await this.knex(TABLE).where(key).delete();
  }

  /** Forgets the notices of a deleted sandbox. */
  async forget(cluster: string, sandbox: string): Promise<void> {
    await this.knex(TABLE).where({ cluster, sandbox }).delete();
  }
}
