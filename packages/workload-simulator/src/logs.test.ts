import {
  containerLog,
  ContainerInstance,
  formatLines,
  LogRole,
  parseLogQuery,
  readContainerLog,
  roleOf,
} from './logs';
import { logProblem } from './workloads';

const start = Date.parse('2026-01-01T00:00:00Z');
const run = (extra: Partial<ContainerInstance> = {}): ContainerInstance => ({
  seed: 1,
  key: 'uid/agent/0',
  startedAt: start,
  env: { KARS_MODEL: 'gpt-4o' },
  sandbox: 'a',
  ...extra,
});

describe('container logs', () => {
  it('write per runtime: the KarsSandbox says which, else the container does', () => {
    const first = (role: ReturnType<typeof roleOf>) =>
      containerLog(role, run(), 1000, start)[0].text;
    expect(
      first(
        roleOf({ name: 'agent' }, { spec: { runtime: { kind: 'LangGraph' } } }),
      ),
    ).toBe('INFO kars.runtime: starting LangGraph runtime (model=gpt-4o)');
    expect(first(roleOf({ name: 'openclaw' }))).toBe(
      '[openclaw] starting gateway (model gpt-4o)',
    );
    expect(first(roleOf({ name: 'agent', image: 'x/hermes:1' }))).toBe(
      'INFO hermes.gateway: starting Hermes agent (model=gpt-4o)',
    );
    expect(
      containerLog(
        roleOf({ name: 'egress-guard' }),
        run(),
        1000,
        start + 60_000,
      ),
    ).toEqual([
      {
        at: start,
        text: 'egress-guard: rules in place; DNS only to 10.0.0.10',
      },
    ]);
    expect(
      JSON.parse(
        containerLog(
          roleOf({ name: 'inference-router' }),
          run(),
          1000,
          start,
        )[0].text,
      ),
    ).toEqual({
      level: 'info',
      msg: 'inference router starting',
      sandbox: 'a',
      model: 'gpt-4o',
      listen: '127.0.0.1:8443',
    });
  });

  it("are the same for the same run, grow with time, and end with a failed run's last words", () => {
    const role = roleOf({ name: 'agent' });
    const at10 = containerLog(role, run(), 1000, start + 10_000);
    const at20 = containerLog(role, run(), 1000, start + 20_000);
    expect(containerLog(role, run(), 1000, start + 10_000)).toEqual(at10);
    expect(at20.slice(0, at10.length)).toEqual(at10);
    expect(at20.length).toBeGreaterThan(at10.length + 5);
    expect(
      containerLog(role, run({ key: 'uid/agent/1' }), 1000, start + 10_000),
    ).not.toEqual(at10);
    const failed = containerLog(
      role,
      run({ finishedAt: start + 5000, exit: 'Error' }),
      1000,
      start + 60_000,
    );
    expect(failed.every(l => l.at <= start + 5000)).toBe(true);
    expect(failed.slice(-1)[0].text).toBe(
      'ConnectionRefusedError: [Errno 111] Connection refused',
    );
    const killed = containerLog(
      role,
      run({ finishedAt: start + 5000, exit: 'OOMKilled' }),
      1000,
      start + 60_000,
    );
    expect(killed.slice(-1)[0].text).toMatch(/^INFO kars\.runtime: task/);
  });

  it('are chosen by sinceSeconds, then tailLines, and shown with timestamps and limitBytes', () => {
    const lines = [0, 1000, 2000, 3000].map(ms => ({
      at: start + ms,
      text: `l${ms}`,
    }));
    const q = (s: string) =>
      parseLogQuery(new URLSearchParams(s), start + 3000);
    expect(formatLines(lines, q(''))).toBe('l0\nl1000\nl2000\nl3000\n');
    expect(formatLines(lines, q('tailLines=2'))).toBe('l2000\nl3000\n');
    expect(formatLines(lines, q('tailLines=0'))).toBe('');
    expect(formatLines(lines, q('sinceSeconds=2&tailLines=5'))).toBe(
      'l1000\nl2000\nl3000\n',
    );
    expect(formatLines(lines, q('sinceTime=2026-01-01T00:00:02Z'))).toBe(
      'l2000\nl3000\n',
    );
    expect(formatLines(lines, q('timestamps=true&tailLines=1'))).toBe(
      '2026-01-01T00:00:03.000000000Z l3000\n',
    );
    expect(formatLines(lines, q('limitBytes=5'))).toBe('l0\nl1');
  });

  it('read by a request choose the same lines as choosing from the whole log, making only a stretch of it', () => {
    const roles: LogRole[] = [
      { kind: 'agent', runtime: 'OpenClaw' },
      { kind: 'router' },
      { kind: 'egress-guard' },
    ];
    const runs = [
      run(),
      run({
        channels: [{ channel: 'slack', configured: true, failing: true }],
      }),
      run({ finishedAt: start + 3_600_000, exit: 'Error' }),
      run({ finishedAt: start + 200_000, exit: 'Completed' }),
    ];
    const queries = [
      '',
      'tailLines=1',
      'tailLines=7',
      'tailLines=300',
      'tailLines=0',
      'limitBytes=5',
      'limitBytes=2000',
      'limitBytes=65536',
      'tailLines=20&limitBytes=300',
      'sinceSeconds=600',
      'sinceSeconds=600&tailLines=40',
      'sinceSeconds=3000&limitBytes=1000&timestamps=true',
      'timestamps=true&tailLines=3',
    ];
    let compared = 0;
    for (const role of roles)
      for (const instance of runs)
        for (const now of [start + 50, start + 7000, start + 7_200_000]) {
          const whole = containerLog(role, instance, 5000, now);
          for (const query of queries) {
            const q = parseLogQuery(new URLSearchParams(query), now);
            expect([
              role.kind,
              query,
              readContainerLog(role, instance, 5000, now, q),
            ]).toEqual([role.kind, query, formatLines(whole, q)]);
            compared++;
          }
          const from = now - 600_000;
          expect(containerLog(role, instance, 5000, now, from)).toEqual(
            whole.filter(l => l.at >= from),
          );
        }
    expect(compared).toBe(3 * 4 * 3 * queries.length);
  });

  it('refuse as the kubelet does when a container has no log (validateContainerLogStatus)', () => {
    const term = { containerID: 'containerd://1', exitCode: 1 };
    expect(
      [
        [undefined, false],
        [{ state: { running: {} }, lastState: {} }, true],
        [{ state: { running: {} }, lastState: { terminated: term } }, true],
        [
          { state: { waiting: { reason: 'ErrImagePull' } }, lastState: {} },
          false,
        ],
        [
          { state: { waiting: { reason: 'ImagePullBackOff' } }, lastState: {} },
          false,
        ],
        [
          { state: { waiting: { reason: 'PodInitializing' } }, lastState: {} },
          false,
        ],
        [
          {
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: term },
          },
          false,
        ],
        [{ state: { running: {} }, lastState: {} }, false],
      ].map(([status, previous]) =>
        logProblem('p', 'agent', status as never, previous as boolean),
      ),
    ).toEqual([
      'container "agent" in pod "p" is not available',
      'previous terminated container "agent" in pod "p" not found',
      undefined,
      'container "agent" in pod "p" is waiting to start: image can\'t be pulled',
      'container "agent" in pod "p" is waiting to start: trying and failing to pull image',
      'container "agent" in pod "p" is waiting to start: PodInitializing',
      undefined,
      undefined,
    ]);
  });
});

