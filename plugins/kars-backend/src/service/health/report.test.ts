import { Sandbox, SandboxSpecInput } from '@kars-portal/plugin-kars-common';
import {
  healthSandbox,
  healthSettings,
  healthyObservation,
} from '../../__testUtils__/health';
import { UsageSnapshot } from '../usage';
import { HealthObservation } from './observe';
import { budgetWindows, buildHealth } from './report';

type Edit = (o: HealthObservation & Record<string, any>) => void;

const answered = (today: number, month: number): UsageSnapshot => ({
  ok: true,
  source: 'prometheus',
  today: new Map([['tenant-h', today]]),
  month: new Map([['tenant-h', month]]),
});
const silent: UsageSnapshot = {
  ok: false,
  source: 'prometheus',
  message: 'the usage source did not answer',
  today: new Map(),
  month: new Map(),
};

function report(
  spec: SandboxSpecInput,
  edit: Edit = () => {},
  options: {
    usage?: UsageSnapshot;
    sandbox?: (s: Sandbox) => Sandbox;
  } = {},
) {
  const base = healthSandbox(spec);
  const sandbox = options.sandbox ? options.sandbox(base) : base;
  const observation = healthyObservation(base);
  edit(observation as HealthObservation & Record<string, any>);
  return buildHealth(
    sandbox,
    observation,
    options.usage ?? answered(0, 0),
    false,
    healthSettings,
  );
}

describe('buildHealth: the workload', () => {
  it.each<{
    when: string;
    spec?: SandboxSpecInput;
    edit?: Edit;
    state: string;
    channel: string;
  }>([
    { when: 'available', state: 'ready', channel: 'ready' },
    {
      when: 'no replica available yet',
      edit: o => {
        o.deployment.status.availableReplicas = 0;
      },
      state: 'progressing',
      channel: 'not-ready',
    },
    {
      when: 'past its progress deadline',
      edit: o => {
        o.deployment.status.conditions = [
          { type: 'Progressing', reason: 'ProgressDeadlineExceeded' },
        ];
      },
      state: 'failed',
      channel: 'not-ready',
    },
    {
      when: 'scaled to zero',
      spec: { suspended: true },
      state: 'suspended',
      channel: 'suspended',
    },
    {
      when: 'no Deployment',
      edit: o => {
        o.deployment = undefined;
      },
      state: 'missing',
      channel: 'unknown',
    },
  ])(
    '$when: workload $state, an enabled channel $channel',
    ({ spec, edit, state, channel }) => {
      const health = report({ ...spec, channels: [{ type: 'slack' }] }, edit);
      expect(health.workload.state).toBe(state);
      expect(health.channels.find(c => c.channel === 'slack')!.workload).toBe(
        channel,
      );
    },
  );

  it('counts the restarts of every container of every pod, and none without a pod', () => {
    expect(report({}).workload).toEqual({
      desiredReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      restarts: 3,
      state: 'ready',
    });
    expect(
      report({}, o => {
        o.pods = [];
      }).workload.restarts,
    ).toBeNull();
  });
});

describe('buildHealth: channels', () => {
  const agentLog = [
    '[telegram] connecting (long polling)',
    '[slack] connecting (socket mode)',
    '[telegram] connected as tenant-a-bot',
    '[slack] error: invalid_auth; retrying in 30s',
  ].join('\n');
  const withCredentials = (s: Sandbox): Sandbox => ({
    ...s,
    credentialKeys: ['TELEGRAM_BOT_TOKEN', 'SLACK_BOT_TOKEN'],
  });
  const connections = (health: ReturnType<typeof report>) =>
    health.channels
      .filter(c => c.state !== 'not-enabled')
      .map(c => [c.channel, c.connection, c.connectionSource]);

  it("reads each connection from the running agent's log, in its runtime's format, and finds a failing one", () => {
    const health = report(
      { channels: [{ type: 'telegram' }, { type: 'slack' }] },
      o => {
        o.agentLog = agentLog;
      },
      { sandbox: withCredentials },
    );
    const source = "the agent's log (OpenClaw format)";
    expect(connections(health)).toEqual([
      ['telegram', 'connected', source],
      ['slack', 'failing', source],
    ]);
    expect(health.findings).toContainEqual({
      severity: 'warning',
      code: 'ChannelFailing',
      message: `channel slack is failing, as ${source} says`,
    });
    expect(JSON.stringify(health)).not.toContain('invalid_auth');
  });

  it('claims no connection from the log of a workload that is not running, nor without a log', () => {
    for (const edit of [
      (o: any) => {
        o.agentLog = agentLog;
        o.deployment.status.availableReplicas = 0;
      },
      () => {},
    ]) {
      expect(
        connections(
          report({ channels: [{ type: 'telegram' }] }, edit, {
            sandbox: withCredentials,
          }),
        ),
      ).toEqual([['telegram', 'unknown', undefined]]);
    }
  });

  it("takes the runtime's ChannelReady condition over its log", () => {
    const health = report(
      { channels: [{ type: 'telegram' }] },
      o => {
        o.agentLog = agentLog;
      },
      {
        sandbox: s => ({
          ...withCredentials(s),
          status: {
            ...s.status,
            conditions: [
              ...s.status.conditions,
              {
                type: 'ChannelReady',
                status: 'False',
                reason: 'ConnectionFailed',
                message: 'm',
                lastTransitionTime: '2026-12-05T10:00:00Z',
              },
            ],
          },
        }),
      },
    );
    expect(connections(health)).toEqual([
      ['telegram', 'failing', 'the ChannelReady condition (ConnectionFailed)'],
    ]);
  });

  it('says for each channel whether it is enabled and has its keys; no connection without a signal', () => {
    const health = report(
      { channels: [{ type: 'telegram' }, { type: 'slack' }] },
      () => {},
      { sandbox: s => ({ ...s, credentialKeys: ['TELEGRAM_BOT_TOKEN'] }) },
    );
    expect(
      health.channels.map(c => [c.channel, c.state, c.connection]),
    ).toEqual([
      ['telegram', 'configured', 'unknown'],
      ['slack', 'credentials-missing', 'unknown'],
      ['discord', 'not-enabled', 'unknown'],
      ['whatsapp', 'not-enabled', 'unknown'],
    ]);
    expect(health.findings).toEqual([
      {
        severity: 'warning',
        code: 'ChannelCredentialsMissing',
        message: 'channel slack is enabled but has no credentials',
      },
    ]);
  });
});

