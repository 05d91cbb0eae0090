import { Obj } from './kube';
import { goDuration, kubeletView, PodRuntime, rfc3339 } from './kubelet';
import { sandboxDeployment } from './__testUtils__/cluster';

const timing = {
  stepMs: 100,
  crashAfterMs: 200,
  backoffMs: 1000,
  maxBackoffMs: 4000,
};
const t0 = Date.parse('2026-01-01T00:00:00Z');

const pod: Obj = {
  metadata: { name: 'a-1', namespace: 'kars-a', uid: 'u1' },
  spec: sandboxDeployment('a').spec.template.spec,
  status: { qosClass: 'Burstable' },
};

const runtime = (extra: Partial<PodRuntime> = {}): PodRuntime => ({
  t0,
  nodeName: 'sandbox-0',
  nodeAddress: '10.224.0.4',
  podIp: '10.244.0.9',
  presentImages: [],
  seed: 1,
  ...extra,
});

const at = (ms: number, rt = runtime()) =>
  kubeletView(pod, rt, timing, t0 + ms);
const state = (s: Obj) =>
  Object.keys(s.state)[0] +
  (s.state.waiting ? `:${s.state.waiting.reason}` : '');
const summary = (v: ReturnType<typeof at>) => ({
  phase: v.status.phase,
  conditions: v.status.conditions.map((c: Obj) => `${c.type}=${c.status}`),
  init: v.status.initContainerStatuses.map(state),
  containers: v.status.containerStatuses.map(state),
  podIP: v.status.podIP,
});

