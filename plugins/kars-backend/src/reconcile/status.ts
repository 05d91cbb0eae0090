import {
  CHANNEL_CREDENTIAL_KEYS,
  Condition,
  CONDITION_TYPES,
  SandboxPhase,
  SandboxSpec,
  SandboxStatus,
} from '@kars-portal/plugin-kars-common';

/** What one reconcile pass observed about a sandbox. */
export interface Observation {
  generation: number;
  deleting: boolean;
  /** Set when the namespace exists and is not ours. */
  namespaceConflict?: string;
  /** Set when applying failed this pass. */
  failure?: { reason: string; message: string };
  deployment?: {
    replicas: number;
    availableReplicas: number;
    updatedReplicas: number;
    observedGeneration: number;
    generation: number;
    progressDeadlineExceeded: boolean;
  };
  networkPolicyInPlace: boolean;
  credentialKeys: string[];
  /** Why the sandbox's pod does not run (see podFault), when it does not. */
  podFault?: { reason: string; message: string };
  /** The public A2A gateway, when the sandbox publishes through it. */
  a2aGateway?: {
    url: string;
    /** The LoadBalancer's address, once given. */
    address?: string;
    /** The Certificate's Ready condition; reason Missing while there is no Certificate. */
    certificate: { ready: boolean; reason: string; message: string };
  };
}

/** The A2AGatewayReady condition: an address and a Ready certificate. Pure. */
function gatewayCondition(
  gateway: NonNullable<Observation['a2aGateway']>,
): ConditionInput {
  const { address, certificate } = gateway;
  if (!certificate.ready) {
    return condition(
      CONDITION_TYPES.a2aGatewayReady,
      false,
      'CertificateNotReady',
      `the gateway certificate is not Ready (${certificate.reason}${
        certificate.message ? `: ${certificate.message}` : ''
      })`,
    );
  }
  if (!address) {
    return condition(
      CONDITION_TYPES.a2aGatewayReady,
      false,
      'AddressPending',
      'waiting for the LoadBalancer to be given an address',
    );
  }
  return condition(
    CONDITION_TYPES.a2aGatewayReady,
    true,
    'Published',
    `the card is published at ${gateway.url}/.well-known/agent-card.json; the LoadBalancer is at ${address}`,
  );
}

function credentialsReason(channels: number, missing: number) {
  if (channels === 0) return 'NoChannels';
  return missing ? 'CredentialsMissing' : 'Configured';
}

type ConditionInput = Omit<
  Condition,
  'lastTransitionTime' | 'observedGeneration'
>;

function condition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
): ConditionInput {
  return { type, status: ok ? 'True' : 'False', reason, message };
}

