import {
  BudgetWindowUse,
  CHANNEL_TYPES,
  channelHasCredentials,
  ChannelReport,
  federatedCredentialSubject,
  Finding,
  KARS_ANNOTATIONS,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  KARS_SYSTEM_NAMESPACE,
  KATA_RUNTIME_CLASS,
  LayerReport,
  Sandbox,
  SandboxHealth,
  sandboxObjectNames,
  SECCOMP_INSTALLER_DAEMONSET,
  SECCOMP_STRICT_LOCALHOST_PROFILE,
} from '@kars-portal/plugin-kars-common';
import {
  describeDifference,
  SubsetDifference,
  subsetDifferences,
} from '../render/deepSubset';
import { renderSandbox } from '../render/renderSandbox';
import { ClusterSettings } from '../render/types';
import { UsageSnapshot } from './usage';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';

/** What the health report reads from the cluster. */
export interface HealthObservation {
  namespace?: KubeObject;
  networkPolicies: KubeObject[];
  deployment?: any;
  serviceAccount?: any;
  inferencePolicy?: any;
  runtimeClass?: any;
  seccompInstaller?: any;
  pods: any[];
}

/** Reads what the health report needs; Secrets are never read. */
export async function observeHealth(
  gateway: KubeGateway,
  sandbox: Sandbox,
  operatorNamespace = KARS_SYSTEM_NAMESPACE,
): Promise<HealthObservation> {
  const names = sandboxObjectNames(sandbox.name);
  const ns = sandbox.namespace;
  const [
    namespace,
    networkPolicies,
    deployment,
    serviceAccount,
    inferencePolicy,
    runtimeClass,
    seccompInstaller,
    pods,
  ] = await Promise.all([
    gateway.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }),
    gateway
      .list('networking.k8s.io/v1', 'NetworkPolicy', { namespace: ns })
      .then(l => l.items),
    gateway.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: names.deployment,
      namespace: ns,
    }),
    gateway.get({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: names.serviceAccount,
      namespace: ns,
    }),
    gateway.get({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'InferencePolicy',
      name: names.inferencePolicy,
      namespace: ns,
    }),
    gateway
      .get({
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        name: KATA_RUNTIME_CLASS,
      })
      .catch(() => undefined),
    gateway
      .get({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        name: SECCOMP_INSTALLER_DAEMONSET,
        namespace: operatorNamespace,
      })
      .catch(() => undefined),
    gateway
      .list('v1', 'Pod', {
        namespace: ns,
        labelSelector: `${KARS_LABELS.sandbox}=${sandbox.name}`,
      })
      .then(l => l.items)
      .catch(() => []),
  ]);
  return {
    namespace,
    networkPolicies,
    deployment,
    serviceAccount,
    inferencePolicy,
    runtimeClass,
    seccompInstaller,
    pods,
  };
}

function egressGuardState(
  present: boolean,
  ran: boolean,
): Pick<LayerReport, 'state' | 'summary'> {
  if (!present) {
    return {
      state: 'missing',
      summary: 'the pod has no egress-guard init container',
    };
  }
  return ran
    ? {
        state: 'verified',
        summary: 'the egress-guard init container ran and installed its rules',
      }
    : {
        state: 'declared',
        summary:
          'the egress-guard init container is in the pod spec; no pod has reported running it',
      };
}

function seccompSummary(installer: boolean, ready: boolean) {
  if (!installer) {
    return `the ${SECCOMP_INSTALLER_DAEMONSET} DaemonSet that installs the profile on nodes is missing`;
  }
  return ready
    ? 'kars-strict is in the pod spec and installed on every sandbox node'
    : 'kars-strict is in the pod spec; its installer is not ready on every node';
}

function budgetSummary(policy: boolean, limited: boolean) {
  if (!policy) return 'the sandbox InferencePolicy is missing';
  return limited
    ? 'budgets set in the sandbox own InferencePolicy, enforced by its router'
    : 'every budget is 0 (unlimited)';
}

const layer = (
  l: Omit<LayerReport, 'evidence'> & { evidence?: string[] },
): LayerReport => ({ evidence: [], ...l });

/** The desired-hash annotation is the reconciler's bookkeeping, not policy: it is not compared. */
function withoutDesiredHash(object: KubeObject): KubeObject {
  const { [KARS_ANNOTATIONS.desiredHash]: _hash, ...annotations } =
    object.metadata.annotations ?? {};
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: Object.keys(annotations).length ? annotations : undefined,
    },
  };
}

