import { SANDBOX_NAMESPACE_PREFIX } from './constants';

/**
 * Every object name derived from a sandbox name. Each derived name that Kubernetes or the catalog
 * limits to a 63-character label is listed in {@link LABEL_LIMITED_DERIVED_NAMES}, and the longest of
 * them sets {@link MAX_SANDBOX_NAME_LENGTH}.
 */

/** Tenant namespace: `kars-<name>`. @public */
export const sandboxNamespace = (name: string) =>
  `${SANDBOX_NAMESPACE_PREFIX}${name}`;

/** @public */
export const sandboxObjectNames = (name: string) => ({
  namespace: sandboxNamespace(name),
  deployment: name,
  service: name,
  serviceAccount: 'sandbox',
  networkPolicy: 'sandbox-policy',
  inferencePolicy: name,
  credentialsSecret: `${name}-credentials`,
  gatewayTokenSecret: 'gateway-token',
  routerAdminTokenSecret: 'router-admin-token',
  egressAllowlistConfigMap: `karssandbox-${name}-egress-allowlist`,
  agentCardConfigMap: `a2aagent-${name}-card`,
  spawnerClusterRoleBinding: `kars-spawner-${name}`,
  a2aGateway: 'a2a-gateway',
  a2aGatewayPolicy: 'a2a-gateway-ingress',
  a2aGatewayTlsSecret: 'a2a-gateway-tls',
});

/** Catalog entity names derived from a sandbox name. @public */
export const sandboxEntityNames = (name: string) => ({
  resource: name,
  component: `${name}-agent`,
  api: `${name}-agent-card`,
});

/** The ServiceAccount subject a platform team registers as a federated credential. @public */
export const federatedCredentialSubject = (name: string) =>
  `system:serviceaccount:${sandboxNamespace(name)}:${
    sandboxObjectNames(name).serviceAccount
  }`;

const LABEL_LIMIT = 63;

/** Derived names that must fit a 63-character DNS label or catalog entity name. @public */
export const LABEL_LIMITED_DERIVED_NAMES: ReadonlyArray<{
  what: string;
  derive: (name: string) => string;
}> = [
  { what: 'namespace', derive: sandboxNamespace },
  { what: 'service', derive: n => sandboxObjectNames(n).service },
  { what: 'component entity', derive: n => sandboxEntityNames(n).component },
  { what: 'API entity', derive: n => sandboxEntityNames(n).api },
];

/** The longest sandbox name whose every derived label-limited name still fits. @public */
export const MAX_SANDBOX_NAME_LENGTH =
  LABEL_LIMIT -
  Math.max(...LABEL_LIMITED_DERIVED_NAMES.map(d => d.derive('').length));

/** Names no sandbox may take (so `kars-system` can never be claimed). @public */
export const RESERVED_SANDBOX_NAMES: ReadonlyArray<string> = ['system'];
