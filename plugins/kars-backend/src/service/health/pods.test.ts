import { PodReport } from '@kars-portal/plugin-kars-common';
import { healthNode } from '../../__testUtils__/health';
import { nodeRuntimeHandlers, podReports } from './pods';

const kataNode = healthNode('sandbox-kata-0', 'sandbox-kata', ['runc', 'kata']);

const podOf = (status: any, spec: any = {}) => ({
  metadata: { name: 'tenant-b-7f9c-x2x4' },
  spec: {
    nodeName: 'sandbox-kata-0',
    runtimeClassName: 'kata-vm-isolation',
    initContainers: [{ name: 'egress-guard' }],
    containers: [{ name: 'agent' }, { name: 'inference-router' }],
    ...spec,
  },
  status,
});

describe('podReports', () => {
  it.each<[string, any, Map<string, any>, PodReport]>([
    [
      'a running pod on the Kata node: its pool and handlers, the guard completed',
      podOf({
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        initContainerStatuses: [
          {
            name: 'egress-guard',
            ready: true,
            restartCount: 0,
            state: {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                message: 'anything the container wrote',
                finishedAt: '2026-01-01T00:00:01Z',
              },
            },
          },
        ],
        containerStatuses: [
          {
            name: 'agent',
            ready: true,
            restartCount: 1,
            state: { running: { startedAt: '2026-01-01T00:00:02Z' } },
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'OOMKilled',
                finishedAt: '2026-01-01T00:00:01Z',
              },
            },
          },
          {
            name: 'inference-router',
            ready: true,
            restartCount: 0,
            state: { running: {} },
          },
        ],
      }),
      new Map([['sandbox-kata-0', kataNode]]),
      {
        name: 'tenant-b-7f9c-x2x4',
        phase: 'Running',
        nodeName: 'sandbox-kata-0',
        pool: 'sandbox-kata',
        runtimeClassName: 'kata-vm-isolation',
        nodeRuntimeHandlers: ['runc', 'kata'],
        ready: true,
        containers: [
          {
            name: 'egress-guard',
            init: true,
            state: 'terminated',
            reason: 'Completed',
            ready: true,
            restartCount: 0,
          },
          {
            name: 'agent',
            init: false,
            state: 'running',
            ready: true,
            restartCount: 1,
            lastTermination: {
              reason: 'OOMKilled',
              exitCode: 137,
              finishedAt: '2026-01-01T00:00:01Z',
            },
          },
          {
            name: 'inference-router',
            init: false,
            state: 'running',
            ready: true,
            restartCount: 0,
          },
        ],
      },
    ],
    [
      'a crash-looping agent: the kubelet reason and message; a node that could not be read',
      podOf({
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'agent',
            ready: false,
            restartCount: 4,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message:
                  'back-off 40s restarting failed container=agent pod=tenant-b-7f9c-x2x4',
              },
            },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      }),
      new Map([['sandbox-kata-0', undefined]]),
      {
        name: 'tenant-b-7f9c-x2x4',
        phase: 'Running',
        nodeName: 'sandbox-kata-0',
        runtimeClassName: 'kata-vm-isolation',
        nodeRuntimeHandlers: null,
        ready: false,
        containers: [
          {
            name: 'egress-guard',
            init: true,
            state: 'unknown',
            ready: false,
            restartCount: 0,
          },
          {
            name: 'agent',
            init: false,
            state: 'waiting',
            reason: 'CrashLoopBackOff',
            message:
              'back-off 40s restarting failed container=agent pod=tenant-b-7f9c-x2x4',
            ready: false,
            restartCount: 4,
            lastTermination: { reason: 'Error', exitCode: 1 },
          },
          {
            name: 'inference-router',
            init: false,
            state: 'unknown',
            ready: false,
            restartCount: 0,
          },
        ],
      },
    ],
    [
      'a pod no node fits: the scheduler reason and message',
      podOf(
        {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/3 nodes are available: 3 Insufficient memory.',
            },
          ],
        },
        { nodeName: undefined },
      ),
      new Map(),
      {
        name: 'tenant-b-7f9c-x2x4',
        phase: 'Pending',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient memory.',
        runtimeClassName: 'kata-vm-isolation',
        nodeRuntimeHandlers: null,
        ready: false,
        containers: ['egress-guard', 'agent', 'inference-router'].map(name => ({
          name,
          init: name === 'egress-guard',
          state: 'unknown' as const,
          ready: false,
          restartCount: 0,
        })),
      },
    ],
    [
      'an evicted pod: its own reason and message',
      podOf(
        {
          phase: 'Failed',
          reason: 'Evicted',
          message: 'The node was low on resource: memory.',
        },
        { nodeName: undefined, runtimeClassName: undefined },
      ),
      new Map(),
      {
        name: 'tenant-b-7f9c-x2x4',
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory.',
        nodeRuntimeHandlers: null,
        ready: false,
        containers: ['egress-guard', 'agent', 'inference-router'].map(name => ({
          name,
          init: name === 'egress-guard',
          state: 'unknown' as const,
          ready: false,
          restartCount: 0,
        })),
      },
    ],
    [
      'a pod not scheduled: no node, no status yet',
      podOf(undefined, { nodeName: undefined, runtimeClassName: undefined }),
      new Map(),
      {
        name: 'tenant-b-7f9c-x2x4',
        phase: 'Unknown',
        nodeRuntimeHandlers: null,
        ready: false,
        containers: [
          {
            name: 'egress-guard',
            init: true,
            state: 'unknown',
            ready: false,
            restartCount: 0,
          },
          {
            name: 'agent',
            init: false,
            state: 'unknown',
            ready: false,
            restartCount: 0,
          },
          {
            name: 'inference-router',
            init: false,
            state: 'unknown',
            ready: false,
            restartCount: 0,
          },
        ],
      },
    ],
  ])('%s', (_what, pod, nodes, expected) => {
    expect(podReports([pod], nodes)).toEqual([expected]);
  });
});

describe('nodeRuntimeHandlers', () => {
  it.each<[string, any, string[]]>([
    ['the Kata node, without the default handler', kataNode, ['runc', 'kata']],
    ['a node that reports none', { status: {} }, []],
    ['no node', undefined, []],
  ])('%s', (_what, node, expected) => {
    expect(nodeRuntimeHandlers(node)).toEqual(expected);
  });
});
