import {
  ChannelType,
  eachAtMost,
  Sandbox,
} from '@kars-portal/plugin-kars-common';
import { podsOfSandbox } from '../kube/sandboxPods';
import { ClusterConnection } from './ClusterConnection';
import {
  channelLines,
  channelSignals,
  ChannelSignal,
  observeAgentLog,
} from './health';
import { toSandbox } from './sandboxObject';

/** One sandbox's channels as a check saw them. */
export interface SandboxChannels {
  sandbox: Sandbox;
  /** Its enabled channels that had a signal, with that signal. */
  channels: ReadonlyMap<ChannelType, ChannelSignal>;
}

/** How many sandboxes a check reads at once. */
const CHECK_CONCURRENCY = 4;

/** How long a check waits for the pod cache's first list before it reads no logs. */
const POD_CACHE_WAIT_MS = 10_000;

/**
 * The chat channel states of each cluster's sandboxes as the last check saw them, held in this
 * process's memory: read from each running agent's own signals the way the health report reads
 * them, for the owners' notices and the fleet list's channel trouble.
 */
export class ObservedChannels {
  private readonly latest = new Map<string, Map<string, SandboxChannels>>();
  private readonly checks = new Map<string, number>();
  /**
   * By cluster, the channel lines of the start of each agent run the last check read: a later
   * check of the same run reads only its last lines (one pods/log request instead of two).
   */
  private readonly starts = new Map<string, Map<string, string>>();

  /**
   * Checks a cluster: the channel states of each of its sandboxes with channels enabled (neither
   * suspended nor being deleted), read from its running pod's agent log, a few at a time, each log
   * read time-boxed; the start of a run's log only once. The pods come from the connection's cache
   * (no list per sandbox); while that cache has not listed them yet, no log is read and no channel
   * has a signal. What it saw becomes the cluster's latest, and is returned.
   */
  async check(cluster: ClusterConnection): Promise<SandboxChannels[]> {
    void cluster.pods.start();
    await cluster.pods.waitFor(() => cluster.pods.hasSynced, POD_CACHE_WAIT_MS);
    const sandboxes = cluster.sandboxes
      .list()
      .map(object => toSandbox(object, cluster.name))
      .filter(
        s => s.spec.channels.length > 0 && !s.spec.suspended && !s.deleting,
      );
    const seen: SandboxChannels[] = [];
    const known = this.starts.get(cluster.name) ?? new Map<string, string>();
    const starts = new Map<string, string>();
    await eachAtMost(CHECK_CONCURRENCY, sandboxes, async sandbox => {
      const pods = podsOfSandbox(
        cluster.pods.listInNamespace(sandbox.namespace),
        sandbox.name,
        sandbox.namespace,
      );
      const log = await observeAgentLog(cluster.gateway, sandbox, pods, run =>
        known.has(run),
      );
      let text: string | undefined;
      if (log) {
        const start =
          log.start === undefined
            ? known.get(log.run)!
            : channelLines(sandbox.spec.runtime.kind, log.start);
        starts.set(log.run, start);
        text = start + log.tail;
      }
      seen.push({ sandbox, channels: channelSignals(sandbox, text) });
    });
    this.starts.set(cluster.name, starts);
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
