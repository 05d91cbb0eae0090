import {
  ChannelType,
  Sandbox,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import { ChannelSignal } from '../health';
import {
  budgetLevel,
  budgetNotices,
  channelNotices,
  phaseNotice,
} from './notices';

const sandbox = (
  phase: string | undefined,
  extra: { owner?: string; conditions?: object[]; budget?: object } = {
    owner: 'group:default/team-a',
  },
): KubeObject => ({
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  metadata: { name: 'tenant-a', namespace: 'kars-system' },
  spec: {
    ...(extra.owner ? { owner: extra.owner } : {}),
    tokenBudget: extra.budget ?? {},
  },
  status: { phase, conditions: extra.conditions ?? [] },
});

describe('phaseNotice', () => {
  it.each([
    ['Running', 'Degraded', 'high'],
    ['Degraded', 'Failed', 'critical'],
    ['Creating', 'Failed', 'critical'],
  ])('tells the owner of %s → %s (%s)', (before, after, severity) => {
    expect(
      phaseNotice('dev', sandbox(before), sandbox(after))?.payload,
    ).toMatchObject({
      title: `Sandbox tenant-a is ${after}`,
      severity,
      topic: 'kars.sandbox.phase',
      scope: 'kars/dev/tenant-a/phase',
      link: '/catalog/default/resource/tenant-a',
    });
  });

  it('names the reason of the Degraded condition', () => {
    const next = sandbox('Degraded', {
      owner: 'group:default/team-a',
      conditions: [
        {
          type: 'Degraded',
          status: 'True',
          reason: 'CrashLoopBackOff',
          message: 'the agent container keeps restarting',
        },
      ],
    });
    expect(phaseNotice('dev', sandbox('Running'), next)).toEqual({
      owner: 'group:default/team-a',
      payload: expect.objectContaining({
        description:
          'tenant-a on cluster dev turned Degraded (CrashLoopBackOff: the agent container keeps restarting).',
      }),
    });
  });

  it.each([
    ['no transition (a resync or a status write)', 'Degraded', 'Degraded'],
    ['a good phase', 'Degraded', 'Running'],
    [
      'an object new to the watch (a restart lists it again)',
      undefined,
      'Failed',
    ],
  ])('says nothing for %s', (_what, before, after) => {
    expect(
      phaseNotice(
        'dev',
        before === undefined ? undefined : sandbox(before),
        sandbox(after),
      ),
    ).toBeUndefined();
  });

  it('says nothing for a sandbox without an owner', () => {
    expect(
      phaseNotice('dev', sandbox('Running', {}), sandbox('Failed', {})),
    ).toBeUndefined();
  });
});

describe('budgetLevel', () => {
  it.each([
    [0, 0, 'ok'],
    [1_000_000, 0, 'ok'],
    [899, 1000, 'ok'],
    [900, 1000, 'warning'],
    [999, 1000, 'warning'],
    [1000, 1000, 'exhausted'],
    [5000, 1000, 'exhausted'],
  ])('%d of %d is %s', (used, limit, level) => {
    expect(budgetLevel(used, limit)).toBe(level);
  });
});

describe('budgetNotices', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  const limited = sandbox('Running', {
    owner: 'group:default/team-a',
    budget: { dailyTokens: 1000, monthlyTokens: 20_000 },
  });

  it('keys each window by its period and level, and tells only the highest level reached', () => {
    const notices = budgetNotices(
      'dev',
      limited,
      { daily: 1200, monthly: 18_500 },
      now,
    );
    expect(notices.map(n => n.key)).toEqual([
      {
        cluster: 'dev',
        sandbox: 'tenant-a',
        subject: 'budget-daily',
        period: '2026-12-05',
        level: 'exhausted',
      },
      {
        cluster: 'dev',
        sandbox: 'tenant-a',
        subject: 'budget-monthly',
        period: '2026-12',
        level: 'warning',
      },
    ]);
    expect(notices.map(n => n.notice.payload)).toEqual([
      expect.objectContaining({
        title: 'Sandbox tenant-a used up its daily token budget',
        description:
          'tenant-a on cluster dev used 1,200 of 1,000 tokens (120 %) in 2026-12-05; the inference router refuses further requests until the window resets.',
        severity: 'high',
        topic: 'kars.sandbox.budget',
        scope: 'kars/dev/tenant-a/budget/daily/2026-12-05/exhausted',
      }),
      expect.objectContaining({
        title: 'Sandbox tenant-a passed 90 % of its monthly token budget',
        severity: 'normal',
      }),
    ]);
  });

  it('says nothing under 90 %, for an unlimited window, an unknown use or without an owner', () => {
    expect(
      budgetNotices('dev', limited, { daily: 10, monthly: undefined }, now),
    ).toEqual([]);
    expect(
      budgetNotices(
        'dev',
        sandbox('Running', { owner: 'group:default/team-a' }),
        { daily: 10_000_000, monthly: 10_000_000 },
        now,
      ),
    ).toEqual([]);
    expect(
      budgetNotices(
        'dev',
        sandbox('Running', { budget: { dailyTokens: 1 } }),
        { daily: 100, monthly: 100 },
        now,
      ),
    ).toEqual([]);
  });
});

