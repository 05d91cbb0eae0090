import {
  Condition,
  sandboxSpecSchema,
  SandboxSpecInput,
  SandboxStatus,
} from '@kars-portal/plugin-kars-common';
import { computeStatus, Observation } from './status';

const NOW = new Date('2026-02-01T00:00:00.000Z');
const EARLIER = '2026-01-01T00:00:00.000Z';

/** A Deployment rolled out with one available replica (or none, suspended). */
const rolledOut = (replicas = 1): Observation['deployment'] => ({
  replicas,
  availableReplicas: replicas,
  updatedReplicas: replicas,
  observedGeneration: 4,
  generation: 4,
  progressDeadlineExceeded: false,
});

const observed = (o: Partial<Observation> = {}): Observation => ({
  generation: 3,
  deleting: false,
  networkPolicyInPlace: true,
  credentialKeys: [],
  deployment: rolledOut(),
  ...o,
});

const compute = (
  spec: SandboxSpecInput,
  o: Observation,
  previous: SandboxStatus = { conditions: [] },
) =>
  computeStatus(
    sandboxSpecSchema.parse(spec),
    o,
    previous,
    NOW,
    'kars-tenant-a',
  );

/** type → [status, reason, message] of each condition. */
const conditionsOf = (status: SandboxStatus) =>
  Object.fromEntries(
    status.conditions.map(c => [c.type, [c.status, c.reason, c.message]]),
  );

