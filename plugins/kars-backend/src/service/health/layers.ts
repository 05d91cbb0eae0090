import {
  KARS_ANNOTATIONS,
  KARS_LABELS,
  KARS_SYSTEM_NAMESPACE,
  KATA_RUNTIME_CLASS,
  LayerReport,
  Sandbox,
  SECCOMP_INSTALLER_DAEMONSET,
  SECCOMP_STRICT_LOCALHOST_PROFILE,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import {
  differenceLine,
  foreignNetworkPolicies,
  NetworkPolicyComparison,
} from './network';
import { HealthObservation } from './observe';

const layer = (
  l: Omit<LayerReport, 'evidence'> & { evidence?: string[] },
): LayerReport => ({ evidence: [], ...l });

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

function seccompSummary(declared: boolean, installer: boolean, ready: boolean) {
  if (!declared) return 'the pod does not run the kars-strict seccomp profile';
  if (!installer) {
    return `the ${SECCOMP_INSTALLER_DAEMONSET} DaemonSet that installs the profile on nodes is missing`;
  }
  return ready
    ? 'kars-strict is in the pod spec and installed on every sandbox node'
    : 'kars-strict is in the pod spec; its installer is not ready on every node';
}

function kataSummary(declared: boolean, runtimeClass: boolean) {
  if (!runtimeClass) {
    return `RuntimeClass ${KATA_RUNTIME_CLASS} does not exist on this cluster`;
  }
  return declared
    ? 'the pod runs in a Kata VM on the Kata node pool'
    : `the pod does not run with RuntimeClass ${KATA_RUNTIME_CLASS}`;
}

/** The dedicated ServiceAccount, and a pod that runs as it without mounting its token. */
function rbacLayer(
  sandbox: Sandbox,
  o: HealthObservation,
  pod: any,
): LayerReport {
  const ownAccount = pod?.serviceAccountName === 'sandbox';
  const noToken = pod?.automountServiceAccountToken === false;
  let summary =
    'a dedicated ServiceAccount, its token not mounted for the agent';
  if (!o.serviceAccount) summary = 'the dedicated ServiceAccount is missing';
  else if (!ownAccount)
    summary = 'the pod does not run as the dedicated ServiceAccount sandbox';
  else if (!noToken) summary = 'the pod mounts its ServiceAccount token';
  return layer({
    layer: 'rbac',
    required: true,
    state: o.serviceAccount && ownAccount && noToken ? 'verified' : 'missing',
    summary,
    evidence: [
      ...(o.serviceAccount
        ? [`ServiceAccount ${sandbox.namespace}/sandbox`]
        : []),
      ...(pod
        ? [
            `pod serviceAccountName ${pod.serviceAccountName}, automountServiceAccountToken ${pod.automountServiceAccountToken}`,
          ]
        : []),
    ],
  });
}

function budgetSummary(policy: boolean, limited: boolean) {
  if (!policy) return 'the sandbox InferencePolicy is missing';
  return limited
    ? 'budgets set in the sandbox own InferencePolicy, enforced by its router'
    : 'every budget is 0 (unlimited)';
}

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
    rbacLayer(sandbox, o, pod),
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
        summary: seccompSummary(declared, Boolean(o.seccompInstaller), dsReady),
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
        summary: kataSummary(declared, Boolean(o.runtimeClass)),
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
