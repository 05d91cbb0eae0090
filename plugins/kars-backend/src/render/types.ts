import { SandboxSpec } from '@kars-portal/plugin-kars-common';

/** Container images of a sandbox pod. */
export interface SandboxImages {
  /** The agent image per runtime kind; `default` for any kind not listed. */
  agent: Record<string, string> & { default: string };
  router: string;
  /** The image of the egress-guard init container (needs iptables). */
  egressGuard: string;
}

/** The cluster's DNS pods, the only destination of a sandbox's DNS queries (UDP and TCP 53). */
export interface ClusterDns {
  /** matchLabels of the namespace the DNS pods run in. */
  namespaceLabels: Record<string, string>;
  /** matchLabels of the DNS pods. */
  podLabels: Record<string, string>;
}

/** Settings of the cluster a sandbox lives on, from the backend's configuration. */
export interface ClusterSettings {
  name: string;
  /** Production clusters label sandbox namespaces `kars.azure.com/production: "true"`. */
  production: boolean;
  /** Where KarsSandbox objects and the operator live. */
  operatorNamespace: string;
  clusterDomain: string;
  /** Where the NetworkPolicy lets DNS go. */
  dns: ClusterDns;
  images: SandboxImages;
  /** The workload-identity client id used when a sandbox names none. */
  defaultWorkloadIdentityClientId?: string;
  agentCardProvider?: { organization: string; url: string };
}

/** Everything the renderers need for one sandbox. */
export interface RenderInput {
  name: string;
  spec: SandboxSpec;
  cluster: ClusterSettings;
  /** The KarsSandbox object's uid, recorded in the namespace claim; absent on a dry run. */
  sandboxUid?: string;
  /**
   * The KarsSandbox's restart annotation (`kars.azure.com/restarted-at`), copied into the pod
   * template so that a new value rolls the Deployment; absent when no restart was asked.
   */
  restartedAt?: string;
}