describe('channel lines of an agent', () => {
  const channels = [
    { channel: 'telegram', configured: true, failing: false },
    { channel: 'slack', configured: true, failing: true },
    { channel: 'discord', configured: false, failing: false },
  ];
  const texts = (until: number) =>
    containerLog(
      { kind: 'agent', runtime: 'OpenClaw' },
      run({ channels }),
      600_000,
      until,
    ).map(l => l.text);

  it('connect each configured channel after its start, refuse a failing one and retry it, and say which have no credentials', () => {
    const soon = texts(start + 1000);
    expect(soon.filter(t => /^\[(telegram|slack|discord)\]/.test(t))).toEqual([
      '[telegram] connecting (long polling)',
      '[slack] connecting (socket mode)',
      '[discord] disabled: no DISCORD_BOT_TOKEN',
    ]);
    const later = texts(start + 65_000).filter(t =>
      /^\[(telegram|slack)\] (connected|error)/.test(t),
    );
    expect(later).toEqual([
      '[telegram] connected as a-bot',
      '[slack] error: invalid_auth; retrying in 30s',
      '[slack] error: invalid_auth; retrying in 30s',
      '[slack] error: invalid_auth; retrying in 30s',
    ]);
  });

  it('print nothing of channels for a container that is not the agent', () => {
    expect(
      containerLog({ kind: 'router' }, run({ channels }), 600_000, start + 5000)
        .map(l => l.text)
        .some(t => /telegram|slack/.test(t)),
    ).toBe(false);
  });
});
