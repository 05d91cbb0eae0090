/**
 * Names, labels, annotations, ports and UIDs of the kars domain, in one place.
 * Sources: kars-domain.md (Azure/kars) and kars-multi-tenancy.txt.
 */

/** API group and version of the kars custom resources. @public */
export const KARS_API_GROUP = 'kars.azure.com';
/** @public */
export const KARS_API_VERSION = 'v1alpha1';
/** @public */
export const KARS_API_GROUP_VERSION = `${KARS_API_GROUP}/${KARS_API_VERSION}`;

/** Kinds and plural resource names of the custom resources the suite uses. @public */
export const KARS_SANDBOX_KIND = 'KarsSandbox';
/** @public */
export const KARS_SANDBOX_PLURAL = 'karssandboxes';
/** @public */
export const KARS_SANDBOX_SINGULAR = 'karssandbox';
/** @public */
export const INFERENCE_POLICY_KIND = 'InferencePolicy';
/** @public */
export const INFERENCE_POLICY_PLURAL = 'inferencepolicies';
/** @public */
export const INFERENCE_POLICY_SINGULAR = 'inferencepolicy';

/** The namespace that holds the KarsSandbox objects and the operator. @public */
export const KARS_SYSTEM_NAMESPACE = 'kars-system';

/** The prefix of every tenant namespace: `kars-<name>`. @public */
export const SANDBOX_NAMESPACE_PREFIX = 'kars-';

/** Labels. @public */
export const KARS_LABELS = {
  sandbox: 'kars.azure.com/sandbox',
  role: 'kars.azure.com/role',
  component: 'kars.azure.com/component',
  isolated: 'kars.azure.com/isolated',
  parentNamespace: 'kars.azure.com/parent-namespace',
  devOnly: 'kars.azure.com/dev-only',
  production: 'kars.azure.com/production',
  pool: 'kars.azure.com/pool',
  appName: 'app.kubernetes.io/name',
  appComponent: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  workloadIdentityUse: 'azure.workload.identity/use',
  podSecurityEnforce: 'pod-security.kubernetes.io/enforce',
  podSecurityAudit: 'pod-security.kubernetes.io/audit',
  podSecurityWarn: 'pod-security.kubernetes.io/warn',
} as const;

/** Label values. @public */
export const KARS_LABEL_VALUES = {
  roleSandbox: 'sandbox',
  componentSandbox: 'sandbox',
  componentSystem: 'system',
  isolatedStrict: 'strict',
  appName: 'kars',
  managedBy: 'kars-portal',
} as const;

/** Annotations. @public */
export const KARS_ANNOTATIONS = {
  namespaceClaimVersion: 'kars.azure.com/namespace-claim-version',
  sandboxNamespace: 'kars.azure.com/sandbox-namespace',
  sandboxName: 'kars.azure.com/sandbox-name',
  sandboxUid: 'kars.azure.com/sandbox-uid',
  namespaceUid: 'kars.azure.com/namespace-uid',
  desiredHash: 'kars.azure.com/desired-hash',
  /**
   * On a KarsSandbox: when its workload was last asked to restart (new credentials). The renderer
   * copies it into the pod template, so a new value rolls the Deployment.
   */
  restartedAt: 'kars.azure.com/restarted-at',
  egressAllowlistDigest: 'kars.azure.com/egress-allowlist-digest',
  cluster: 'kars.azure.com/cluster',
  isolation: 'kars.azure.com/isolation',
  model: 'kars.azure.com/model',
  workloadIdentityClientId: 'azure.workload.identity/client-id',
  workloadIdentitySkipContainers: 'azure.workload.identity/skip-containers',
} as const;

/** The claim version written on namespaces the suite creates. @public */
export const NAMESPACE_CLAIM_VERSION = 'v1';

/** Finalizer on KarsSandbox objects; the namespace goes before it is removed. @public */
export const KARS_FINALIZER = 'kars.azure.com/namespace-cleanup';

/** Ports. @public */
export const KARS_PORTS = {
  routerInference: 8443,
  routerProxy: 8444,
  routerMetrics: 9090,
  gateway: 18789,
  gatewayWebSocket: 18791,
  dns: 53,
  imds: 80,
  http: 80,
  https: 443,
} as const;

/** Container user IDs. @public */
export const KARS_UIDS = {
  agent: 1000,
  router: 1001,
  egressGuard: 0,
} as const;

/** Addresses. @public */
export const IMDS_ADDRESS = '169.254.169.254';
/** RFC 1918 private ranges, excluded from the router's public egress. @public */
export const PRIVATE_IPV4_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
] as const;

/** Container names in the sandbox pod. @public */
export const KARS_CONTAINERS = {
  egressGuard: 'egress-guard',
  agent: 'agent',
  openclaw: 'openclaw',
  router: 'inference-router',
} as const;

/** Runtime class of the confidential level, and the seccomp profile of the enhanced level. @public */
export const KATA_RUNTIME_CLASS = 'kata-vm-isolation';
/** @public */
export const SECCOMP_STRICT_PROFILE_NAME = 'kars-strict';
/** @public */
export const SECCOMP_STRICT_LOCALHOST_PROFILE = 'profiles/kars-strict.json';
/** The DaemonSet (in kars-system) that installs the seccomp profile on nodes. @public */
export const SECCOMP_INSTALLER_DAEMONSET = 'kars-seccomp-installer';

/** Node pools, by the `kars.azure.com/pool` label value. @public */
export const NODE_POOLS = {
  sandbox: 'sandbox',
  kata: 'sandbox-kata',
} as const;

/** The toleration every sandbox pod carries. @public */
export const SANDBOX_TOLERATION = {
  key: 'kars.azure.com/sandbox',
  operator: 'Equal',
  value: 'true',
  effect: 'NoSchedule',
} as const;

/** The parameter object of the content-safety floor, read by the admission policy and the backend. @public */
export const CONTENT_SAFETY_FLOOR_PARAM = {
  name: 'kars-content-safety-floor',
  namespace: KARS_SYSTEM_NAMESPACE,
  key: 'minimum',
} as const;
/** @public */
export const CONTENT_SAFETY_FLOOR_POLICY = 'kars-content-safety-floor';

/** Key of the generated token in the gateway and router-admin Secrets. @public */
export const GENERATED_TOKEN_KEY = 'token';

/** The field manager every apply of the backend uses. @public */
export const KARS_FIELD_MANAGER = 'kars-portal';
/** The field manager of the credentials route, apart from the reconciler's. @public */
export const KARS_CREDENTIALS_FIELD_MANAGER = 'kars-portal-credentials';

/** The Prometheus series the inference router exports for token use. @public */
export const TOKENS_METRIC = 'kars_tokens_total';
