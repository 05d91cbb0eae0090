import { Config } from '@backstage/config';
import { KARS_SYSTEM_NAMESPACE } from '@kars-portal/plugin-kars-common';
import { KarsClusterDetails } from '@kars-portal/plugin-kars-node';
import {
  A2aGatewaySettings,
  ClusterDns,
  ClusterSettings,
  SandboxImages,
} from '../render/types';

/** One cluster, as the backend works with it. */
export interface ClusterConfig {
  settings: ClusterSettings;
  /** Which connector connected it. */
  type: string;
  /** New sandboxes go to the default cluster unless a request names one. */
  default: boolean;
  /** `usage.prometheusUrl`: where the routers' token counters are queried. */
  prometheusUrl?: string;
  /** `usage.headers`: sent with every query (the Prometheus credentials); secret. */
  prometheusHeaders?: Record<string, string>;
}

/** The backend's configuration, apart from the clusters (a supplier finds those). */
export interface KarsConfig {
  operatorNamespace: string;
  images: SandboxImages;
  agentCardProvider?: { organization: string; url: string };
  demoTenants: boolean;
  /** Seconds between full resyncs of every sandbox. */
  resyncSeconds: number;
  /** How many shards each cluster's sandboxes fall into, each reconciled by one replica at a time. */
  reconcileShards: number;
  /** Seconds a reconciler Lease lasts unless renewed. */
  reconcileLeaseDurationSeconds: number;
  /** Seconds between two checks of the token budgets for owner notices. */
  budgetCheckSeconds: number;
  /** Seconds between two checks of the chat channels' states, for owner notices and the fleet list. */
  channelCheckSeconds: number;
}

const DEFAULT_IMAGES: SandboxImages = {
  agent: {
    default: 'ghcr.io/azure/kars/agent-runtime:0.1.18',
    OpenClaw: 'ghcr.io/azure/kars/openclaw:0.1.18',
    Hermes: 'ghcr.io/azure/kars/hermes:0.1.18',
  },
  router: 'ghcr.io/azure/kars/inference-router:0.1.18',
  egressGuard: 'ghcr.io/azure/kars/egress-guard:0.1.18',
};

/** The cluster DNS of a kubeadm, AKS, EKS or GKE cluster: CoreDNS (or kube-dns) in kube-system. */
export const DEFAULT_CLUSTER_DNS: ClusterDns = {
  namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
  podLabels: { 'k8s-app': 'kube-dns' },
};

