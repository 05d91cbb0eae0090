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
     * Without any, the backend starts one embedded cluster (dev only).
     */
    clusters?: Array<{
      /** Name of the cluster, shown in the portal and in catalog annotations. */
      name: string;
      /**
       * embedded: an in-process Kubernetes API emulator with simulated workloads (dev);
       * kubeconfig: a kubeconfig file; inCluster: the pod's service account.
       */
      type: 'embedded' | 'kubeconfig' | 'inCluster';
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
      /** Workload-identity client id for sandboxes that name none. */
      workloadIdentityClientId?: string;
      /** Where token use is read from. */
      usage?: {
        /** Prometheus HTTP API base URL that scrapes the routers' kars_tokens_total. */
        prometheusUrl?: string;
      };
      /** For type embedded. */
      embedded?: {
        /** Keep the embedded cluster's state in this file across restarts. */
        stateFile?: string;
        /**
         * Also write the embedded cluster's kubeconfig to this file (mode 0600), so kubectl and
         * end-to-end tests can reach the cluster the dev portal runs on.
         */
        kubeconfigFile?: string;
        /** Milliseconds before the simulator makes a sandbox workload available. */
        readyDelayMs?: number;
        /**
         * A folder of manifests to apply at start (the repo's deploy/ folder in dev), as
         * `kubectl apply -f` would; CRDs always come from the plugin itself.
         */
        bootstrapManifests?: string;
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
    /** Create the three demo tenants on first start (dev). */
    demoTenants?: boolean;
  };
}
