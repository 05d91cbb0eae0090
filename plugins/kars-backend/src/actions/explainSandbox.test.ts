import {
  KubeEvent,
  Sandbox,
  SandboxHealth,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { explain, explanationSchema } from './explainSandbox';

const sandbox = (over: Partial<Sandbox> = {}): Sandbox => ({
  name: 'tenant-x',
  cluster: 'dev',
  namespace: 'kars-tenant-x',
  spec: sandboxSpecSchema.parse({}),
  status: { phase: 'Running', conditions: [] },
  credentialKeys: [],
  uid: 'u',
  generation: 1,
  createdAt: '2026-12-05T10:00:00Z',
  deleting: false,
  ...over,
});

const health = (over: Partial<SandboxHealth> = {}) =>
  ({
    findings: [],
    pods: [],
    workload: {
      desiredReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      restarts: 0,
      state: 'ready',
    },
    ...over,
  } as SandboxHealth);

const event = (type: string, reason: string, message: string): KubeEvent => ({
  type,
  reason,
  message,
  involvedObject: { kind: 'Pod', name: 'agent-0' },
  count: 1,
});

describe('explain', () => {
  it('gives no reasons for a running sandbox', () => {
    const answer = explain(sandbox(), health(), [
      event('Normal', 'Started', 'ok'),
    ]);
    expect(answer).toMatchObject({
      running: true,
      reasons: [],
      phase: 'Running',
    });
    expect(explanationSchema.parse(answer)).toEqual(answer);
  });

  it('names the conditions, the waiting container with its last exit, and the warnings', () => {
    const answer = explain(
      sandbox({
        status: {
          phase: 'Degraded',
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'WorkloadNotReady',
              message: '0/1 ready',
              lastTransitionTime: '2026-12-05T10:00:00Z',
            },
          ],
        },
      }),
      health({
        workload: {
          desiredReplicas: 1,
          readyReplicas: 0,
          availableReplicas: 0,
          restarts: 3,
          state: 'failed',
        },
        pods: [
          {
            name: 'agent-0',
            phase: 'Running',
            nodeRuntimeHandlers: null,
            ready: false,
            containers: [
              {
                name: 'agent',
                init: false,
                state: 'waiting',
                reason: 'CrashLoopBackOff',
                ready: false,
                restartCount: 3,
                lastTermination: { reason: 'Error', exitCode: 1 },
              },
            ],
          },
        ],
      }),
      [event('Warning', 'BackOff', 'Back-off restarting failed container')],
    );
    expect(answer.running).toBe(false);
    expect(answer.reasons).toEqual([
      'condition Ready is False: WorkloadNotReady (0/1 ready)',
      'workload failed: 0 of 1 replicas ready',
      'pod agent-0 is Running',
      'container agent waiting (CrashLoopBackOff), 3 restarts, last exit 1 (Error)',
      'event BackOff on Pod agent-0: Back-off restarting failed container',
    ]);
  });

  it('says a suspended or deleting sandbox is so', () => {
    const answer = explain(
      sandbox({
        spec: sandboxSpecSchema.parse({ suspended: true }),
        status: { conditions: [] },
        deleting: true,
      }),
      health(),
      [],
    );
    expect(answer.reasons).toEqual([
      'the sandbox is being deleted',
      'the sandbox is suspended (spec.suspended); resume it to run',
      'the reconciler has not reported a phase yet',
    ]);
  });
});
