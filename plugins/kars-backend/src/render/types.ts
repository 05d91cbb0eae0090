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

/**
 * The cluster's public A2A gateway (cert-manager ≥ 1.14 and an ingress controller on the cluster):
 * what a sandbox that publishes through it gets in its namespace.
 */
export interface A2aGatewaySettings {
  /** Whether a sandbox whose spec does not say publishes through the gateway. */
  enabledByDefault: boolean;
  /** The public DNS domain: a sandbox's host is `<name>.<domain>`. */
  domain: string;
  /** The cert-manager issuer of the TLS certificates. */
  issuer: { name: string; kind: 'ClusterIssuer' | 'Issuer' };
  /** The Ingress class; absent: the cluster's default class. */
  ingressClassName?: string;
  /** Annotations on each Ingress (for the controller: backend protocol, rate limits). */
  ingressAnnotations: Record<string, string>;
  /** The Secret cert-manager writes the certificate to, in each sandbox namespace. */
  tlsSecretName: string;
  /** How callers authenticate at the gateway; `mtls` is declared as the card's security scheme. */
  callerAuth: 'mtls' | 'none';
  /** Addresses allowed to reach the LoadBalancer and, through it, the router. */
  sourceRanges: string[];
  /** matchLabels of the namespace the ingress controller runs in; its pods may reach the router. */
  ingressNamespaceLabels: Record<string, string>;
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
  /** The public A2A gateway; absent when the cluster has none. */
  a2aGateway?: A2aGatewaySettings;
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
