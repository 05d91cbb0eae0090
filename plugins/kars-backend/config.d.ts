export interface Config {
  /** kars portal backend */
  kars?: {
    /**
     * Namespace of the KarsSandbox objects and of the operator (the namespace sandbox
     * NetworkPolicies admit the router's port from). Default kars-system.
     */
    operatorNamespace?: string;
    /**
     * Entity refs (users or groups) that may change and delete any sandbox. Read by the app's
     * permission policy (see packages/backend/src/karsPermissionPolicy.ts), not by this plugin:
     * the permission framework decides.
     */
    admins?: string[];
    /**
     * The clusters sandboxes live on. A sandbox lives on one; its name is unique across all.
     * Without any, the backend warns and serves an empty fleet.
     */
    clusters?: Array<{
      /** Name of the cluster, shown in the portal and in catalog annotations. */
      name: string;
      /**
       * How the backend connects: kubeconfig (a kubeconfig file), inCluster (the pod's service
       * account), kubernetes (a cluster of the Backstage kubernetes plugin's
       * `kubernetes.clusterLocatorMethods`, type config, auth provider serviceAccount), or a type a
       * backend module adds: embedded (`@kars-portal/plugin-kars-backend-module-embedded-cluster`,
       * dev and tests only).
       */
      type: string;
      /** For type kubernetes: the name of the kubernetes plugin's cluster; default this cluster's name. */
      kubernetesCluster?: string;
      /** For type kubeconfig; default: the KUBECONFIG environment variable. */
      kubeconfigPath?: string;
      /** For type kubeconfig: the context to use; default: the current context. */
      context?: string;
      /** Production clusters label sandbox namespaces kars.azure.com/production=true. */
      production?: boolean;
      /** New sandboxes go to the default cluster unless the request names one. */
      default?: boolean;
      /** Default cluster.local. */
      clusterDomain?: string;
      /**
       * The cluster's DNS pods. A sandbox's NetworkPolicy sends DNS (UDP and TCP 53) to these pods
       * only, and its egress-guard to the resolvers of the pod's /etc/resolv.conf only. Default:
       * pods labelled k8s-app=kube-dns in namespace kube-system (CoreDNS on kubeadm, AKS, EKS, GKE).
       * @visibility backend
       */
      dns?: {
        /**
         * matchLabels of the namespace the DNS pods run in; not empty.
         * Default kubernetes.io/metadata.name: kube-system.
         * @visibility backend
         */
        namespaceLabels?: { [label: string]: string };
        /**
         * matchLabels of the DNS pods; not empty. Default k8s-app: kube-dns.
         * @visibility backend
         */
        podLabels?: { [label: string]: string };
      };
      /**
       * The cluster's public A2A gateway (needs cert-manager ≥ 1.14 and an ingress controller). A
       * sandbox that publishes through it gets, in its namespace, a LoadBalancer Service on 443 to
       * its router, a cert-manager Certificate for `<name>.<domain>`, an Ingress routing
       * `/.well-known/agent.json` and `/.well-known/agent-card.json` to its card, and the
       * NetworkPolicy that lets the controller and the source ranges reach its router port.
       */
      a2aGateway?: {
        /** Whether sandboxes that do not say publish through the gateway; default false. */
        enabled?: boolean;
        /** The public DNS domain; a sandbox's host is `<name>.<domain>`. */
        domain: string;
        /** The cert-manager issuer of the certificates. */
        issuer: {
          name: string;
          /** ClusterIssuer (default) or Issuer. */
          kind?: string;
        };
        /** The Ingress class; default: the cluster's default class. */
        ingressClassName?: string;
        /** Annotations on each Ingress, for the controller. */
        ingressAnnotations?: { [name: string]: string };
        /** The Secret cert-manager writes in each sandbox namespace; default a2a-gateway-tls. */
        tlsSecretName?: string;
        /** mtls (default; declared in the card) or none. */
        callerAuth?: string;
        /** IPv4 CIDRs that may reach the gateway; default 0.0.0.0/0. */
        sourceRanges?: string[];
        /**
         * matchLabels of the ingress controller's namespace; default
         * kubernetes.io/metadata.name: ingress-nginx.
         */
        ingressNamespaceLabels?: { [label: string]: string };
      };
      /** Workload-identity client id for sandboxes that name none. */
      workloadIdentityClientId?: string;
      /** Where token use is read from. */
      usage?: {
        /** Prometheus HTTP API base URL that scrapes the routers' kars_tokens_total. */
        prometheusUrl?: string;
        /**
         * HTTP headers sent with every query, for a Prometheus that asks for credentials:
         * `Authorization: Bearer ${PROMETHEUS_TOKEN}`, a Basic header, or a tenant header such as
         * X-Scope-OrgID. Never logged and never part of an answer.
         * @deepVisibility secret
         */
        headers?: { [name: string]: string };
      };
    }>;
    /** Container images of a sandbox pod. */
    images?: {
      /** Agent images by runtime kind (OpenClaw, Hermes, ...) and a default. */
      agent?: { [runtimeKind: string]: string };
      router?: string;
      egressGuard?: string;
    };
    /** Who publishes the agents' A2A cards. */
    agentCardProvider?: {
      organization: string;
      url: string;
    };
    /** Seconds between full resyncs of every sandbox (default 300). */
    resyncSeconds?: number;
    /** How the backend replicas share the reconciling of each cluster. */
    reconcile?: {
      /**
       * How many shards a cluster's sandboxes fall into (by a hash of the name); each shard is
       * reconciled by one replica at a time, which holds the shard's Lease
       * (`kars-portal-reconciler-shard-<i>` in the operator namespace), and the live replicas share
       * the shards evenly. Every replica must use the same count. Default 16.
       */
      shards?: number;
      /**
       * Seconds a replica's shard and member Leases last unless renewed: a replica that dies has its
       * shards taken over after this long. Renewed every third of it. Default 15.
       */
      leaseDurationSeconds?: number;
    };
    /** Owner notices through the Backstage notifications backend. */
    notifications?: {
      /**
       * Seconds between two checks of the token budgets: a window passing 90 % or running out is
       * told once (default 300).
       */
      budgetCheckSeconds?: number;
      /**
       * Seconds between two checks of the chat channels' states, read from the running agents' own
       * signals: a channel starting to fail is told once, and the fleet list shows it as channel
       * trouble (default 120).
       */
      channelCheckSeconds?: number;
    };
    /** Create the three demo tenants on first start (dev). */
    demoTenants?: boolean;
  };
}
