import {
  KARS_ANNOTATIONS,
  KARS_CONTAINERS,
  KARS_LABELS,
  KARS_PORTS,
  KARS_UIDS,
  KATA_RUNTIME_CLASS,
  NODE_POOLS,
  SANDBOX_TOLERATION,
  SECCOMP_STRICT_LOCALHOST_PROFILE,
  sandboxNamespace,
  sandboxObjectNames,
  GENERATED_TOKEN_KEY,
  IsolationLevel,
} from '@kars-portal/plugin-kars-common';
import { AGENT_CARD_KEYS } from './configMaps';
import { ownedLabels, podSelectorLabels } from './labels';
import { egressGuardScript } from './egressGuard';
import { canonicalCpu, canonicalMemory } from './quantity';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** Where the router reads its egress allowlist (`EGRESS_ALLOWLIST_DIR`, kars's default too). */
const EGRESS_ALLOWLIST_DIR = '/etc/kars/egress';

/** Seccomp per isolation level: kars-strict for enhanced; the Kata VM is the confidential boundary. */
export function seccompProfileFor(isolation: IsolationLevel) {
  return isolation === 'enhanced'
    ? { type: 'Localhost', localhostProfile: SECCOMP_STRICT_LOCALHOST_PROFILE }
    : { type: 'RuntimeDefault' };
}

/** The node pool of an isolation level. */
export function nodePoolFor(isolation: IsolationLevel) {
  return isolation === 'confidential' ? NODE_POOLS.kata : NODE_POOLS.sandbox;
}

/** The agent container's name: `openclaw` for OpenClaw, `agent` for every other runtime. */
export function agentContainerName(runtimeKind: string) {
  return runtimeKind === 'OpenClaw'
    ? KARS_CONTAINERS.openclaw
    : KARS_CONTAINERS.agent;
}

const hardened = (uid: number) => ({
  runAsUser: uid,
  runAsGroup: uid,
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
});

const millis = (cpu: string) =>
  cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Math.round(Number(cpu) * 1000);
const mebibytes = (memory: string) =>
  Number(memory.slice(0, -2)) * (memory.endsWith('Gi') ? 1024 : 1);

/** Requests of the agent container: kars's 500m / 1Gi, never above its limits; canonical. */
export function agentRequests(limits: { cpu: string; memory: string }) {
  return {
    cpu: canonicalCpu(`${Math.min(500, millis(limits.cpu))}m`),
    memory: canonicalMemory(`${Math.min(1024, mebibytes(limits.memory))}Mi`),
  };
}

const env = (vars: Record<string, string | number | undefined>) =>
  Object.entries(vars)
    .filter(([, v]) => v !== undefined)
    .map(([name, value]) => ({ name, value: String(value) }));

/**
 * The sandbox Deployment: one pod (none when suspended) with the egress-guard init container, the
 * agent (UID 1000) and the inference router (UID 1001), hardened, on the isolation level's node pool,
 * with seccomp or the Kata runtime class, the credentials Secret as envFrom, and no service-account
 * token for the agent. The sandbox's restart annotation goes into the pod template: a new value
 * rolls the pod, which then reads the credentials Secret again.
 */
export function renderDeployment(input: RenderInput): KubeObject {
  const { name, spec, cluster } = input;
  const names = sandboxObjectNames(name);
  const isolation = spec.sandbox.isolation;
  const agentName = agentContainerName(spec.runtime.kind);
  const a2a = spec.a2a.enabled;
  const gateway = ['OpenClaw', 'Hermes'].includes(spec.runtime.kind);
  const selector = podSelectorLabels(name);
  const labels = {
    ...ownedLabels(name),
    ...selector,
    [KARS_LABELS.parentNamespace]: cluster.operatorNamespace,
  };

  const agent = {
    name: agentName,
    image:
      cluster.images.agent[spec.runtime.kind] ?? cluster.images.agent.default,
    securityContext: hardened(KARS_UIDS.agent),
    env: env({
      KARS_SANDBOX_NAME: name,
      KARS_MODEL: spec.model,
      OPENCLAW_MODEL: spec.runtime.kind === 'OpenClaw' ? spec.model : undefined,
      KARS_INFERENCE_ENDPOINT: `https://127.0.0.1:${KARS_PORTS.routerInference}`,
    }),
    envFrom: [{ secretRef: { name: names.credentialsSecret, optional: true } }],
    ...(gateway
      ? { ports: [{ name: 'gateway', containerPort: KARS_PORTS.gateway }] }
      : {}),
    resources: {
      requests: agentRequests(spec.resources.limits),
      limits: {
        cpu: canonicalCpu(spec.resources.limits.cpu),
        memory: canonicalMemory(spec.resources.limits.memory),
      },
    },
    volumeMounts: [
      { name: 'sandbox', mountPath: '/sandbox' },
      { name: 'tmp', mountPath: '/tmp' },
      ...(gateway
        ? [
            {
              name: 'gateway-token',
              mountPath: '/etc/kars/gateway',
              readOnly: true,
            },
          ]
        : []),
    ],
  };

  const router = {
    name: KARS_CONTAINERS.router,
    image: cluster.images.router,
    securityContext: hardened(KARS_UIDS.router),
    ports: [
      { name: 'inference', containerPort: KARS_PORTS.routerInference },
      { name: 'proxy', containerPort: KARS_PORTS.routerProxy },
      { name: 'metrics', containerPort: KARS_PORTS.routerMetrics },
    ],
    env: env({
      KARS_SANDBOX_NAME: name,
      INFERENCE_POLICY_NAME: names.inferencePolicy,
      AZURE_OPENAI_DEPLOYMENT: spec.model,
      KARS_MODEL: spec.model,
      TOKEN_BUDGET_PER_REQUEST: spec.tokenBudget.perRequestTokens,
      TOKEN_BUDGET_DAILY: spec.tokenBudget.dailyTokens,
      TOKEN_BUDGET_MONTHLY: spec.tokenBudget.monthlyTokens,
      TOKEN_BUDGET_PERSIST_PATH: '/var/lib/kars/token-budgets.json',
      EGRESS_MODE: 'Strict',
      EGRESS_ALLOWLIST_DIR,
      A2A_CARD_DIR: a2a ? '/etc/kars/a2a-card' : undefined,
      AGT_GOVERNANCE_ENABLED: String(spec.governance.enabled),
      AGT_TRUST_THRESHOLD: spec.governance.enabled
        ? spec.governance.trustThreshold
        : undefined,
    }),
    readinessProbe: {
      httpGet: { path: '/readyz', port: 'inference', scheme: 'HTTPS' },
      periodSeconds: 10,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'inference', scheme: 'HTTPS' },
      periodSeconds: 20,
    },
    resources: {
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    },
    volumeMounts: [
      { name: 'router-state', mountPath: '/var/lib/kars' },
      { name: 'router-tmp', mountPath: '/tmp' },
      {
        name: 'router-admin-token',
        mountPath: '/etc/kars/secrets',
        readOnly: true,
      },
      {
        name: 'egress-allowlist',
        mountPath: EGRESS_ALLOWLIST_DIR,
        readOnly: true,
      },
      ...(a2a
        ? [
            {
              name: 'a2a-card',
              mountPath: '/etc/kars/a2a-card',
              readOnly: true,
            },
          ]
        : []),
    ],
  };

  const egressGuard = {
    name: KARS_CONTAINERS.egressGuard,
    image: cluster.images.egressGuard,
    command: ['/bin/sh', '-c', egressGuardScript(input)],
    securityContext: {
      runAsUser: KARS_UIDS.egressGuard,
      runAsGroup: 0,
      runAsNonRoot: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
    },
    resources: {
      requests: { cpu: '10m', memory: '16Mi' },
      limits: { cpu: '100m', memory: '64Mi' },
    },
  };

  const volumes = [
    { name: 'sandbox', emptyDir: {} },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } },
    { name: 'router-state', emptyDir: {} },
    { name: 'router-tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    {
      name: 'router-admin-token',
      secret: {
        secretName: names.routerAdminTokenSecret,
        items: [{ key: GENERATED_TOKEN_KEY, path: 'admin-token' }],
      },
    },
    ...(gateway
      ? [
          {
            name: 'gateway-token',
            secret: {
              secretName: names.gatewayTokenSecret,
              items: [{ key: GENERATED_TOKEN_KEY, path: 'token' }],
            },
          },
        ]
      : []),
    {
      name: 'egress-allowlist',
      configMap: { name: names.egressAllowlistConfigMap },
    },
    ...(a2a
      ? [
          {
            name: 'a2a-card',
            configMap: {
              name: names.agentCardConfigMap,
              items: AGENT_CARD_KEYS.map(k => ({ key: k, path: k })),
            },
          },
        ]
      : []),
  ];

  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: names.deployment,
      namespace: sandboxNamespace(name),
      labels,
    },
    spec: {
      replicas: spec.suspended ? 0 : 1,
      selector: { matchLabels: selector },
      strategy: { type: 'Recreate' },
      template: {
        metadata: {
          labels: { ...labels, [KARS_LABELS.workloadIdentityUse]: 'true' },
          annotations: {
            [KARS_ANNOTATIONS.workloadIdentitySkipContainers]: [
              KARS_CONTAINERS.egressGuard,
              agentName,
            ].join(';'),
            [KARS_ANNOTATIONS.isolation]: isolation,
            ...(input.restartedAt
              ? { [KARS_ANNOTATIONS.restartedAt]: input.restartedAt }
              : {}),
          },
        },
        spec: {
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          ...(isolation === 'confidential'
            ? { runtimeClassName: KATA_RUNTIME_CLASS }
            : {}),
          nodeSelector: { [KARS_LABELS.pool]: nodePoolFor(isolation) },
          tolerations: [{ ...SANDBOX_TOLERATION }],
          securityContext: {
            runAsNonRoot: true,
            runAsUser: KARS_UIDS.agent,
            runAsGroup: KARS_UIDS.agent,
            fsGroup: KARS_UIDS.agent,
            seccompProfile: seccompProfileFor(isolation),
          },
          initContainers: [egressGuard],
          containers: [agent, router],
          volumes,
        },
      },
    },
  };
}
