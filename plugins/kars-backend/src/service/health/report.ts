import {
  BudgetWindowUse,
  CHANNEL_TYPES,
  channelHasCredentials,
  ChannelReport,
  federatedCredentialSubject,
  Finding,
  KARS_ANNOTATIONS,
  Sandbox,
  SandboxHealth,
} from '@kars-portal/plugin-kars-common';
import { ClusterSettings } from '../../render/types';
import { channelSignals } from './channels';
import { UsageSnapshot } from '../usage';
import { isolationLayers } from './layers';
import {
  compareNetworkPolicies,
  networkFindings,
  renderedNetworkPolicies,
} from './network';
import { HealthObservation } from './observe';
import { podReports } from './pods';

/** Budget use against each limit; unknown when the source did not answer. Pure. */
export function budgetWindows(
  sandbox: Sandbox,
  usage: UsageSnapshot,
): BudgetWindowUse[] {
  const b = sandbox.spec.tokenBudget;
  const window = (
    name: BudgetWindowUse['window'],
    limit: number,
    used: number | null,
  ): BudgetWindowUse => ({
    window: name,
    limit,
    used,
    headroom: used === null || limit === 0 ? null : Math.max(0, limit - used),
    fraction: used === null || limit === 0 ? null : used / limit,
  });
  const used = (m: Map<string, number>) =>
    usage.ok ? m.get(sandbox.name) ?? 0 : null;
  return [
    window('perRequest', b.perRequestTokens, null),
    window('daily', b.dailyTokens, used(usage.today)),
    window('monthly', b.monthlyTokens, used(usage.month)),
  ];
}

/**
 * The whole health report; the network layer compares the live NetworkPolicies with those rendered
 * from the sandbox's spec and its cluster's settings. Pure.
 */
export function buildHealth(
  sandbox: Sandbox,
  o: HealthObservation,
  usage: UsageSnapshot,
  simulated: boolean,
  settings: ClusterSettings,
): SandboxHealth {
  const networkPolicies = compareNetworkPolicies(
    o.networkPolicies,
    renderedNetworkPolicies(sandbox, settings),
  );
  const d = o.deployment;
  const desired = d?.spec?.replicas ?? 0;
  const available = d?.status?.availableReplicas ?? 0;
  const failed = (d?.status?.conditions ?? []).some(
    (c: any) => c.reason === 'ProgressDeadlineExceeded',
  );
  let workloadState: SandboxHealth['workload']['state'] = 'missing';
  if (d) {
    if (failed) workloadState = 'failed';
    else if (desired === 0) workloadState = 'suspended';
    else workloadState = available >= desired ? 'ready' : 'progressing';
  }
  const channelWorkload: ChannelReport['workload'] = (
    {
      ready: 'ready',
      suspended: 'suspended',
      progressing: 'not-ready',
      failed: 'not-ready',
      missing: 'unknown',
    } as const
  )[workloadState];
  const enabled = sandbox.spec.channels.map(c => c.type);
  // A workload that is not running says nothing now, whatever its last log said.
  const signals = channelSignals(
    sandbox,
    channelWorkload === 'ready' ? o.agentLog : undefined,
  );
  const channels: ChannelReport[] = CHANNEL_TYPES.map(channel => {
    if (!enabled.includes(channel)) {
      return {
        channel,
        state: 'not-enabled',
        workload: 'unknown',
        connection: 'unknown',
      };
    }
    const signal = signals.get(channel);
    return {
      channel,
      state: channelHasCredentials(channel, sandbox.credentialKeys)
        ? 'configured'
        : 'credentials-missing',
      workload: channelWorkload,
      connection: signal?.connection ?? 'unknown',
      ...(signal ? { connectionSource: signal.source } : {}),
    };
  });
  const findings: Finding[] = [
    ...networkFindings(o, networkPolicies),
    ...sandbox.status.conditions
      .filter(c => c.type === 'Degraded' && c.status === 'True')
      .map(c => ({
        severity: 'error' as const,
        code: c.reason,
        message: c.message,
      })),
    ...channels
      .filter(c => c.connection === 'failing')
      .map(c => ({
        severity: 'warning' as const,
        code: 'ChannelFailing',
        message: `channel ${c.channel} is failing, as ${c.connectionSource} says`,
      })),
    ...channels
      .filter(c => c.state === 'credentials-missing')
      .map(c => ({
        severity: 'warning' as const,
        code: 'ChannelCredentialsMissing',
        message: `channel ${c.channel} is enabled but has no credentials`,
      })),
  ];
  const restarts = o.pods.length
    ? o.pods.reduce(
        (sum, p) =>
          sum +
          (p.status?.containerStatuses ?? []).reduce(
            (s: number, c: any) => s + (c.restartCount ?? 0),
            0,
          ),
        0,
      )
    : null;
  return {
    name: sandbox.name,
    phase: sandbox.status.phase,
    conditions: sandbox.status.conditions,
    layers: isolationLayers(sandbox, o, networkPolicies, usage),
    budget: {
      source: usage.source,
      state: usage.ok ? 'ok' : 'unknown',
      ...(usage.message ? { message: usage.message } : {}),
      windows: budgetWindows(sandbox, usage),
    },
    channels,
    workload: {
      desiredReplicas: desired,
      readyReplicas: d?.status?.readyReplicas ?? 0,
      availableReplicas: available,
      restarts,
      state: workloadState,
    },
    identity: {
      serviceAccount: 'sandbox',
      namespace: sandbox.namespace,
      federatedCredentialSubject: federatedCredentialSubject(sandbox.name),
      ...(o.serviceAccount?.metadata?.annotations?.[
        KARS_ANNOTATIONS.workloadIdentityClientId
      ]
        ? {
            clientId:
              o.serviceAccount.metadata.annotations[
                KARS_ANNOTATIONS.workloadIdentityClientId
              ],
          }
        : {}),
    },
    findings,
    pods: podReports(o.pods, o.nodes),
    simulated,
  };
}