describe('channelNotices', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  const withChannels = (owner?: string): Sandbox => ({
    name: 'tenant-a',
    cluster: 'dev',
    namespace: 'kars-tenant-a',
    spec: sandboxSpecSchema.parse({
      ...(owner ? { owner } : {}),
      channels: [{ type: 'telegram' }, { type: 'slack' }, { type: 'discord' }],
    }),
    status: { phase: 'Running', conditions: [] },
    credentialKeys: [],
    uid: 'uid-tenant-a',
    generation: 1,
    createdAt: '2026-12-01T00:00:00Z',
    deleting: false,
  });
  const log = "the agent's log (OpenClaw format)";
  const seen = new Map<ChannelType, ChannelSignal>([
    ['telegram', { connection: 'connected', source: log }],
    ['slack', { connection: 'failing', source: log }],
    ['discord', { connection: 'connecting', source: log }],
  ]);
  const key = (channel: string) => ({
    cluster: 'dev',
    sandbox: 'tenant-a',
    subject: `channel-${channel}`,
    period: 'failing',
    level: 'failing',
  });

  it('tells the owner of a failing channel, naming the cluster and the signal, and gives back the keys of connected ones', () => {
    const { failing, connected } = channelNotices(
      withChannels('group:default/team-a'),
      seen,
      now,
    );
    expect(failing).toEqual([
      {
        key: key('slack'),
        notice: {
          owner: 'group:default/team-a',
          payload: {
            title: 'Sandbox tenant-a: its slack channel is failing',
            description:
              "The slack channel of tenant-a on cluster dev is failing, as the agent's log (OpenClaw format) says.",
            link: '/catalog/default/resource/tenant-a',
            severity: 'high',
            topic: 'kars.sandbox.channel',
            scope:
              'kars/dev/tenant-a/channel/slack/failing/2026-12-05T10:00:00.000Z',
          },
        },
      },
    ]);
    expect(connected).toEqual([key('telegram')]);
  });

  it('gives each failure its own scope, so a later one is a new notification', () => {
    const at = (time: string) =>
      channelNotices(withChannels('group:default/team-a'), seen, new Date(time))
        .failing[0].notice.payload.scope;
    expect(at('2026-12-05T10:00:00Z')).not.toBe(at('2026-12-05T11:00:00Z'));
  });

  it('tells no one without an owner, and says nothing of channels without a signal', () => {
    expect(channelNotices(withChannels(), seen, now)).toEqual({
      failing: [],
      connected: [key('telegram')],
    });
    expect(
      channelNotices(withChannels('group:default/team-a'), new Map(), now),
    ).toEqual({ failing: [], connected: [] });
  });
});