/** The NetworkPolicies the backend renders for a sandbox, as the reconciler applies them. Pure. */
export function renderedNetworkPolicies(
  sandbox: Sandbox,
  settings: ClusterSettings,
): KubeObject[] {
  return renderSandbox({
    name: sandbox.name,
    spec: sandbox.spec,
    cluster: settings,
    sandboxUid: sandbox.uid,
  })
    .objects.filter(o => o.kind === 'NetworkPolicy')
    .map(withoutDesiredHash);
}

/** How one rendered NetworkPolicy stands on the cluster. */
export interface NetworkPolicyComparison {
  name: string;
  namespace: string;
  /** The live object, undefined when it does not exist. */
  live?: KubeObject;
  /** Where the live object does not contain the rendered one; empty when it does. */
  differences: SubsetDifference[];
}

/** Compares each rendered NetworkPolicy with the live one of the same name (deep subset). Pure. */
export function compareNetworkPolicies(
  live: KubeObject[],
  rendered: KubeObject[],
): NetworkPolicyComparison[] {
  return rendered.map(desired => {
    const found = live.find(p => p.metadata.name === desired.metadata.name);
    return {
      name: desired.metadata.name,
      namespace: desired.metadata.namespace ?? '',
      live: found,
      differences: found ? subsetDifferences(desired, found) : [],
    };
  });
}

const differenceLine = (name: string, d: SubsetDifference) =>
  `${name}: ${describeDifference(d)}${
    d.problem === 'missing' ? ' on the live object' : ''
  }`;

function networkLayer(
  comparisons: NetworkPolicyComparison[],
  foreign: KubeObject[],
): LayerReport {
  const absent = comparisons.filter(c => !c.live);
  const differing = comparisons.filter(c => c.live && c.differences.length);
  if (absent.length) {
    return layer({
      layer: 'network',
      required: true,
      state: 'missing',
      summary: `NetworkPolicy ${absent.map(c => c.name).join(', ')} is missing`,
    });
  }
  if (differing.length || !comparisons.length) {
    return layer({
      layer: 'network',
      required: true,
      state: 'missing',
      summary: comparisons.length
        ? `the live NetworkPolicy ${differing
            .map(c => c.name)
            .join(', ')} does not hold every rendered rule`
        : 'no NetworkPolicy is rendered for this sandbox',
      evidence: differing.flatMap(c =>
        c.differences.map(d => differenceLine(c.name, d)),
      ),
    });
  }
  if (foreign.length) {
    return layer({
      layer: 'network',
      required: true,
      state: 'missing',
      summary: `NetworkPolicy ${foreign
        .map(p => p.metadata.name)
        .join(
          ', ',
        )} in the namespace was not made by kars portal; policies add up, so the sandbox's rules may be widened`,
      evidence: foreign.map(
        p =>
          `NetworkPolicy ${p.metadata.namespace}/${p.metadata.name} is not one kars portal renders for this sandbox`,
      ),
    });
  }
  return layer({
    layer: 'network',
    required: true,
    state: 'verified',
    summary:
      'the live NetworkPolicies hold every rendered rule (default deny, then only the allowed ingress and egress); whether the CNI enforces them is not visible through the API',
    evidence: comparisons.map(c => {
      const spec = (c.live as { spec?: Record<string, unknown[]> }).spec ?? {};
      return `NetworkPolicy ${c.namespace}/${
        c.name
      } read from the cluster contains the rendered one: ${
        spec.ingress?.length ?? 0
      } ingress and ${spec.egress?.length ?? 0} egress rules`;
    }),
  });
}