describe('kubeletView', () => {
  it("starts a sandbox pod step by step: sandbox, the egress-guard's run, the images one at a time, the router's readiness", () => {
    expect(summary(at(0))).toEqual({
      phase: 'Pending',
      conditions: [
        'PodReadyToStartContainers=False',
        'Initialized=False',
        'Ready=False',
        'ContainersReady=False',
        'PodScheduled=True',
      ],
      init: ['waiting:PodInitializing'],
      containers: ['waiting:PodInitializing', 'waiting:PodInitializing'],
      podIP: undefined,
    });
    expect(summary(at(250))).toMatchObject({
      phase: 'Pending',
      conditions: expect.arrayContaining([
        'PodReadyToStartContainers=True',
        'Initialized=False',
      ]),
      init: ['running'],
      podIP: '10.244.0.9',
    });
    expect(summary(at(350))).toMatchObject({
      phase: 'Pending',
      init: ['terminated'],
      containers: ['waiting:ContainerCreating', 'waiting:ContainerCreating'],
    });
    expect(summary(at(550))).toMatchObject({
      phase: 'Running',
      conditions: expect.arrayContaining(['Ready=False']),
      containers: ['running', 'running'],
    });
    const ready = at(700);
    expect(summary(ready).conditions).toContain('Ready=True');
    expect(ready.status).toMatchObject({
      hostIP: '10.224.0.4',
      hostIPs: [{ ip: '10.224.0.4' }],
      podIPs: [{ ip: '10.244.0.9' }],
      startTime: rfc3339(t0),
      qosClass: 'Burstable',
    });
    expect(ready.events.map(e => [e.at - t0, e.reason, e.fieldPath])).toEqual([
      [100, 'Pulling', 'spec.initContainers{egress-guard}'],
      [200, 'Pulled', 'spec.initContainers{egress-guard}'],
      [200, 'Created', 'spec.initContainers{egress-guard}'],
      [200, 'Started', 'spec.initContainers{egress-guard}'],
      [300, 'Pulling', 'spec.containers{agent}'],
      [400, 'Pulled', 'spec.containers{agent}'],
      [400, 'Created', 'spec.containers{agent}'],
      [400, 'Started', 'spec.containers{agent}'],
      [400, 'Pulling', 'spec.containers{inference-router}'],
      [500, 'Pulled', 'spec.containers{inference-router}'],
      [500, 'Created', 'spec.containers{inference-router}'],
      [500, 'Started', 'spec.containers{inference-router}'],
    ]);
    expect(ready.events[1].message).toMatch(
      /^Successfully pulled image "ghcr\.io\/azure\/kars\/egress-guard:0\.1\.18" in 100ms \(100ms including waiting\)\. Image size: \d+ bytes\.$/,
    );
  });

  it('says an image already on the node is present, and the events of a later moment extend those of an earlier one', () => {
    const rt = runtime({
      presentImages: ['ghcr.io/azure/kars/agent-runtime:0.1.18'],
    });
    const early = at(350, rt).events;
    const late = at(5000, rt).events;
    expect(late.slice(0, early.length)).toEqual(early);
    expect(
      late.find(e => e.fieldPath === 'spec.containers{agent}')?.message,
    ).toBe(
      'Container image "ghcr.io/azure/kars/agent-runtime:0.1.18" already present on machine and can be accessed by the pod',
    );
  });

  it('image-pull-error: ErrImagePull after the pull, ImagePullBackOff after, retried with a doubling back-off', () => {
    const rt = runtime({ fault: { kind: 'image-pull-error' } });
    expect(at(420, rt).status.containerStatuses[0].state.waiting.reason).toBe(
      'ErrImagePull',
    );
    const v = at(5000, rt);
    const agent = v.status.containerStatuses[0];
    expect(agent.state.waiting.reason).toBe('ImagePullBackOff');
    expect(v.status.phase).toBe('Running');
    const pulls = v.events.filter(
      e => e.reason === 'Pulling' && e.fieldPath === 'spec.containers{agent}',
    );
    // Tries at 300, then 1 s and 2 s after each failure.
    expect(pulls.map(e => e.at - t0)).toEqual([300, 1400, 3500]);
  });

  it('crash-loop: exits with 1, restarted at once, then after 1 s, 2 s, 4 s, 4 s; CrashLoopBackOff in between', () => {
    const rt = runtime({
      fault: { kind: 'crash-loop', container: 'inference-router' },
    });
    const v = at(9000, rt);
    const router = v.status.containerStatuses[1];
    expect(v.status.containerStatuses[0].ready).toBe(true);
    expect(router).toMatchObject({
      ready: false,
      started: false,
      restartCount: 4,
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message:
            'back-off 4s restarting failed container=inference-router pod=a-1_kars-a(u1)',
        },
      },
    });
    const starts = v.events.filter(
      e =>
        e.reason === 'Started' &&
        e.fieldPath === 'spec.containers{inference-router}',
    );
    expect(starts.map(e => e.at - t0)).toEqual([500, 725, 1925, 4125, 8325]);
    expect(
      v.events.filter(e => e.reason === 'BackOff').map(e => e.message),
    ).toEqual(
      Array(4).fill(
        'Back-off restarting failed container inference-router in pod a-1_kars-a(u1)',
      ),
    );
  });

  it('oom-killed: the container ends OOMKilled with 137, and the node says OOMKilling', () => {
    const v = at(1000, runtime({ fault: { kind: 'oom-killed' } }));
    expect(v.status.containerStatuses[0].lastState.terminated).toMatchObject({
      exitCode: 137,
      reason: 'OOMKilled',
    });
    expect(v.events.find(e => e.onNode)).toMatchObject({
      type: 'Warning',
      reason: 'OOMKilling',
      message: expect.stringMatching(
        /^Memory cgroup out of memory: Killed process \d+ \(agent\) total-vm:\d+kB, anon-rss:2097152kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:\d+kB oom_score_adj:985$/,
      ),
    });
  });

  it('a fault in the init container keeps the pod initializing', () => {
    const v = at(
      5000,
      runtime({ fault: { kind: 'crash-loop', container: 'egress-guard' } }),
    );
    expect(summary(v)).toMatchObject({
      phase: 'Pending',
      init: ['waiting:CrashLoopBackOff'],
      containers: ['waiting:PodInitializing', 'waiting:PodInitializing'],
    });
    expect(v.status.conditions[1]).toMatchObject({
      type: 'Initialized',
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [egress-guard]',
    });
  });
});

describe('goDuration', () => {
  it("prints a duration as Go's time.Duration does", () => {
    expect([300, 1000, 1600, 10_000, 80_000, 300_000].map(goDuration)).toEqual([
      '300ms',
      '1s',
      '1.6s',
      '10s',
      '1m20s',
      '5m0s',
    ]);
  });
});