/** The phase and conditions of a sandbox from what was observed. Pure. */
export function computeStatus(
  spec: SandboxSpec,
  observed: Observation,
  previous: SandboxStatus,
  now: Date,
  namespace: string,
): SandboxStatus {
  const d = observed.deployment;
  const rolledOut =
    !!d &&
    d.observedGeneration >= d.generation &&
    d.updatedReplicas >= d.replicas &&
    d.availableReplicas >= d.replicas;
  const available = rolledOut && !!d && d.replicas > 0;
  const missingChannels = spec.channels
    .map(c => c.type)
    .filter(
      c =>
        !CHANNEL_CREDENTIAL_KEYS[c].every(k =>
          observed.credentialKeys.includes(k),
        ),
    );
  const limits = Object.entries(spec.tokenBudget).filter(([, v]) => v > 0);

  let phase: SandboxPhase;
  let ready: ConditionInput;
  let degraded: ConditionInput = condition(
    CONDITION_TYPES.degraded,
    false,
    'AsExpected',
    '',
  );
  if (observed.deleting) {
    phase = 'Terminating';
    ready = condition(
      CONDITION_TYPES.ready,
      false,
      'Terminating',
      'the sandbox and its namespace are being deleted',
    );
  } else if (observed.namespaceConflict) {
    phase = 'Degraded';
    ready = condition(
      CONDITION_TYPES.ready,
      false,
      'NamespaceOwnershipConflict',
      observed.namespaceConflict,
    );
    degraded = condition(
      CONDITION_TYPES.degraded,
      true,
      'NamespaceOwnershipConflict',
      observed.namespaceConflict,
    );
  } else if (observed.failure) {
    phase = 'Degraded';
    ready = condition(
      CONDITION_TYPES.ready,
      false,
      observed.failure.reason,
      observed.failure.message,
    );
    degraded = condition(
      CONDITION_TYPES.degraded,
      true,
      observed.failure.reason,
      observed.failure.message,
    );
  } else if (d?.progressDeadlineExceeded) {
    phase = 'Failed';
    const message =
      'the sandbox workload did not become available before its progress deadline';
    ready = condition(
      CONDITION_TYPES.ready,
      false,
      'ProgressDeadlineExceeded',
      message,
    );
    degraded = condition(
      CONDITION_TYPES.degraded,
      true,
      'ProgressDeadlineExceeded',
      message,
    );
  } else if (spec.suspended) {
    phase = rolledOut ? 'Pending' : 'Creating';
    ready = condition(
      CONDITION_TYPES.ready,
      false,
      'SuspendedBySpec',
      'spec.suspended is true: the workload is scaled to zero',
    );
  } else if (observed.podFault) {
    phase = 'Degraded';
    ready = condition(
      CONDITION_TYPES.ready,
      false,
      observed.podFault.reason,
      observed.podFault.message,
    );
    degraded = condition(
      CONDITION_TYPES.degraded,
      true,
      observed.podFault.reason,
      observed.podFault.message,
    );
  } else if (available) {
    phase = 'Running';
    ready = condition(
      CONDITION_TYPES.ready,
      true,
      'Reconciled',
      'every object is in place and the workload is available',
    );
  } else {
    phase = 'Creating';
    ready = condition(
      CONDITION_TYPES.ready,
      false,
      'WorkloadNotAvailable',
      'waiting for the sandbox workload to become available',
    );
  }

  const progressing = condition(
    CONDITION_TYPES.progressing,
    !observed.deleting && !rolledOut,
    rolledOut ? 'RolloutComplete' : 'RolloutInProgress',
    rolledOut ? '' : 'the sandbox workload is rolling out',
  );
  const conditions: ConditionInput[] = [
    ready,
    progressing,
    degraded,
    condition(
      CONDITION_TYPES.suspended,
      spec.suspended,
      spec.suspended ? 'SuspendedBySpec' : 'NotSuspended',
      '',
    ),
    condition(
      CONDITION_TYPES.networkIsolated,
      observed.networkPolicyInPlace,
      observed.networkPolicyInPlace ? 'PolicyApplied' : 'PolicyMissing',
      observed.networkPolicyInPlace
        ? 'default-deny NetworkPolicy sandbox-policy is in place'
        : 'NetworkPolicy sandbox-policy is not in place yet',
    ),
    condition(
      CONDITION_TYPES.credentialsConfigured,
      missingChannels.length === 0,
      credentialsReason(spec.channels.length, missingChannels.length),
      missingChannels.length
        ? `no credentials for ${missingChannels.join(', ')}`
        : '',
    ),
    condition(
      CONDITION_TYPES.budgetConfigured,
      limits.length > 0,
      limits.length > 0 ? 'LimitsSet' : 'Unlimited',
      limits.length > 0
        ? `limits: ${limits.map(([k, v]) => `${k}=${v}`).join(', ')}`
        : 'every token budget is 0 (unlimited)',
    ),
    ...(observed.a2aGateway ? [gatewayCondition(observed.a2aGateway)] : []),
  ];

  const stamped: Condition[] = conditions.map(c => {
    const before = previous.conditions.find(p => p.type === c.type);
    const same =
      before &&
      before.status === c.status &&
      before.reason === c.reason &&
      before.message === c.message;
    return {
      ...c,
      lastTransitionTime:
        before && before.status === c.status
          ? before.lastTransitionTime
          : now.toISOString(),
      observedGeneration:
        same && before!.observedGeneration === observed.generation
          ? before!.observedGeneration
          : observed.generation,
    };
  });

  const status: SandboxStatus = {
    phase,
    observedGeneration: observed.generation,
    namespace,
    runtimeKind: spec.runtime.kind,
    conditions: stamped,
    lastReconciledAt: previous.lastReconciledAt,
    ...(observed.a2aGateway
      ? {
          a2aGateway: {
            url: observed.a2aGateway.url,
            ...(observed.a2aGateway.address
              ? { address: observed.a2aGateway.address }
              : {}),
            certificateReady: observed.a2aGateway.certificate.ready,
          },
        }
      : {}),
  };
  return status;
}