/** Each enforcement layer of the seed's table, never claiming more than the API shows. Pure. */
export function isolationLayers(
  sandbox: Sandbox,
  o: HealthObservation,
  networkPolicies: NetworkPolicyComparison[],
): LayerReport[] {
  const isolation = sandbox.spec.sandbox.isolation;
  const pod = o.deployment?.spec?.template?.spec;
  const labels = o.namespace?.metadata.labels ?? {};
  const guard = pod?.initContainers?.find(
    (c: any) => c.name === 'egress-guard',
  );
  const guardRan = o.pods.some(p =>
    (p.status?.initContainerStatuses ?? []).some(
      (s: any) =>
        s.name === 'egress-guard' && s.state?.terminated?.exitCode === 0,
    ),
  );
  const containers: any[] = pod?.containers ?? [];
  const ds = o.seccompInstaller?.status;
  const dsReady =
    !!ds &&
    ds.desiredNumberScheduled > 0 &&
    ds.numberReady === ds.desiredNumberScheduled;
  const budget = o.inferencePolicy?.spec?.tokenBudget ?? {};
  const limits = Object.entries(budget).filter(([, v]) => Number(v) > 0);
  const clientId =
    o.serviceAccount?.metadata?.annotations?.[
      KARS_ANNOTATIONS.workloadIdentityClientId
    ];

  const psaOk =
    labels[KARS_LABELS.podSecurityEnforce] === 'privileged' &&
    labels[KARS_LABELS.podSecurityAudit] === 'restricted' &&
    labels[KARS_LABELS.podSecurityWarn] === 'restricted';

  return [
    layer({
      layer: 'podSecurity',
      required: true,
      state: psaOk ? 'verified' : 'missing',
      summary: psaOk
        ? 'enforce privileged (the egress-guard needs NET_ADMIN), audit and warn restricted'
        : 'the namespace does not carry the PodSecurity labels',
      evidence: psaOk
        ? [
            `namespace ${sandbox.namespace} labels pod-security.kubernetes.io/{enforce=privileged,audit=restricted,warn=restricted}`,
          ]
        : [],
    }),
    networkLayer(networkPolicies, foreignNetworkPolicies(o, networkPolicies)),
    layer({
      layer: 'perContainerEgress',
      required: true,
      ...egressGuardState(Boolean(guard), guardRan),
      evidence: [
        ...(guard
          ? [
              'init container egress-guard with NET_ADMIN and NET_RAW: agent UID 1000 reaches only loopback, the cluster resolver, the router and its allowlisted IPs',
            ]
          : []),
        ...(guardRan
          ? ['a sandbox pod reports egress-guard terminated with exit code 0']
          : []),
      ],
    }),
    layer({
      layer: 'rbac',
      required: true,
      state:
        o.serviceAccount &&
        pod?.serviceAccountName === 'sandbox' &&
        pod?.automountServiceAccountToken === false
          ? 'verified'
          : 'missing',
      summary: o.serviceAccount
        ? 'a dedicated ServiceAccount, its token not mounted for the agent'
        : 'the dedicated ServiceAccount is missing',
      evidence: o.serviceAccount
        ? [
            `ServiceAccount ${sandbox.namespace}/sandbox; pod automountServiceAccountToken false`,
          ]
        : [],
    }),
    (() => {
      if (isolation !== 'enhanced') {
        return layer({
          layer: 'seccomp',
          required: false,
          state:
            pod?.securityContext?.seccompProfile?.type === 'RuntimeDefault'
              ? 'declared'
              : 'missing',
          summary: `RuntimeDefault at ${isolation} isolation`,
          evidence: pod
            ? [
                `pod seccompProfile ${pod.securityContext?.seccompProfile?.type}`,
              ]
            : [],
        });
      }
      const declared =
        pod?.securityContext?.seccompProfile?.localhostProfile ===
        SECCOMP_STRICT_LOCALHOST_PROFILE;
      let state: LayerReport['state'] = 'missing';
      if (declared) state = dsReady ? 'verified' : 'declared';
      if (declared && !o.seccompInstaller) state = 'missing';
      return layer({
        layer: 'seccomp',
        required: true,
        state,
        summary: seccompSummary(Boolean(o.seccompInstaller), dsReady),
        evidence: [
          ...(declared
            ? [
                `pod seccompProfile Localhost ${SECCOMP_STRICT_LOCALHOST_PROFILE}`,
              ]
            : []),
          ...(o.seccompInstaller
            ? [
                `DaemonSet ${KARS_SYSTEM_NAMESPACE}/${SECCOMP_INSTALLER_DAEMONSET}: ${
                  ds?.numberReady ?? 0
                }/${ds?.desiredNumberScheduled ?? 0} ready`,
              ]
            : []),
        ],
      });
    })(),
    (() => {
      if (isolation !== 'confidential') {
        return layer({
          layer: 'kata',
          required: false,
          state: 'missing',
          summary: `not used at ${isolation} isolation`,
        });
      }
      const declared = pod?.runtimeClassName === KATA_RUNTIME_CLASS;
      return layer({
        layer: 'kata',
        required: true,
        state: !declared || !o.runtimeClass ? 'missing' : 'verified',
        summary: !o.runtimeClass
          ? `RuntimeClass ${KATA_RUNTIME_CLASS} does not exist on this cluster`
          : 'the pod runs in a Kata VM on the Kata node pool',
        evidence: [
          ...(declared ? [`pod runtimeClassName ${KATA_RUNTIME_CLASS}`] : []),
          ...(o.runtimeClass
            ? [
                `RuntimeClass ${KATA_RUNTIME_CLASS} handler ${o.runtimeClass.handler}`,
              ]
            : []),
        ],
      });
    })(),
    layer({
      layer: 'resourceLimits',
      required: true,
      state:
        containers.length &&
        containers.every(
          c => c.resources?.limits?.cpu && c.resources?.limits?.memory,
        )
          ? 'verified'
          : 'missing',
      summary: 'CPU and memory limits on every container',
      evidence: containers.map(
        c =>
          `${c.name}: cpu ${c.resources?.limits?.cpu ?? 'none'}, memory ${
            c.resources?.limits?.memory ?? 'none'
          }`,
      ),
    }),
    layer({
      layer: 'tokenBudgets',
      required: true,
      state: o.inferencePolicy && limits.length ? 'verified' : 'missing',
      summary: budgetSummary(Boolean(o.inferencePolicy), limits.length > 0),
      evidence: o.inferencePolicy
        ? [
            `InferencePolicy ${sandbox.namespace}/${
              o.inferencePolicy.metadata.name
            }: ${
              limits.map(([k, v]) => `${k}=${v}`).join(', ') || 'unlimited'
            }`,
          ]
        : [],
    }),
    layer({
      layer: 'identity',
      required: true,
      state: clientId ? 'declared' : 'missing',
      summary: clientId
        ? 'workload identity client id set; the federated credential lives in Azure and is not visible here'
        : 'no workload identity client id',
      evidence: clientId
        ? [
            `ServiceAccount annotation azure.workload.identity/client-id=${clientId}`,
          ]
        : [],
    }),
  ];
}

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