describe('buildHealth: findings', () => {
  it('has none when everything holds', () => {
    expect(report({}).findings).toEqual([]);
  });

  it('carries a Degraded condition with its reason, and no other condition', () => {
    const health = report({}, () => {}, {
      sandbox: s => ({
        ...s,
        status: {
          phase: 'Degraded',
          conditions: [
            {
              type: 'Degraded',
              status: 'True',
              reason: 'ApplyFailed',
              message: 'applying the sandbox objects failed: 500',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
            {
              type: 'Ready',
              status: 'False',
              reason: 'ApplyFailed',
              message: 'applying the sandbox objects failed: 500',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      }),
    });
    expect(health.phase).toBe('Degraded');
    expect(health.findings).toEqual([
      {
        severity: 'error',
        code: 'ApplyFailed',
        message: 'applying the sandbox objects failed: 500',
      },
    ]);
  });

  it('names a missing NetworkPolicy', () => {
    expect(
      report({}, o => {
        o.networkPolicies = [];
      }).findings,
    ).toEqual([
      {
        severity: 'error',
        code: 'NetworkPolicyMissing',
        message:
          'NetworkPolicy sandbox-policy is rendered for this sandbox and missing on the cluster',
        object: 'NetworkPolicy/kars-tenant-h/sandbox-policy',
      },
    ]);
  });
});

describe('buildHealth: budget and identity', () => {
  it('is unknown, saying why, when the usage source did not answer', () => {
    const health = report({ tokenBudget: { dailyTokens: 100 } }, () => {}, {
      usage: silent,
    });
    expect(health.budget).toEqual({
      source: 'prometheus',
      state: 'unknown',
      message: 'the usage source did not answer',
      windows: [
        {
          window: 'perRequest',
          limit: 0,
          used: null,
          headroom: null,
          fraction: null,
        },
        {
          window: 'daily',
          limit: 100,
          used: null,
          headroom: null,
          fraction: null,
        },
        {
          window: 'monthly',
          limit: 0,
          used: null,
          headroom: null,
          fraction: null,
        },
      ],
    });
  });

  it('names the workload identity it read, and none when the annotation is gone', () => {
    expect(report({}).identity).toEqual({
      serviceAccount: 'sandbox',
      namespace: 'kars-tenant-h',
      federatedCredentialSubject: 'system:serviceaccount:kars-tenant-h:sandbox',
      clientId: '00000000-0000-4000-8000-000000000001',
    });
    expect(
      report({}, o => {
        o.serviceAccount.metadata.annotations = {};
      }).identity,
    ).not.toHaveProperty('clientId');
  });
});

describe('budgetWindows', () => {
  const sandbox = healthSandbox({
    tokenBudget: { perRequestTokens: 50, dailyTokens: 100, monthlyTokens: 0 },
  });
  it.each<[string, UsageSnapshot, unknown[]]>([
    [
      'use below the limit',
      answered(40, 900),
      [
        ['perRequest', 50, null, null, null],
        ['daily', 100, 40, 60, 0.4],
        ['monthly', 0, 900, null, null],
      ],
    ],
    [
      'use over the limit (no negative headroom)',
      answered(130, 900),
      [
        ['perRequest', 50, null, null, null],
        ['daily', 100, 130, 0, 1.3],
        ['monthly', 0, 900, null, null],
      ],
    ],
    [
      'a sandbox the source has no series for',
      { ...answered(0, 0), today: new Map(), month: new Map() },
      [
        ['perRequest', 50, null, null, null],
        ['daily', 100, 0, 100, 0],
        ['monthly', 0, 0, null, null],
      ],
    ],
    [
      'no answer',
      silent,
      [
        ['perRequest', 50, null, null, null],
        ['daily', 100, null, null, null],
        ['monthly', 0, null, null, null],
      ],
    ],
  ])('%s', (_what, usage, expected) => {
    expect(
      budgetWindows(sandbox, usage).map(w => [
        w.window,
        w.limit,
        w.used,
        w.headroom,
        w.fraction,
      ]),
    ).toEqual(expected);
  });
});

describe('buildHealth: pods', () => {
  it('reports each pod with its node, pool, runtime handlers and containers', () => {
    const health = report({ sandbox: { isolation: 'confidential' } });
    expect(health.pods).toHaveLength(1);
    expect(health.pods[0]).toMatchObject({
      name: 'tenant-h-1',
      phase: 'Running',
      nodeName: 'sandbox-kata-0',
      pool: 'sandbox-kata',
      runtimeClassName: 'kata-vm-isolation',
      nodeRuntimeHandlers: ['runc', 'kata'],
      ready: true,
    });
    expect(health.pods[0].containers.map(c => [c.name, c.state])).toEqual([
      ['egress-guard', 'terminated'],
      ['openclaw', 'running'],
      ['inference-router', 'running'],
    ]);
  });

  it('reports no pod when none exists', () => {
    expect(
      report({}, o => {
        o.pods = [];
      }).pods,
    ).toEqual([]);
  });
});