describe('computeStatus: the phase and the Ready condition', () => {
  const cases: Array<{
    when: string;
    spec?: SandboxSpecInput;
    observation: Observation;
    phase: SandboxStatus['phase'];
    ready: [string, string, string];
    degraded: [string, string, string];
  }> = [
    {
      when: 'every object is in place and the workload is available',
      observation: observed(),
      phase: 'Running',
      ready: [
        'True',
        'Reconciled',
        'every object is in place and the workload is available',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'there is no Deployment yet',
      observation: observed({ deployment: undefined }),
      phase: 'Creating',
      ready: [
        'False',
        'WorkloadNotAvailable',
        'waiting for the sandbox workload to become available',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'the Deployment has not observed its generation',
      observation: observed({
        deployment: { ...rolledOut()!, observedGeneration: 3 },
      }),
      phase: 'Creating',
      ready: [
        'False',
        'WorkloadNotAvailable',
        'waiting for the sandbox workload to become available',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'no replica is available',
      observation: observed({
        deployment: { ...rolledOut()!, availableReplicas: 0 },
      }),
      phase: 'Creating',
      ready: [
        'False',
        'WorkloadNotAvailable',
        'waiting for the sandbox workload to become available',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'suspended and scaled to zero',
      spec: { suspended: true },
      observation: observed({ deployment: rolledOut(0) }),
      phase: 'Pending',
      ready: [
        'False',
        'SuspendedBySpec',
        'spec.suspended is true: the workload is scaled to zero',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'suspended while the old pod still runs',
      spec: { suspended: true },
      observation: observed({
        deployment: { ...rolledOut(0)!, availableReplicas: 1 },
      }),
      phase: 'Pending',
      ready: [
        'False',
        'SuspendedBySpec',
        'spec.suspended is true: the workload is scaled to zero',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'suspended before the Deployment rolled out',
      spec: { suspended: true },
      observation: observed({
        deployment: { ...rolledOut(0)!, observedGeneration: 1 },
      }),
      phase: 'Creating',
      ready: [
        'False',
        'SuspendedBySpec',
        'spec.suspended is true: the workload is scaled to zero',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'the rollout passed its progress deadline',
      observation: observed({
        deployment: {
          ...rolledOut()!,
          availableReplicas: 0,
          progressDeadlineExceeded: true,
        },
      }),
      phase: 'Failed',
      ready: [
        'False',
        'ProgressDeadlineExceeded',
        'the sandbox workload did not become available before its progress deadline',
      ],
      degraded: [
        'True',
        'ProgressDeadlineExceeded',
        'the sandbox workload did not become available before its progress deadline',
      ],
    },
    {
      when: 'the pod crash-loops while the Deployment has no available replica',
      observation: observed({
        deployment: { ...rolledOut()!, availableReplicas: 0 },
        podFault: {
          reason: 'CrashLoopBackOff',
          message: 'container agent of pod a-1: CrashLoopBackOff',
        },
      }),
      phase: 'Degraded',
      ready: [
        'False',
        'CrashLoopBackOff',
        'container agent of pod a-1: CrashLoopBackOff',
      ],
      degraded: [
        'True',
        'CrashLoopBackOff',
        'container agent of pod a-1: CrashLoopBackOff',
      ],
    },
    {
      when: 'the pod was OOMKilled though the Deployment still counts it available',
      observation: observed({
        podFault: {
          reason: 'OOMKilled',
          message: 'container agent of pod a-1: OOMKilled',
        },
      }),
      phase: 'Degraded',
      ready: ['False', 'OOMKilled', 'container agent of pod a-1: OOMKilled'],
      degraded: ['True', 'OOMKilled', 'container agent of pod a-1: OOMKilled'],
    },
    {
      when: 'suspended while the old pod still shows a fault',
      spec: { suspended: true },
      observation: observed({
        deployment: rolledOut(0),
        podFault: { reason: 'ImagePullBackOff', message: 'x' },
      }),
      phase: 'Pending',
      ready: [
        'False',
        'SuspendedBySpec',
        'spec.suspended is true: the workload is scaled to zero',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
    {
      when: 'applying failed this pass (over a pod fault)',
      observation: observed({
        failure: { reason: 'ApplyFailed', message: 'applying failed: 500' },
        podFault: { reason: 'Unschedulable', message: 'x' },
      }),
      phase: 'Degraded',
      ready: ['False', 'ApplyFailed', 'applying failed: 500'],
      degraded: ['True', 'ApplyFailed', 'applying failed: 500'],
    },
    {
      when: 'applying failed this pass',
      observation: observed({
        failure: { reason: 'ApplyFailed', message: 'applying failed: 500' },
      }),
      phase: 'Degraded',
      ready: ['False', 'ApplyFailed', 'applying failed: 500'],
      degraded: ['True', 'ApplyFailed', 'applying failed: 500'],
    },
    {
      when: 'the namespace is someone else’s (over a failure and a deadline)',
      observation: observed({
        namespaceConflict: 'namespace kars-tenant-a was not made by us',
        failure: { reason: 'ApplyFailed', message: 'x' },
        deployment: { ...rolledOut()!, progressDeadlineExceeded: true },
      }),
      phase: 'Degraded',
      ready: [
        'False',
        'NamespaceOwnershipConflict',
        'namespace kars-tenant-a was not made by us',
      ],
      degraded: [
        'True',
        'NamespaceOwnershipConflict',
        'namespace kars-tenant-a was not made by us',
      ],
    },
    {
      when: 'the sandbox is being deleted (over everything else)',
      observation: observed({
        deleting: true,
        namespaceConflict: 'not ours',
        failure: { reason: 'ApplyFailed', message: 'x' },
      }),
      phase: 'Terminating',
      ready: [
        'False',
        'Terminating',
        'the sandbox and its namespace are being deleted',
      ],
      degraded: ['False', 'AsExpected', ''],
    },
  ];

  it.each(cases)(
    '$when: $phase',
    ({ spec = {}, observation, phase, ready, degraded }) => {
      const status = compute(spec, observation);
      expect(status.phase).toBe(phase);
      expect(conditionsOf(status)).toMatchObject({
        Ready: ready,
        Degraded: degraded,
      });
    },
  );
});

describe('computeStatus: the other conditions', () => {
  const cases: Array<{
    when: string;
    spec?: SandboxSpecInput;
    observation: Observation;
    type: string;
    condition: [string, string, string];
  }> = [
    {
      when: 'rolled out',
      observation: observed(),
      type: 'Progressing',
      condition: ['False', 'RolloutComplete', ''],
    },
    {
      when: 'rolling out',
      observation: observed({
        deployment: { ...rolledOut()!, updatedReplicas: 0 },
      }),
      type: 'Progressing',
      condition: [
        'True',
        'RolloutInProgress',
        'the sandbox workload is rolling out',
      ],
    },
    {
      when: 'rolling out while being deleted',
      observation: observed({ deleting: true, deployment: undefined }),
      type: 'Progressing',
      condition: [
        'False',
        'RolloutInProgress',
        'the sandbox workload is rolling out',
      ],
    },
    {
      when: 'suspended',
      spec: { suspended: true },
      observation: observed({ deployment: rolledOut(0) }),
      type: 'Suspended',
      condition: ['True', 'SuspendedBySpec', ''],
    },
    {
      when: 'not suspended',
      observation: observed(),
      type: 'Suspended',
      condition: ['False', 'NotSuspended', ''],
    },
    {
      when: 'the NetworkPolicy is in place',
      observation: observed(),
      type: 'NetworkIsolated',
      condition: [
        'True',
        'PolicyApplied',
        'default-deny NetworkPolicy sandbox-policy is in place',
      ],
    },
    {
      when: 'the NetworkPolicy is not in place',
      observation: observed({ networkPolicyInPlace: false }),
      type: 'NetworkIsolated',
      condition: [
        'False',
        'PolicyMissing',
        'NetworkPolicy sandbox-policy is not in place yet',
      ],
    },
    {
      when: 'no channel is enabled',
      observation: observed(),
      type: 'CredentialsConfigured',
      condition: ['True', 'NoChannels', ''],
    },
    {
      when: 'every enabled channel has its keys',
      spec: { channels: [{ type: 'slack' }, { type: 'telegram' }] },
      observation: observed({
        credentialKeys: ['SLACK_BOT_TOKEN', 'TELEGRAM_BOT_TOKEN', 'X'],
      }),
      type: 'CredentialsConfigured',
      condition: ['True', 'Configured', ''],
    },
    {
      when: 'enabled channels lack their keys',
      spec: {
        channels: [
          { type: 'slack' },
          { type: 'telegram' },
          { type: 'discord' },
        ],
      },
      observation: observed({ credentialKeys: ['TELEGRAM_BOT_TOKEN'] }),
      type: 'CredentialsConfigured',
      condition: [
        'False',
        'CredentialsMissing',
        'no credentials for slack, discord',
      ],
    },
    {
      when: 'every budget is 0',
      observation: observed(),
      type: 'BudgetConfigured',
      condition: ['False', 'Unlimited', 'every token budget is 0 (unlimited)'],
    },
    {
      when: 'budgets are set',
      spec: { tokenBudget: { dailyTokens: 1000, monthlyTokens: 20000 } },
      observation: observed(),
      type: 'BudgetConfigured',
      condition: [
        'True',
        'LimitsSet',
        'limits: dailyTokens=1000, monthlyTokens=20000',
      ],
    },
  ];

  it.each(cases)(
    '$type when $when: $condition',
    ({ spec = {}, observation, type, condition }) => {
      expect(conditionsOf(compute(spec, observation))[type]).toEqual(condition);
    },
  );

  it('writes each condition once, in a fixed order, with the namespace and runtime', () => {
    const status = compute({ runtime: { kind: 'Hermes' } }, observed());
    expect(status.conditions.map(c => c.type)).toEqual([
      'Ready',
      'Progressing',
      'Degraded',
      'Suspended',
      'NetworkIsolated',
      'CredentialsConfigured',
      'BudgetConfigured',
    ]);
    expect(status).toMatchObject({
      observedGeneration: 3,
      namespace: 'kars-tenant-a',
      runtimeKind: 'Hermes',
    });
  });
});

describe('computeStatus: transition times and observed generations', () => {
  const before = compute({}, observed({ generation: 2 }), {
    conditions: [],
    lastReconciledAt: EARLIER,
  });
  const previous: SandboxStatus = {
    ...before,
    conditions: before.conditions.map(c => ({
      ...c,
      lastTransitionTime: EARLIER,
    })),
  };
  const find = (status: SandboxStatus, type: string) =>
    status.conditions.find(c => c.type === type) as Condition;

  it.each([
    {
      when: 'nothing changed, same generation',
      observation: observed({ generation: 2 }),
      type: 'Ready',
      time: EARLIER,
      generation: 2,
    },
    {
      when: 'nothing changed, a new generation',
      observation: observed({ generation: 5 }),
      type: 'Ready',
      time: EARLIER,
      generation: 5,
    },
    {
      when: 'the status flipped',
      observation: observed({ generation: 2, deployment: undefined }),
      type: 'Ready',
      time: NOW.toISOString(),
      generation: 2,
    },
    {
      when: 'only the reason changed (True to True)',
      spec: { channels: [{ type: 'slack' as const }] },
      observation: observed({
        generation: 2,
        credentialKeys: ['SLACK_BOT_TOKEN'],
      }),
      type: 'CredentialsConfigured',
      time: EARLIER,
      generation: 2,
    },
    {
      when: 'a condition that was not there before',
      observation: observed({ generation: 2 }),
      type: 'Ready',
      time: NOW.toISOString(),
      generation: 2,
      from: { conditions: [] } as SandboxStatus,
    },
  ])(
    '$type when $when: lastTransitionTime $time, observedGeneration $generation',
    ({ spec, observation, type, time, generation, from }) => {
      const next = compute(spec ?? {}, observation, from ?? previous);
      expect(find(next, type).lastTransitionTime).toBe(time);
      expect(find(next, type).observedGeneration).toBe(generation);
    },
  );

  it('keeps the previous lastReconciledAt (the writer stamps a new one)', () => {
    expect(compute({}, observed(), previous).lastReconciledAt).toBe(EARLIER);
  });
});