/** The NetworkPolicies in the sandbox's namespace that kars portal does not render for it. Pure. */
function foreignNetworkPolicies(
  o: HealthObservation,
  comparisons: NetworkPolicyComparison[],
) {
  const rendered = new Set(comparisons.map(c => c.name));
  return o.networkPolicies.filter(
    p =>
      p.metadata.labels?.[KARS_LABELS.managedBy] !==
        KARS_LABEL_VALUES.managedBy || !rendered.has(p.metadata.name),
  );
}

/**
 * NetworkPolicies in the sandbox's namespace that the backend did not make (policies add up, so one
 * may widen), and rendered ones that are absent or whose live rules differ. Pure.
 */
function networkFindings(
  o: HealthObservation,
  comparisons: NetworkPolicyComparison[],
): Finding[] {
  const foreign = foreignNetworkPolicies(o, comparisons);
  return [
    ...foreign.map(p => ({
      severity: 'warning' as const,
      code: 'ForeignNetworkPolicy',
      message: `NetworkPolicy ${p.metadata.name} was not made by kars portal; policies add up, so it may widen what the sandbox can reach`,
      object: `NetworkPolicy/${p.metadata.namespace}/${p.metadata.name}`,
    })),
    ...comparisons
      .filter(c => !c.live || c.differences.length)
      .map(c => ({
        severity: 'error' as const,
        code: c.live ? 'NetworkPolicyDiffers' : 'NetworkPolicyMissing',
        message: c.live
          ? `the live NetworkPolicy ${
              c.name
            } does not hold every rendered rule: ${c.differences
              .map(d => differenceLine(c.name, d))
              .join('; ')}`
          : `NetworkPolicy ${c.name} is rendered for this sandbox and missing on the cluster`,
        object: `NetworkPolicy/${c.namespace}/${c.name}`,
      })),
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
  const channels: ChannelReport[] = CHANNEL_TYPES.map(channel => {
    if (!enabled.includes(channel)) {
      return {
        channel,
        state: 'not-enabled',
        workload: 'unknown',
        connection: 'unknown',
      };
    }
    return {
      channel,
      state: channelHasCredentials(channel, sandbox.credentialKeys)
        ? 'configured'
        : 'credentials-missing',
      workload: channelWorkload,
      connection: 'unknown',
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
    layers: isolationLayers(sandbox, o, networkPolicies),
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
    simulated,
  };
}