/** A label map; an empty one would select every namespace or pod, so it is refused. */
function readLabels(
  name: string,
  cluster: Config,
  key: string,
  fallback: Record<string, string>,
): Record<string, string> {
  const where = `kars.clusters[${name}].${key}`;
  const labels = cluster.getOptional(key);
  if (labels === undefined) return fallback;
  const entries =
    labels && typeof labels === 'object' && !Array.isArray(labels)
      ? Object.entries(labels)
      : [];
  if (entries.length === 0) {
    throw new Error(
      `${where} must name at least one label: an empty selector matches everything`,
    );
  }
  for (const [label, value] of entries) {
    if (typeof value !== 'string') {
      throw new Error(`${where}.${label} must be a string`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function readClusterDns(name: string, cluster: Config): ClusterDns {
  return {
    namespaceLabels: readLabels(
      name,
      cluster,
      'dns.namespaceLabels',
      DEFAULT_CLUSTER_DNS.namespaceLabels,
    ),
    podLabels: readLabels(
      name,
      cluster,
      'dns.podLabels',
      DEFAULT_CLUSTER_DNS.podLabels,
    ),
  };
}

const DNS_NAME =
  /^(?=.{1,200}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/**
 * `kars.clusters[].a2aGateway`: the cluster's public A2A gateway, or undefined when not configured.
 * A configured gateway needs a domain and a cert-manager issuer; the rest has defaults.
 */
function readA2aGateway(
  name: string,
  cluster: Config,
): A2aGatewaySettings | undefined {
  const gateway = cluster.getOptionalConfig('a2aGateway');
  if (!gateway) return undefined;
  const where = `kars.clusters[${name}].a2aGateway`;
  const domain = gateway.getString('domain');
  if (!DNS_NAME.test(domain)) {
    throw new Error(
      `${where}.domain must be a lowercase DNS name with at least two labels, not ${domain}`,
    );
  }
  const issuerKind =
    gateway.getOptionalString('issuer.kind') ?? 'ClusterIssuer';
  if (issuerKind !== 'ClusterIssuer' && issuerKind !== 'Issuer') {
    throw new Error(`${where}.issuer.kind must be ClusterIssuer or Issuer`);
  }
  const callerAuth = gateway.getOptionalString('callerAuth') ?? 'mtls';
  if (callerAuth !== 'mtls' && callerAuth !== 'none') {
    throw new Error(`${where}.callerAuth must be mtls or none`);
  }
  const sourceRanges = gateway.getOptionalStringArray('sourceRanges') ?? [
    '0.0.0.0/0',
  ];
  const badRange = sourceRanges.find(r => !CIDR.test(r));
  if (badRange !== undefined || sourceRanges.length === 0) {
    throw new Error(
      `${where}.sourceRanges must list IPv4 CIDRs (such as 203.0.113.0/24)${
        badRange === undefined ? '' : `, not ${badRange}`
      }`,
    );
  }
  // Annotation names hold dots and slashes, which config keys cannot: read the object as given.
  const annotations = gateway.getOptional('ingressAnnotations') ?? {};
  if (
    typeof annotations !== 'object' ||
    Array.isArray(annotations) ||
    Object.values(annotations).some(v => typeof v !== 'string')
  ) {
    throw new Error(
      `${where}.ingressAnnotations must map annotation names to strings`,
    );
  }
  return {
    enabledByDefault: gateway.getOptionalBoolean('enabled') ?? false,
    domain,
    issuer: { name: gateway.getString('issuer.name'), kind: issuerKind },
    ingressClassName: gateway.getOptionalString('ingressClassName'),
    ingressAnnotations: { ...(annotations as Record<string, string>) },
    tlsSecretName:
      gateway.getOptionalString('tlsSecretName') || 'a2a-gateway-tls',
    callerAuth,
    sourceRanges,
    ingressNamespaceLabels: readLabels(
      name,
      cluster,
      'a2aGateway.ingressNamespaceLabels',
      { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    ),
  };
}

/** A whole number of at least 1 at `kars.<key>`, or the fallback when it is not set. */
function readPositiveInteger(
  kars: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = kars?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `kars.${key} must be a whole number of at least 1, not ${value}`,
    );
  }
  return value;
}

/** Reads `kars.*`, apart from `kars.clusters`. */
export function readKarsConfig(config: Config): KarsConfig {
  const kars = config.getOptionalConfig('kars');
  const agentImages = kars?.getOptionalConfig('images.agent');
  const provider = kars?.getOptionalConfig('agentCardProvider');
  return {
    operatorNamespace:
      kars?.getOptionalString('operatorNamespace') ?? KARS_SYSTEM_NAMESPACE,
    images: {
      agent: {
        ...DEFAULT_IMAGES.agent,
        ...Object.fromEntries(
          (agentImages?.keys() ?? []).map(k => [k, agentImages!.getString(k)]),
        ),
      },
      router: kars?.getOptionalString('images.router') ?? DEFAULT_IMAGES.router,
      egressGuard:
        kars?.getOptionalString('images.egressGuard') ??
        DEFAULT_IMAGES.egressGuard,
    },
    agentCardProvider: provider
      ? {
          organization: provider.getString('organization'),
          url: provider.getString('url'),
        }
      : undefined,
    demoTenants: kars?.getOptionalBoolean('demoTenants') ?? false,
    resyncSeconds: kars?.getOptionalNumber('resyncSeconds') ?? 300,
    reconcileShards: readPositiveInteger(kars, 'reconcile.shards', 16),
    reconcileLeaseDurationSeconds: readPositiveInteger(
      kars,
      'reconcile.leaseDurationSeconds',
      15,
    ),
    budgetCheckSeconds:
      kars?.getOptionalNumber('notifications.budgetCheckSeconds') ?? 300,
    channelCheckSeconds:
      kars?.getOptionalNumber('notifications.channelCheckSeconds') ?? 120,
  };
}

/** A map of header names to values, as given. */
function readHeaders(headers: Config | undefined) {
  return headers
    ? Object.fromEntries(headers.keys().map(k => [k, headers.getString(k)]))
    : undefined;
}

/**
 * The settings of one cluster from its configuration entry. An entry a custom supplier made may
 * carry none of the optional keys; the defaults then apply.
 */
export function readClusterConfig(
  cluster: KarsClusterDetails,
  kars: KarsConfig,
): ClusterConfig {
  const c = cluster.config;
  return {
    type: cluster.type,
    default: c.getOptionalBoolean('default') ?? false,
    prometheusUrl: c.getOptionalString('usage.prometheusUrl'),
    prometheusHeaders: readHeaders(c.getOptionalConfig('usage.headers')),
    settings: {
      name: cluster.name,
      production: c.getOptionalBoolean('production') ?? false,
      operatorNamespace: kars.operatorNamespace,
      clusterDomain: c.getOptionalString('clusterDomain') ?? 'cluster.local',
      dns: readClusterDns(cluster.name, c),
      images: kars.images,
      defaultWorkloadIdentityClientId: c.getOptionalString(
        'workloadIdentityClientId',
      ),
      agentCardProvider: kars.agentCardProvider,
      a2aGateway: readA2aGateway(cluster.name, c),
    },
  };
}

/** Checks the fleet as a whole: names unique, at most one default (the first one else). */
export function checkFleet(clusters: ClusterConfig[]): void {
  const names = clusters.map(c => c.settings.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`kars.clusters names ${duplicate} twice`);
  const defaults = clusters.filter(c => c.default);
  if (defaults.length > 1) {
    throw new Error('kars.clusters may mark only one cluster as default');
  }
  if (defaults.length === 0 && clusters.length > 0) clusters[0].default = true;
}
