import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  ChannelType,
  Sandbox,
  SANDBOX_PHASES,
  sandboxEntityRefs,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import { NoticeKey } from '../../database/NoticeStore';
import { ChannelSignal } from '../health';

/** What kars portal tells a sandbox's owners, and whom. */
export interface Notice {
  /** The owner's entity ref (a group or a user): the notifications backend finds its members. */
  owner: string;
  payload: NotificationPayload;
}

/** The share of a budget window at which the owners are warned. */
export const BUDGET_WARNING_FRACTION = 0.9;

const BAD_PHASES: ReadonlyArray<(typeof SANDBOX_PHASES)[number]> = [
  'Degraded',
  'Failed',
];

/** Where a notice points: the sandbox's entity page. */
const sandboxLink = (name: string) => {
  const ref = parseEntityRef(sandboxEntityRefs(name).resource);
  return `/catalog/${ref.namespace}/${ref.kind}/${ref.name}`;
};

const ownerOf = (sandbox: KubeObject): string | undefined =>
  (sandbox.spec as { owner?: string } | undefined)?.owner;

/**
 * The notice of a sandbox turning Degraded or Failed, from the watch's old and new object: only on
 * the transition (the old phase was another one), never for an object new to the watch (a restart
 * lists every sandbox again). Pure.
 */
export function phaseNotice(
  cluster: string,
  old: KubeObject | undefined,
  next: KubeObject,
): Notice | undefined {
  const phase = (next.status as any)?.phase;
  const before = (old?.status as any)?.phase;
  const owner = ownerOf(next);
  if (!old || !owner || phase === before || !BAD_PHASES.includes(phase))
    return undefined;
  const name = next.metadata.name;
  const condition = ((next.status as any)?.conditions ?? []).find(
    (c: any) => c.type === (phase === 'Failed' ? 'Ready' : 'Degraded'),
  );
  const why = condition?.reason
    ? `${condition.reason}${condition.message ? `: ${condition.message}` : ''}`
    : `it was ${before ?? 'new'}`;
  return {
    owner,
    payload: {
      title: `Sandbox ${name} is ${phase}`,
      description: `${name} on cluster ${cluster} turned ${phase} (${why}).`,
      link: sandboxLink(name),
      severity: phase === 'Failed' ? 'critical' : 'high',
      topic: 'kars.sandbox.phase',
      scope: `kars/${cluster}/${name}/phase`,
    },
  };
}

/** How far a window's use is: nothing to say, 90 % passed, or run out (limit 0: unlimited). */
export function budgetLevel(
  used: number,
  limit: number,
): 'ok' | 'warning' | 'exhausted' {
  if (!(limit > 0)) return 'ok';
  if (used >= limit) return 'exhausted';
  if (used >= BUDGET_WARNING_FRACTION * limit) return 'warning';
  return 'ok';
}

/** The UTC day and month a time falls in: `2026-12-05`, `2026-12`. */
export function budgetPeriods(now: Date) {
  const day = now.toISOString().slice(0, 10);
  return { daily: day, monthly: day.slice(0, 7) };
}

/**
 * The budget notices of one sandbox: for each window with a limit whose use has reached a level,
 * the key that makes it once per period and level, and what to say. Only the highest level reached
 * is told (a window that runs out between two checks is not also "at 90 %"). Pure.
 */
export function budgetNotices(
  cluster: string,
  sandbox: KubeObject,
  use: { daily: number | undefined; monthly: number | undefined },
  now: Date,
): Array<{ key: NoticeKey; notice: Notice }> {
  const owner = ownerOf(sandbox);
  if (!owner) return [];
  const name = sandbox.metadata.name;
  const budget =
    (sandbox.spec as { tokenBudget?: Record<string, number> } | undefined)
      ?.tokenBudget ?? {};
  const periods = budgetPeriods(now);
  const windows = [
    { window: 'daily', limit: budget.dailyTokens ?? 0, used: use.daily },
    { window: 'monthly', limit: budget.monthlyTokens ?? 0, used: use.monthly },
  ] as const;
  return windows.flatMap(({ window, limit, used }) => {
    if (used === undefined) return [];
    const level = budgetLevel(used, limit);
    if (level === 'ok') return [];
    const percent = Math.floor((100 * used) / limit);
    return [
      {
        key: {
          cluster,
          sandbox: name,
          subject: `budget-${window}`,
          period: periods[window],
          level,
        },
        notice: {
          owner,
          payload: {
            title:
              level === 'exhausted'
                ? `Sandbox ${name} used up its ${window} token budget`
                : `Sandbox ${name} passed 90 % of its ${window} token budget`,
            description: `${name} on cluster ${cluster} used ${used.toLocaleString(
              'en-US',
            )} of ${limit.toLocaleString('en-US')} tokens (${percent} %) in ${
              periods[window]
            }${
              level === 'exhausted'
                ? '; the inference router refuses further requests until the window resets.'
                : '.'
            }`,
            link: sandboxLink(name),
            severity: level === 'exhausted' ? 'high' : 'normal',
            topic: 'kars.sandbox.budget',
            scope: `kars/${cluster}/${name}/budget/${window}/${periods[window]}/${level}`,
          },
        },
      },
    ];
  });
}

/** The key that makes a channel's failure told once until it is seen connected again. */
const channelFailingKey = (
  cluster: string,
  sandbox: string,
  channel: ChannelType,
): NoticeKey => ({
  cluster,
  sandbox,
  subject: `channel-${channel}`,
  period: 'failing',
  level: 'failing',
});

/**
 * What one channel check of a sandbox means for its owners: a notice for each channel seen failing
 * (told once: the caller claims its key first), and the keys of the channels seen connected, to
 * give back so that a later failure is told again. Channels connecting or without a signal change
 * nothing. The notice names the signal that said so, never a log's text. Pure.
 */
export function channelNotices(
  sandbox: Sandbox,
  channels: ReadonlyMap<ChannelType, ChannelSignal>,
  now: Date,
): {
  failing: Array<{ key: NoticeKey; notice: Notice }>;
  connected: NoticeKey[];
} {
  const { cluster, name } = sandbox;
  const owner = sandbox.spec.owner;
  const seen = [...channels];
  return {
    failing: owner
      ? seen
          .filter(([, signal]) => signal.connection === 'failing')
          .map(([channel, signal]) => ({
            key: channelFailingKey(cluster, name, channel),
            notice: {
              owner,
              payload: {
                title: `Sandbox ${name}: its ${channel} channel is failing`,
                description: `The ${channel} channel of ${name} on cluster ${cluster} is failing, as ${signal.source} says.`,
                link: sandboxLink(name),
                severity: 'high',
                topic: 'kars.sandbox.channel',
                // One per failure: the notifications backend folds notices of one scope into one.
                scope: `kars/${cluster}/${name}/channel/${channel}/failing/${now.toISOString()}`,
              },
            },
          }))
      : [],
    connected: seen
      .filter(([, signal]) => signal.connection === 'connected')
      .map(([channel]) => channelFailingKey(cluster, name, channel)),
  };
}
