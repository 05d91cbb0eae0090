export interface Config {
  kars?: {
    clusters?: Array<{
      /** For type embedded (this module): the in-process cluster of the dev portal. */
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
         * Port on 127.0.0.1 of the simulated ingress controller of the public A2A gateway (plain
         * HTTP, the Host header picks the rule); default a free port, logged at start.
         */
        gatewayPort?: number;
        /**
         * A folder of manifests to apply at start (the repo's deploy/ folder in dev), as
         * `kubectl apply -f` would; CRDs always come from kars-common.
         */
        bootstrapManifests?: string;
        /**
         * The simulated nodes of each pool (`sandbox`, `sandbox-kata`): how many, and what each has.
         * Default 2 and 1 nodes of 4 CPUs, 16 GiB and 110 pods: a few dozen sandboxes. At most 120
         * nodes per pool.
         */
        nodes?: {
          perPool?: number;
          cpu?: string;
          memory?: string;
          pods?: string;
        };
      };
    }>;
  };
}
