import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NoticeStore } from '../../database/NoticeStore';
import { ClusterConnection } from '../ClusterConnection';
import { SandboxChannels } from '../ObservedChannels';
import { budgetNotices, channelNotices, Notice, phaseNotice } from './notices';

/**
 * Tells sandbox owners, through the Backstage notifications backend, when their sandbox turns
 * Degraded or Failed, when a token budget window passes 90 % or runs out and when a chat channel
 * starts failing: once per transition. Phases come from each cluster's sandbox watch (the
 * transition itself); budgets from a periodic check of the clusters' usage and channels from one of
 * the running agents' signals, each notice claimed in the database first.
 */
export class SandboxNotices {
  constructor(
    private readonly notifications: NotificationService,
    private readonly store: NoticeStore,
    private readonly logger: LoggerService,
  ) {}

  private async send(notice: Notice): Promise<boolean> {
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: notice.owner },
        payload: notice.payload,
      });
      return true;
    } catch (error) {
      this.logger.warn(
        `could not send the notice "${notice.payload.title}": ${
          error instanceof Error ? error.message : error
        }`,
      );
      return false;
    }
  }

  /** Follows a cluster's sandboxes for phase transitions; returns what stops it. */
  watchPhases(cluster: ClusterConnection): () => void {
    return cluster.sandboxes.onChange(event => {
      if (event.type === 'delete') {
        void this.store
          .forget(cluster.name, event.object.metadata.name)
          .catch(() => undefined);
        return;
      }
      if (event.type !== 'upsert') return;
      const notice = phaseNotice(cluster.name, event.old, event.object);
      if (notice) void this.send(notice);
    });
  }

  /** One budget check of a cluster: every sandbox with a limit, against the cluster's usage. */
  async checkBudgets(cluster: ClusterConnection, now = new Date()) {
    const usage = await cluster.usage.snapshot();
    if (!usage.ok) return;
    for (const sandbox of cluster.sandboxes.list()) {
      const name = sandbox.metadata.name;
      const use = {
        daily: usage.today.get(name),
        monthly: usage.month.get(name),
      };
      for (const { key, notice } of budgetNotices(
        cluster.name,
        sandbox,
        use,
        now,
      )) {
        if (!(await this.store.claim(key))) continue;
        if (!(await this.send(notice))) await this.store.release(key);
      }
    }
  }

  /**
   * Tells what one channel check of a cluster saw: each channel failing once (its claim given back
   * if the send fails), and a channel seen connected gives its claim back, so that its next failure
   * is told again.
   */
  async checkChannels(seen: SandboxChannels[], now = new Date()) {
    for (const { sandbox, channels } of seen) {
      const { failing, connected } = channelNotices(sandbox, channels, now);
      for (const key of connected) await this.store.release(key);
      for (const { key, notice } of failing) {
        if (!(await this.store.claim(key))) continue;
        if (!(await this.send(notice))) await this.store.release(key);
      }
    }
  }
}
