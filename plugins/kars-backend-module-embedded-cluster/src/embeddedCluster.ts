import fs from 'fs';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  NodePool,
  startWorkloadSimulator,
  WorkloadSimulator,
} from '@kars-portal/workload-simulator';
import {
  buildInferencePolicyCrd,
  buildKarsSandboxCrd,
} from '@kars-portal/plugin-kars-common';
import {
  applyManifests,
  ClientNodeGateway,
  readManifests,
} from '@kars-portal/plugin-kars-node';
import { buildCertificateCrd } from './certificateCrd';

/**
 * The kubeconfig of the emulator's plain-HTTP address: the backend and the simulator run on the
 * same machine as the emulator and reach it over loopback, where TLS would only spend CPU on both
 * ends. The admin token still goes with every request; client-node takes an http:// server only
 * with TLS verification off (there is no TLS to verify). Pure.
 */
export function loopbackKubeConfig(tls: KubeConfig, httpUrl: string) {
  const [cluster] = tls.getClusters();
  const loopback = new KubeConfig();
  loopback.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: httpUrl,
        skipTLSVerify: true,
      },
    ],
    users: tls.getUsers(),
    contexts: tls.getContexts(),
    currentContext: tls.getCurrentContext(),
  });
  return loopback;
}

/** What an embedded cluster is started with: plain data, so that it can be sent to a thread. */
export interface EmbeddedClusterOptions {
  /** Where the emulator keeps its objects between runs; none: in memory only. */
  stateFile?: string;
  /** Where its admin kubeconfig is written (mode 0600) for kubectl-like clients. */
  kubeconfigFile?: string;
  /** A folder of manifests applied at start (CustomResourceDefinitions excepted). */
  bootstrapManifests?: string;
  nodePools: NodePool[];
  readyDelayMs: number;
  /** Port of the simulated A2A gateway; 0 picks a free one. */
  gatewayPort: number;
}

/** A running embedded cluster, as its addresses (plain data) and how to stop it. */
export interface EmbeddedClusterAddresses {
  /** The emulator's plain-HTTP loopback address. */
  url: string;
  /** Its admin kubeconfig (the HTTPS address, CA data, a system:masters token). */
  kubeconfigYaml: string;
  /** Where that kubeconfig was written. */
  kubeconfigPath: string;
  prometheusUrl: string;
  gatewayUrl: string;
}

/**
 * Starts the Kubernetes API emulator with the kars CRDs and cert-manager's Certificate
 * ({@link buildCertificateCrd}), applies the bootstrap manifests (CRDs come from kars-common) and
 * runs the workload simulator beside it, over loopback HTTP. Used in the cluster's own thread
 * (embeddedClusterWorker.ts).
 */
export async function startEmbeddedCluster(
  options: EmbeddedClusterOptions,
): Promise<EmbeddedClusterAddresses & { stop(): Promise<void> }> {
  let simulator: WorkloadSimulator | undefined;
  const emulator = await startKubeEmulator({
    port: 0,
    stateFile: options.stateFile,
    // pods/log: the simulated containers' logs (before the simulator runs: no kubelet, 204).
    podLogs: request =>
      simulator
        ? simulator.podLogs(request)
        : Promise.resolve(void request.res.writeHead(204).end()),
    crds: [
      buildKarsSandboxCrd(),
      buildInferencePolicyCrd(),
      buildCertificateCrd(),
    ],
  });
  try {
    if (options.kubeconfigFile) {
      // Written whole, then renamed: a reader never sees half a kubeconfig.
      fs.mkdirSync(path.dirname(options.kubeconfigFile), { recursive: true });
      const partial = `${options.kubeconfigFile}.partial`;
      fs.writeFileSync(partial, emulator.kubeconfigYaml, { mode: 0o600 });
      fs.renameSync(partial, options.kubeconfigFile);
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(emulator.kubeconfigYaml);
    const loopback = loopbackKubeConfig(kubeConfig, emulator.url);
    if (options.bootstrapManifests) {
      await applyManifests(
        new ClientNodeGateway(loopback),
        readManifests(options.bootstrapManifests).filter(
          o => o.kind !== 'CustomResourceDefinition',
        ),
        'kars-portal-bootstrap',
      );
    }
    const running = await startWorkloadSimulator({
      kubeConfig: loopback,
      nodePools: options.nodePools,
      readyDelayMs: options.readyDelayMs,
      prometheusPort: 0,
      gatewayPort: options.gatewayPort,
    });
    simulator = running;
    return {
      url: emulator.url,
      kubeconfigYaml: emulator.kubeconfigYaml,
      kubeconfigPath: options.kubeconfigFile ?? emulator.kubeconfigPath,
      prometheusUrl: running.prometheusUrl,
      gatewayUrl: running.gatewayUrl,
      async stop() {
        await running.stop();
        await emulator.stop();
      },
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}
