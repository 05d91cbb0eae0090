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
         * A folder of manifests to apply at start (the repo's deploy/ folder in dev), as
         * `kubectl apply -f` would; CRDs always come from kars-common.
         */
        bootstrapManifests?: string;
      };
    }>;
  };
}
