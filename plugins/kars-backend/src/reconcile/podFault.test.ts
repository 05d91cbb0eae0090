import { podTransform } from '../kube/transforms';
import { podFault, podFaultChanged, sandboxPodFault } from './podFault';

const pod = (status: any, name = 'tenant-a-1', extra: any = {}) => ({
  metadata: { name, namespace: 'kars-tenant-a', ...extra },
  status,
});
const waiting = (reason: string, last?: any) => ({
  name: 'agent',
  ready: false,
  restartCount: 3,
  state: { waiting: { reason, message: 'from the kubelet' } },
  ...(last ? { lastState: { terminated: last } } : {}),
});
const OOM = { reason: 'OOMKilled', exitCode: 137 };

describe('podFault', () => {
  it.each<[string, any, ReturnType<typeof podFault>]>([
    [
      'running and ready',
      pod({
        phase: 'Running',
        containerStatuses: [
          { name: 'agent', ready: true, state: { running: {} } },
        ],
      }),
      undefined,
    ],
    [
      'a crash loop',
      pod({
        containerStatuses: [
          waiting('CrashLoopBackOff', { reason: 'Error', exitCode: 1 }),
        ],
      }),
      {
        reason: 'CrashLoopBackOff',
        message: 'container agent of pod tenant-a-1: CrashLoopBackOff',
      },
    ],
    [
      'a crash loop after an OOM kill',
      pod({ containerStatuses: [waiting('CrashLoopBackOff', OOM)] }),
      {
        reason: 'OOMKilled',
        message: 'container agent of pod tenant-a-1: OOMKilled',
      },
    ],
    [
      'terminated for memory',
      pod({
        containerStatuses: [
          { name: 'agent', ready: false, state: { terminated: OOM } },
        ],
      }),
      {
        reason: 'OOMKilled',
        message: 'container agent of pod tenant-a-1: OOMKilled',
      },
    ],
    [
      'restarted after an OOM kill, not ready yet',
      pod({
        containerStatuses: [
          {
            name: 'agent',
            ready: false,
            state: { running: {} },
            lastState: { terminated: OOM },
          },
        ],
      }),
      {
        reason: 'OOMKilled',
        message: 'container agent of pod tenant-a-1: OOMKilled',
      },
    ],
    [
      'restarted after an OOM kill once and ready again',
      pod({
        containerStatuses: [
          {
            name: 'agent',
            ready: true,
            state: { running: {} },
            lastState: { terminated: OOM },
          },
        ],
      }),
      undefined,
    ],
    [
      'an image that does not pull',
      pod({ containerStatuses: [waiting('ErrImagePull')] }),
      {
        reason: 'ErrImagePull',
        message: 'container agent of pod tenant-a-1: ErrImagePull',
      },
    ],
    [
      'an image pull backing off, in an init container',
      pod({ initContainerStatuses: [waiting('ImagePullBackOff')] }),
      {
        reason: 'ImagePullBackOff',
        message: 'container agent of pod tenant-a-1: ImagePullBackOff',
      },
    ],
    [
      'waiting to be created',
      pod({ containerStatuses: [waiting('ContainerCreating')] }),
      undefined,
    ],
    [
      'no node fits',
      pod({
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 node(s) didn’t match.',
          },
        ],
      }),
      {
        reason: 'Unschedulable',
        message:
          'pod tenant-a-1 cannot be scheduled: 0/3 nodes are available: 3 node(s) didn’t match.',
      },
    ],
    [
      'being deleted',
      pod({ containerStatuses: [waiting('CrashLoopBackOff')] }, 'tenant-a-1', {
        deletionTimestamp: '2026-01-01T00:00:00Z',
      }),
      undefined,
    ],
  ])('%s', (_when, p, expected) => {
    expect(podFault(p)).toEqual(expected);
    // The same of the pod as the informer keeps it.
    expect(podFault(podTransform(p))).toEqual(expected);
  });

  it('is the same through a crash loop: restarts and kubelet messages do not count', () => {
    const a = pod({ containerStatuses: [waiting('CrashLoopBackOff')] });
    const b = pod({
      containerStatuses: [
        {
          ...waiting('CrashLoopBackOff'),
          restartCount: 9,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'other' } },
        },
      ],
    });
    expect(podFault(a)).toEqual(podFault(b));
  });
});

describe('sandboxPodFault', () => {
  it('is the first fault by pod name, none when every pod runs', () => {
    const ok = pod({ containerStatuses: [] }, 'tenant-a-0');
    const crash = pod(
      { containerStatuses: [waiting('CrashLoopBackOff')] },
      'tenant-a-2',
    );
    const pull = pod(
      { containerStatuses: [waiting('ErrImagePull')] },
      'tenant-a-1',
    );
    expect(sandboxPodFault([crash, ok, pull])?.reason).toBe('ErrImagePull');
    expect(sandboxPodFault([ok])).toBeUndefined();
    expect(sandboxPodFault([])).toBeUndefined();
  });
});

describe('podFaultChanged', () => {
  const running = pod({
    containerStatuses: [{ name: 'agent', ready: true, state: { running: {} } }],
  });
  const crashing = pod({ containerStatuses: [waiting('CrashLoopBackOff')] });
  it.each<[string, any, boolean]>([
    ['a new pod', { type: 'upsert', object: running }, true],
    ['a deleted pod', { type: 'delete', object: running }, true],
    [
      'a pod that starts crash-looping',
      { type: 'upsert', old: running, object: crashing },
      true,
    ],
    [
      'a pod that recovers',
      { type: 'upsert', old: crashing, object: running },
      true,
    ],
    [
      'another restart of the same crash loop',
      {
        type: 'upsert',
        old: crashing,
        object: pod({
          containerStatuses: [
            { ...waiting('CrashLoopBackOff'), restartCount: 4 },
          ],
        }),
      },
      false,
    ],
    [
      'a status change the phase does not read (a new pod IP)',
      {
        type: 'upsert',
        old: running,
        object: {
          ...running,
          status: { ...running.status, podIP: '10.0.0.9' },
        },
      },
      false,
    ],
  ])('%s: %s', (_when, event, expected) => {
    expect(podFaultChanged(event)).toBe(expected);
  });
});
