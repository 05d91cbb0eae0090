import { ChannelType, Sandbox } from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from './ClusterConnection';
import { channelSignals, ChannelSignal, observeAgentLog } from './health';
import { toSandbox } from './sandboxObject';

/** One sandbox's channels as a check saw them. */
export interface SandboxChannels {
  sandbox: Sandbox;
  /** Its enabled channels that had a signal, with that signal. */
  channels: ReadonlyMap<ChannelType, ChannelSignal>;
}

/** How many sandboxes a check reads at once. */
const CHECK_CONCURRENCY = 4;

/** Runs `fn` on every item, at most `limit` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

/**
 * The chat channel states of each cluster's sandboxes as the last check saw them, held in this
 * process's memory: read from each running agent's own signals the way the health report reads
 * them, for the owners' notices and the fleet list's channel trouble.
 */
export class ObservedChannels {
  private readonly latest = new Map<string, Map<string, SandboxChannels>>();
  private readonly checks = new Map<string, number>();

  /**
   * Checks a cluster: the channel states of each of its sandboxes with channels enabled (neither
   * suspended nor being deleted), a few read at a time, each log read time-boxed. What it saw
   * becomes the cluster's latest, and is returned.
   */
  async check(cluster: ClusterConnection): Promise<SandboxChannels[]> {
    const sandboxes = cluster.sandboxes
      .list()
      .map(object => toSandbox(object, cluster.name))
      .filter(
        s => s.spec.channels.length > 0 && !s.spec.suspended && !s.deleting,
      );
    const seen: SandboxChannels[] = [];
    await eachLimited(sandboxes, CHECK_CONCURRENCY, async sandbox => {
      const log = await observeAgentLog(cluster.gateway, sandbox);
      seen.push({ sandbox, channels: channelSignals(sandbox, log) });
    });
    this.latest.set(cluster.name, new Map(seen.map(s => [s.sandbox.name, s])));
    this.checks.set(cluster.name, this.version(cluster.name) + 1);
    return seen;
  }

  /** How many checks of a cluster have ended: what {@link failing} answers changes only with it. */
  version(cluster: string): number {
    return this.checks.get(cluster) ?? 0;
  }

  /** The channels enabled on a sandbox that the last check of its cluster saw failing. */
  failing(sandbox: Sandbox): ChannelType[] {
    const seen = this.latest.get(sandbox.cluster)?.get(sandbox.name)?.channels;
    return sandbox.spec.channels
      .map(c => c.type)
      .filter(type => seen?.get(type)?.connection === 'failing');
  }
}
