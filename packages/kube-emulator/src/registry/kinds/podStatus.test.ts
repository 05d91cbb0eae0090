import { KubeObject } from '../../api/types';
import { podCells, readinessGatesCell } from './podStatus';

const now = new Date('2026-01-01T01:00:00Z');

const pod = (
  status: Record<string, unknown>,
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', ...metadata },
  spec: { containers: [{ name: 'a' }, { name: 'b' }], ...spec },
  status,
});

const running = (name: string, ready = true) => ({
  name,
  ready,
  restartCount: 0,
  state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
});

describe('podCells (printPod)', () => {
  it.each([
    ['a pending pod', pod({ phase: 'Pending' }), '0/2', 'Pending', '0'],
    [
      'running and ready',
      pod({
        phase: 'Running',
        containerStatuses: [running('a'), running('b')],
      }),
      '2/2',
      'Running',
      '0',
    ],
    [
      'a crash loop with the last restart’s age',
      pod({
        phase: 'Running',
        containerStatuses: [
          running('a'),
          {
            name: 'b',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'OOMKilled',
                finishedAt: '2026-01-01T00:58:00Z',
              },
            },
          },
        ],
      }),
      '1/2',
      'CrashLoopBackOff',
      '4 (2m ago)',
    ],
    [
      'an image pull error',
      pod({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'a',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ErrImagePull' } },
          },
        ],
      }),
      '0/2',
      'ErrImagePull',
      '0',
    ],
    [
      'an init container still running',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i', ready: false, restartCount: 0, state: {} },
          ],
        },
        { initContainers: [{ name: 'i' }] },
      ),
      '0/2',
      'Init:0/1',
      '0',
    ],
    [
      'a completed container beside a running one',
      pod({
        phase: 'Running',
        containerStatuses: [
          running('a'),
          {
            name: 'b',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
        ],
      }),
      '1/2',
      'NotReady',
      '0',
    ],
    [
      'a pod being deleted',
      pod(
        { phase: 'Running' },
        {},
        { deletionTimestamp: '2026-01-01T00:59:00Z' },
      ),
      '0/2',
      'Terminating',
      '0',
    ],
    [
      'an unschedulable pod reason',
      pod({ phase: 'Pending', reason: 'Evicted' }),
      '0/2',
      'Evicted',
      '0',
    ],
  ])('%s', (_name, p, ready, status, restarts) => {
    expect(podCells(p, now)).toEqual({ ready, status, restarts });
  });

  it('counts the readiness gates that are True', () => {
    expect(readinessGatesCell(pod({}))).toBe('<none>');
    expect(
      readinessGatesCell(
        pod(
          { conditions: [{ type: 'x', status: 'True' }] },
          { readinessGates: [{ conditionType: 'x' }, { conditionType: 'y' }] },
        ),
      ),
    ).toBe('1/2');
  });
});
