import {
  KARS_ANNOTATIONS,
  KARS_CONTAINERS,
  KARS_LABELS,
  KARS_SYSTEM_NAMESPACE,
  KATA_RUNTIME_CLASS,
  LayerReport,
  LayerState,
  Sandbox,
  SECCOMP_INSTALLER_DAEMONSET,
  SECCOMP_STRICT_LOCALHOST_PROFILE,
  TOKENS_METRIC,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import { UsageSnapshot } from '../usage';
import {
  differenceLine,
  foreignNetworkPolicies,
  NetworkPolicyComparison,
} from './network';
import { HealthObservation } from './observe';
import { nodeRuntimeHandlers } from './pods';

const layer = (
  l: Omit<LayerReport, 'evidence'> & { evidence?: string[] },
): LayerReport => ({ evidence: [], ...l });

const NO_RUNNING_POD =
  'no pod of the sandbox is running, so it cannot be observed';

/** The sandbox's pods that run now (not being deleted): what the layers are observed on. Pure. */
export const runningPods = (o: HealthObservation): any[] =>
  o.pods.filter(
    p => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp,
  );

/** The worst of several states: missing, then unknown, then declared, then verified. */
function worst(states: LayerState[]): LayerState {
  for (const s of ['missing', 'unknown', 'declared'] as const) {
    if (states.includes(s)) return s;
  }
  return 'verified';
}

const allContainers = (pod: any) => [
  ...(pod.spec?.initContainers ?? []).map((c: any) => ({ ...c, init: true })),
  ...(pod.spec?.containers ?? []).map((c: any) => ({ ...c, init: false })),
];

/**
 * The security context a container runs with: its own fields over the pod's (runAsUser,
 * runAsNonRoot, seccompProfile are inherited from the pod; the rest are the container's). Pure.
 */
export function effectiveSecurityContext(pod: any, container: any) {
  const p = pod.spec?.securityContext ?? {};
  const c = container.securityContext ?? {};
  return {
    runAsUser: c.runAsUser ?? p.runAsUser,
    runAsNonRoot: c.runAsNonRoot ?? p.runAsNonRoot,
    seccompProfile: c.seccompProfile ?? p.seccompProfile,
    readOnlyRootFilesystem: c.readOnlyRootFilesystem,
    allowPrivilegeEscalation: c.allowPrivilegeEscalation,
    privileged: c.privileged,
    drop: (c.capabilities?.drop ?? []) as string[],
    add: (c.capabilities?.add ?? []) as string[],
  };
}

/** What the egress guard may keep: it runs as root to install its rules. */
const GUARD_CAPABILITIES = ['NET_ADMIN', 'NET_RAW'];

/** What is wrong with one container's effective security context; empty when it holds. Pure. */
function containerSecurityProblems(pod: any, container: any): string[] {
  const sc = effectiveSecurityContext(pod, container);
  const guard =
    container.init && container.name === KARS_CONTAINERS.egressGuard;
  const problems: string[] = [];
  if (!guard && (sc.runAsNonRoot !== true || sc.runAsUser === 0)) {
    problems.push('may run as root');
  }
  if (sc.readOnlyRootFilesystem !== true) problems.push('writable root');
  if (sc.allowPrivilegeEscalation !== false) {
    problems.push('privilege escalation allowed');
  }
  if (sc.privileged) problems.push('privileged');
  if (!sc.drop.includes('ALL')) problems.push('capabilities not dropped');
  const extra = sc.add.filter(a => !(guard && GUARD_CAPABILITIES.includes(a)));
  if (extra.length) problems.push(`adds ${extra.join(', ')}`);
  return problems;
}

function securityLine(pod: any, container: any): string {
  const sc = effectiveSecurityContext(pod, container);
  return `pod ${pod.metadata.name} ${container.init ? 'init ' : ''}container ${
    container.name
  }: runAsNonRoot ${sc.runAsNonRoot} (uid ${
    sc.runAsUser ?? 'image default'
  }), readOnlyRootFilesystem ${sc.readOnlyRootFilesystem}, drop ${
    sc.drop.join(',') || 'none'
  }${
    sc.add.length ? `, add ${sc.add.join(',')}` : ''
  }, allowPrivilegeEscalation ${sc.allowPrivilegeEscalation}`;
}

/** The namespace's PodSecurity labels and each running container's effective security context. */
function podSecurityLayer(
  sandbox: Sandbox,
  o: HealthObservation,
  running: any[],
): LayerReport {
  const labels = o.namespace?.metadata.labels ?? {};
  const psa = `pod-security.kubernetes.io/{enforce=${
    labels[KARS_LABELS.podSecurityEnforce] ?? 'none'
  },audit=${labels[KARS_LABELS.podSecurityAudit] ?? 'none'},warn=${
    labels[KARS_LABELS.podSecurityWarn] ?? 'none'
  }}`;
  const psaOk =
    labels[KARS_LABELS.podSecurityEnforce] === 'privileged' &&
    labels[KARS_LABELS.podSecurityAudit] === 'restricted' &&
    labels[KARS_LABELS.podSecurityWarn] === 'restricted';
  const namespaceLine = `namespace ${sandbox.namespace} labels ${psa}`;
  const checked =
    'checked on the running pod: every container non-root (the egress-guard init container runs as root with only NET_ADMIN and NET_RAW), read-only root filesystem, all capabilities dropped, no privilege escalation; the namespace enforces privileged (the egress guard needs NET_ADMIN), audits and warns restricted';
  if (!psaOk) {
    return layer({
      layer: 'podSecurity',
      required: true,
      state: 'missing',
      summary: 'the namespace does not carry the PodSecurity labels',
      evidence: [namespaceLine],
    });
  }
  if (!running.length) {
    return layer({
      layer: 'podSecurity',
      required: true,
      state: 'unknown',
      summary: NO_RUNNING_POD,
      evidence: [namespaceLine],
    });
  }
  const problems = running.flatMap(pod =>
    allContainers(pod).flatMap(c =>
      containerSecurityProblems(pod, c).map(
        p => `pod ${pod.metadata.name} container ${c.name}: ${p}`,
      ),
    ),
  );
  return layer({
    layer: 'podSecurity',
    required: true,
    state: problems.length ? 'missing' : 'verified',
    summary: problems.length
      ? `a running container's security context does not hold: ${problems.join(
          '; ',
        )}`
      : checked,
    evidence: [
      namespaceLine,
      ...running.flatMap(pod =>
        allContainers(pod).map(c => securityLine(pod, c)),
      ),
    ],
  });
}

const profileName = (profile: any) =>
  profile?.type === 'Localhost'
    ? `Localhost ${profile.localhostProfile}`
    : profile?.type ?? 'none (Unconfined)';

/** The seccomp profile every running container has, and the installer of kars-strict. */
function seccompLayer(o: HealthObservation, running: any[], isolation: string) {
  const enhanced = isolation === 'enhanced';
  const wanted = enhanced
    ? `Localhost ${SECCOMP_STRICT_LOCALHOST_PROFILE}`
    : 'RuntimeDefault';
  const ds = o.seccompInstaller?.status;
  const dsReady =
    !!ds &&
    ds.desiredNumberScheduled > 0 &&
    ds.numberReady === ds.desiredNumberScheduled;
  const installerLine = o.seccompInstaller
    ? [
        `DaemonSet ${KARS_SYSTEM_NAMESPACE}/${SECCOMP_INSTALLER_DAEMONSET}: ${
          ds?.numberReady ?? 0
        }/${ds?.desiredNumberScheduled ?? 0} ready`,
      ]
    : [];
  if (!running.length) {
    return layer({
      layer: 'seccomp',
      required: enhanced,
      state: 'unknown',
      summary: NO_RUNNING_POD,
      evidence: installerLine,
    });
  }
  const lines = running.flatMap(pod =>
    allContainers(pod).map(c => ({
      ok:
        profileName(effectiveSecurityContext(pod, c).seccompProfile) === wanted,
      line: `pod ${pod.metadata.name} container ${
        c.name
      }: seccomp ${profileName(
        effectiveSecurityContext(pod, c).seccompProfile,
      )}`,
    })),
  );
  const evidence = [...lines.map(l => l.line), ...installerLine];
  if (lines.some(l => !l.ok)) {
    return layer({
      layer: 'seccomp',
      required: enhanced,
      state: 'missing',
      summary: `a running container does not run with seccomp ${wanted}`,
      evidence,
    });
  }
  if (!enhanced) {
    return layer({
      layer: 'seccomp',
      required: false,
      state: 'verified',
      summary: `every running container has seccomp RuntimeDefault (kars-strict is for enhanced isolation; this is ${isolation})`,
      evidence,
    });
  }
  let state: LayerState = 'verified';
  let summary =
    'every running container has seccomp kars-strict, and its installer is ready on every sandbox node';
  if (!o.seccompInstaller) {
    state = 'missing';
    summary = `the ${SECCOMP_INSTALLER_DAEMONSET} DaemonSet that installs kars-strict on nodes is missing`;
  } else if (!dsReady) {
    state = 'declared';
    summary =
      'every running container names kars-strict; its installer is not ready on every node, so the profile is not shown installed';
  }
  return layer({ layer: 'seccomp', required: true, state, summary, evidence });
}

/** The running pods' runtime class, and whether their nodes offer its handler. */
function kataLayer(
  o: HealthObservation,
  running: any[],
  isolation: string,
): LayerReport {
  if (isolation !== 'confidential') {
    return layer({
      layer: 'kata',
      required: false,
      state: 'missing',
      summary: `not used at ${isolation} isolation`,
    });
  }
  const handler: string | undefined = o.runtimeClass?.handler;
  const classLine = o.runtimeClass
    ? [`RuntimeClass ${KATA_RUNTIME_CLASS} handler ${handler}`]
    : [];
  if (!o.runtimeClass) {
    return layer({
      layer: 'kata',
      required: true,
      state: 'missing',
      summary: `RuntimeClass ${KATA_RUNTIME_CLASS} does not exist on this cluster`,
    });
  }
  if (!running.length) {
    return layer({
      layer: 'kata',
      required: true,
      state: 'unknown',
      summary: NO_RUNNING_POD,
      evidence: classLine,
    });
  }
  const judged = running.map(pod => {
    const name = pod.metadata.name;
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? o.nodes.get(nodeName) : undefined;
    if (pod.spec?.runtimeClassName !== KATA_RUNTIME_CLASS) {
      return {
        state: 'missing' as const,
        line: `pod ${name} runtimeClassName ${
          pod.spec?.runtimeClassName ?? 'none'
        }, not ${KATA_RUNTIME_CLASS}`,
      };
    }
    if (!node) {
      return {
        state: 'unknown' as const,
        line: `pod ${name} runtimeClassName ${KATA_RUNTIME_CLASS} on node ${nodeName}, which could not be read`,
      };
    }
    const handlers = nodeRuntimeHandlers(node);
    const where = `node ${nodeName} (pool ${
      node.metadata?.labels?.[KARS_LABELS.pool] ?? 'none'
    }), which offers runtime handlers ${handlers.join(', ') || 'none'}`;
    return {
      state: handlers.includes(handler!)
        ? ('verified' as const)
        : ('missing' as const),
      line: `pod ${name} runtimeClassName ${KATA_RUNTIME_CLASS} runs on ${where}`,
    };
  });
  const state = worst(judged.map(j => j.state));
  let summary = `the running pod has RuntimeClass ${KATA_RUNTIME_CLASS} on a node whose container runtime offers its handler ${handler}`;
  if (state === 'missing') {
    summary = `a running pod does not run with RuntimeClass ${KATA_RUNTIME_CLASS} on a node that offers its handler ${handler}`;
  } else if (state === 'unknown') {
    summary =
      'the node of a running pod could not be read, so its runtime handlers are not known';
  }
  return layer({
    layer: 'kata',
    required: true,
    state,
    summary,
    evidence: [...judged.map(j => j.line), ...classLine],
  });
}

/** The egress-guard init container of the running pods, by its exit. */
function egressLayer(running: any[]): LayerReport {
  if (!running.length) {
    return layer({
      layer: 'perContainerEgress',
      required: true,
      state: 'unknown',
      summary: NO_RUNNING_POD,
    });
  }
  const judged = running.map(pod => {
    const name = pod.metadata.name;
    const declared = (pod.spec?.initContainers ?? []).some(
      (c: any) => c.name === KARS_CONTAINERS.egressGuard,
    );
    const status = (pod.status?.initContainerStatuses ?? []).find(
      (s: any) => s.name === KARS_CONTAINERS.egressGuard,
    );
    const exit = status?.state?.terminated?.exitCode;
    if (!declared) {
      return {
        state: 'missing' as const,
        line: `pod ${name} has no egress-guard init container`,
      };
    }
    if (exit === 0) {
      return {
        state: 'verified' as const,
        line: `pod ${name}: init container egress-guard terminated with exit code 0`,
      };
    }
    return {
      state: exit === undefined ? ('unknown' as const) : ('missing' as const),
      line:
        exit === undefined
          ? `pod ${name}: init container egress-guard has not reported terminating`
          : `pod ${name}: init container egress-guard exited ${exit}`,
    };
  });
  const state = worst(judged.map(j => j.state));
  return layer({
    layer: 'perContainerEgress',
    required: true,
    state,
    summary:
      state === 'verified'
        ? 'the egress-guard init container ran to exit 0 in the running pod, so its rules (agent UID 1000 reaches only loopback, the cluster resolver, the router and its allowlisted IPs) were installed'
        : 'the running pod does not show the egress-guard init container completing',
    evidence: judged.map(j => j.line),
  });
}

/** The dedicated ServiceAccount, and running pods that run as it without mounting its token. */
function rbacLayer(
  sandbox: Sandbox,
  o: HealthObservation,
  running: any[],
): LayerReport {
  const accountLine = o.serviceAccount
    ? [`ServiceAccount ${sandbox.namespace}/sandbox`]
    : [];
  if (!o.serviceAccount || !running.length) {
    return layer({
      layer: 'rbac',
      required: true,
      state: o.serviceAccount ? 'unknown' : 'missing',
      summary: o.serviceAccount
        ? NO_RUNNING_POD
        : 'the dedicated ServiceAccount is missing',
      evidence: accountLine,
    });
  }
  const tokenMounted = (pod: any) =>
    (pod.spec?.volumes ?? []).some((v: any) =>
      (v.projected?.sources ?? []).some((s: any) => s.serviceAccountToken),
    );
  const wrongAccount = running.filter(
    p => p.spec?.serviceAccountName !== 'sandbox',
  );
  const mounting = running.filter(
    p => p.spec?.automountServiceAccountToken !== false || tokenMounted(p),
  );
  let summary =
    'the running pod runs as the dedicated ServiceAccount sandbox without its token mounted';
  if (wrongAccount.length) {
    summary =
      'a running pod does not run as the dedicated ServiceAccount sandbox';
  } else if (mounting.length) {
    summary = 'a running pod mounts its ServiceAccount token';
  }
  return layer({
    layer: 'rbac',
    required: true,
    state: wrongAccount.length || mounting.length ? 'missing' : 'verified',
    summary,
    evidence: [
      ...accountLine,
      ...running.map(
        p =>
          `pod ${p.metadata.name} serviceAccountName ${
            p.spec?.serviceAccountName
          }, automountServiceAccountToken ${
            p.spec?.automountServiceAccountToken
          }, token volume ${tokenMounted(p) ? 'mounted' : 'none'}`,
      ),
    ],
  });
}

/** CPU and memory limits on every container of the running pods. */
function resourceLayer(running: any[]): LayerReport {
  if (!running.length) {
    return layer({
      layer: 'resourceLimits',
      required: true,
      state: 'unknown',
      summary: NO_RUNNING_POD,
    });
  }
  const containers = running.flatMap(p =>
    (p.spec?.containers ?? []).map((c: any) => ({ pod: p.metadata.name, c })),
  );
  return layer({
    layer: 'resourceLimits',
    required: true,
    state:
      containers.length &&
      containers.every(
        ({ c }) => c.resources?.limits?.cpu && c.resources?.limits?.memory,
      )
        ? 'verified'
        : 'missing',
    summary: 'CPU and memory limits on every container of the running pod',
    evidence: containers.map(
      ({ pod, c }) =>
        `pod ${pod} container ${c.name}: cpu ${
          c.resources?.limits?.cpu ?? 'none'
        }, memory ${c.resources?.limits?.memory ?? 'none'}`,
    ),
  });
}

const WINDOW_KEYS = [
  ['dailyTokens', 'today', 'daily'],
  ['monthlyTokens', 'month', 'monthly'],
] as const;

/**
 * The token budgets from what the routers report (kars_tokens_total, through the usage source)
 * against the limits of the sandbox's InferencePolicy on the cluster: verified when the router
 * reports this sandbox's use and it is within every limit.
 */
function budgetLayer(
  sandbox: Sandbox,
  o: HealthObservation,
  usage: UsageSnapshot,
): LayerReport {
  const policy = o.inferencePolicy;
  const budget: Record<string, unknown> = policy?.spec?.tokenBudget ?? {};
  const limits = Object.entries(budget).filter(([, v]) => Number(v) > 0);
  const policyLine = policy
    ? [
        `InferencePolicy ${sandbox.namespace}/${policy.metadata.name}: ${
          limits.map(([k, v]) => `${k}=${v}`).join(', ') || 'unlimited'
        }`,
      ]
    : [];
  const base = { layer: 'tokenBudgets' as const, required: true };
  if (!policy) {
    return layer({
      ...base,
      state: 'missing',
      summary: 'the sandbox InferencePolicy is missing',
    });
  }
  if (!limits.length) {
    return layer({
      ...base,
      state: 'missing',
      summary: 'every budget is 0 (unlimited)',
      evidence: policyLine,
    });
  }
  if (!usage.ok) {
    return layer({
      ...base,
      state: 'unknown',
      summary: `what the router counts (${TOKENS_METRIC}) could not be read: ${
        usage.message ?? 'no usage source'
      }`,
      evidence: policyLine,
    });
  }
  if (!usage.month.has(sandbox.name)) {
    return layer({
      ...base,
      state: 'unknown',
      summary: `the usage source has no ${TOKENS_METRIC} from this sandbox's router`,
      evidence: policyLine,
    });
  }
  const windows = WINDOW_KEYS.filter(([key]) => Number(budget[key]) > 0).map(
    ([key, period, label]) => {
      const used = usage[period].get(sandbox.name) ?? 0;
      const limit = Number(budget[key]);
      return { label, used, limit, over: used > limit };
    },
  );
  const over = windows.filter(w => w.over);
  return layer({
    ...base,
    state: over.length ? 'missing' : 'verified',
    summary: over.length
      ? `the router reports more tokens than the ${over
          .map(w => w.label)
          .join(' and ')} limit: the budget is not enforced`
      : `the router reports this sandbox's token use (${TOKENS_METRIC}) within the limits of its InferencePolicy`,
    evidence: [
      ...policyLine,
      ...windows.map(
        w =>
          `${TOKENS_METRIC} from ${usage.source}: ${w.used} tokens ${w.label}, limit ${w.limit}`,
      ),
    ],
  });
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

/**
 * Each enforcement layer of the seed's table, judged from what the cluster shows of the running
 * pods, their nodes and the live objects, and from what the routers report: verified only from an
 * observation that proves it, unknown when none can be made. Pure.
 */
export function isolationLayers(
  sandbox: Sandbox,
  o: HealthObservation,
  networkPolicies: NetworkPolicyComparison[],
  usage: UsageSnapshot,
): LayerReport[] {
  const isolation = sandbox.spec.sandbox.isolation;
  const running = runningPods(o);
  const clientId =
    o.serviceAccount?.metadata?.annotations?.[
      KARS_ANNOTATIONS.workloadIdentityClientId
    ];
  return [
    podSecurityLayer(sandbox, o, running),
    networkLayer(networkPolicies, foreignNetworkPolicies(o, networkPolicies)),
    egressLayer(running),
    rbacLayer(sandbox, o, running),
    seccompLayer(o, running, isolation),
    kataLayer(o, running, isolation),
    resourceLayer(running),
    budgetLayer(sandbox, o, usage),
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
