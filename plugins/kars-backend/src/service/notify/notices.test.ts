import { KubeObject } from '@kars-portal/plugin-kars-node';
import { budgetLevel, budgetNotices, phaseNotice } from './notices';

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
