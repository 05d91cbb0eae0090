import { Config } from '@backstage/config';
import { KARS_SYSTEM_NAMESPACE } from '@kars-portal/plugin-kars-common';
import { ClusterDns, ClusterSettings, SandboxImages } from '../render/types';

/** One configured cluster. */
export interface ClusterConfig {
  settings: ClusterSettings;
  type: 'embedded' | 'kubeconfig' | 'inCluster';
  default: boolean;
  kubeconfigPath?: string;
  context?: string;
  prometheusUrl?: string;
  embedded?: {
    stateFile?: string;
    kubeconfigFile?: string;
    readyDelayMs: number;
    bootstrapManifests?: string;
  };
}

/** The backend's configuration. */
export interface KarsConfig {
  operatorNamespace: string;
  clusters: ClusterConfig[];
  demoTenants: boolean;
  /** Seconds between full resyncs of every sandbox. */
  resyncSeconds: number;
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
  cluster: Config,
  key: string,
  fallback: Record<string, string>,
): Record<string, string> {
  const where = `kars.clusters[${cluster.getString('name')}].${key}`;
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

function readClusterDns(cluster: Config): ClusterDns {
  return {
    namespaceLabels: readLabels(
      cluster,
      'dns.namespaceLabels',
      DEFAULT_CLUSTER_DNS.namespaceLabels,
    ),
    podLabels: readLabels(
      cluster,
      'dns.podLabels',
      DEFAULT_CLUSTER_DNS.podLabels,
    ),
  };
}

/** Reads `kars.*`; with no cluster configured, one embedded cluster named `embedded`. */
export function readKarsConfig(config: Config): KarsConfig {
  const kars = config.getOptionalConfig('kars');
  const operatorNamespace =
    kars?.getOptionalString('operatorNamespace') ?? KARS_SYSTEM_NAMESPACE;
  const agentImages = kars?.getOptionalConfig('images.agent');
  const images: SandboxImages = {
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
  };
  const provider = kars?.getOptionalConfig('agentCardProvider');
  const agentCardProvider = provider
    ? {
        organization: provider.getString('organization'),
        url: provider.getString('url'),
      }
    : undefined;

  const clusterConfigs = kars?.getOptionalConfigArray('clusters') ?? [];
  const clusters: ClusterConfig[] = clusterConfigs.map(c => {
    const type = c.getString('type');
    if (type !== 'embedded' && type !== 'kubeconfig' && type !== 'inCluster') {
      throw new Error(
        `kars.clusters[${c.getString(
          'name',
        )}].type must be embedded, kubeconfig or inCluster`,
      );
    }
    return {
      type,
      default: c.getOptionalBoolean('default') ?? false,
      kubeconfigPath: c.getOptionalString('kubeconfigPath'),
      context: c.getOptionalString('context'),
      prometheusUrl: c.getOptionalString('usage.prometheusUrl'),
      embedded:
        type === 'embedded'
          ? {
              stateFile: c.getOptionalString('embedded.stateFile'),
              kubeconfigFile: c.getOptionalString('embedded.kubeconfigFile'),
              readyDelayMs:
                c.getOptionalNumber('embedded.readyDelayMs') ?? 3000,
              bootstrapManifests: c.getOptionalString(
                'embedded.bootstrapManifests',
              ),
            }
          : undefined,
      settings: {
        name: c.getString('name'),
        production: c.getOptionalBoolean('production') ?? false,
        operatorNamespace,
        clusterDomain: c.getOptionalString('clusterDomain') ?? 'cluster.local',
        dns: readClusterDns(c),
        images,
        defaultWorkloadIdentityClientId: c.getOptionalString(
          'workloadIdentityClientId',
        ),
        agentCardProvider,
      },
    };
  });
  if (clusters.length === 0) {
    clusters.push({
      type: 'embedded',
      default: true,
      embedded: { readyDelayMs: 3000 },
      settings: {
        name: 'embedded',
        production: false,
        operatorNamespace,
        clusterDomain: 'cluster.local',
        dns: DEFAULT_CLUSTER_DNS,
        images,
        agentCardProvider,
      },
    });
  }
  const names = clusters.map(c => c.settings.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`kars.clusters names ${duplicate} twice`);
  const defaults = clusters.filter(c => c.default);
  if (defaults.length > 1) {
    throw new Error('kars.clusters may mark only one cluster as default');
  }
  if (defaults.length === 0) clusters[0].default = true;
  if (clusters.some(c => c.type === 'embedded' && c.settings.production)) {
    throw new Error('an embedded cluster cannot be a production cluster');
  }
  return {
    operatorNamespace,
    clusters,
    demoTenants: kars?.getOptionalBoolean('demoTenants') ?? false,
    resyncSeconds: kars?.getOptionalNumber('resyncSeconds') ?? 300,
  };
}
