// ./cluster is the kit's node-only entry point: it drives node libraries.
/* eslint-disable @backstage/no-mixed-plugin-imports */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  certManagerCrds,
  connectKubeTestenv,
  KubeTestenvConnection,
  kubeTestenvFromEnv,
  missingBinaryReason,
  startKubeTestenv,
  SWITCH_ENV,
  testenvBinaryPath,
  kwokBinaryPaths,
} from '@kars-portal/kube-testenv';
import {
  buildInferencePolicyCrd,
  buildKarsSandboxCrd,
} from '@kars-portal/plugin-kars-common';
import {
  applyManifests,
  ClientNodeGateway,
  KubeGateway,
  KubeObject,
  readManifests,
} from '@kars-portal/plugin-kars-node';
import {
  DEFAULT_NODE_POOLS,
  nodeManifest,
  NodePool,
  plannedNodes,
  startWorkloadSimulator,
  WorkloadSimulator,
} from '@kars-portal/workload-simulator';

/** The repository's deploy/ folder. */
// Test utilities run from their sources, inside the repository.
// eslint-disable-next-line no-restricted-syntax
export const DEPLOY_DIR = path.resolve(__dirname, '../../../../deploy');

/**
 * The clusters a test can run on: the emulator, a real kube-apiserver (kube-testenv), or any
 * cluster named by a kubeconfig.
 */
export type ClusterTargetName = 'emulator' | 'kube-apiserver' | 'external';

/** A cluster to run integration tests on. */
export interface ClusterTarget {
  name: ClusterTargetName;
  /**
   * The kubeconfig the backend uses: with deploy/ applied, the backend's own ServiceAccount
   * (`kars-system/kars-portal`), so its RBAC and admission policies apply.
   */
  backendKubeconfigPath: string;
  /** An admin view, for arranging and checking. */
  admin: KubeGateway;
  adminKubeconfigPath: string;
  /** Where the workload simulator answers the Prometheus query API, when it runs. */
  prometheusUrl?: string;
  /** The simulator's ingress controller of the public A2A gateway, when it runs. */
  gatewayUrl?: string;
  stop(): Promise<void>;
}

/** How a target is set up. */
export interface ClusterTargetOptions {
  /**
   * Apply deploy/ (the kars CRDs, the kars-system namespace, RBAC, admission policies) and wait
   * until the CRDs are served. Default true; the contract suite takes the bare server.
   */
  deploy?: boolean;
  /** Run the workload simulator against the target. Default: as `deploy`. */
  simulator?: boolean;
  /** How long the simulator takes to make a Deployment available. Default 200 ms. */
  readyDelayMs?: number;
  /** The simulator's nodes (and kwok's). Default the simulator's: 2 `sandbox` nodes, 1 `sandbox-kata`. */
  nodePools?: NodePool[];
  /** Average gap between two log lines of a simulated container. Default the simulator's, 5 s. */
  logIntervalMs?: number;
  /**
   * What runs the Deployments' pods. `simulator` (the default, on every target): the workload
   * simulator plays the Deployment and ReplicaSet controllers, kube-scheduler and the kubelets of
   * its nodes (faults, logs). `kwok` (kube-apiserver of its own only): kube-controller-manager's
   * controllers, kube-scheduler and kwok run them on kwok nodes of the simulator's pools, and the
   * simulator only answers Prometheus.
   */
  workloads?: 'simulator' | 'kwok';
  /**
   * kube-apiserver: the control plane of the test run (started by `kubeTestenvGlobalSetup` and
   * named by its environment variable), not one of its own. Default false: a control plane per
   * call, since test files run in parallel and use the same names.
   */
  shared?: boolean;
  /** external: the cluster's kubeconfig (required). */
  kubeconfigPath?: string;
  /**
   * Serve cert-manager's own CRDs (Certificate, Issuer, ClusterIssuer at the release of
   * `certManagerCrds`), for the public A2A gateway. Default false.
   */
  certManager?: boolean;
}

/**
 * Every target this run can use: the emulator always, a real control plane when its binary is
 * built. With CI=true a missing binary is an error, not a skip.
 */
export function clusterTargetNames(): Array<'emulator' | 'kube-apiserver'> {
  if (process.env[SWITCH_ENV] === 'off') return ['emulator'];
  if (testenvBinaryPath()) return ['emulator', 'kube-apiserver'];
  if (process.env.CI === 'true') {
    throw new Error(
      `kube-testenv is required with CI=true: ${missingBinaryReason()}`,
    );
  }
  return ['emulator'];
}

/**
 * Whether `startClusterTarget('kube-apiserver', { workloads: 'kwok' })` can run: a kube-apiserver
 * target and the kube-scheduler and kwok that build.sh builds. With CI=true their absence is an
 * error, not a skip.
 */
export function kwokAvailable(): boolean {
  if (!clusterTargetNames().includes('kube-apiserver')) return false;
  if (kwokBinaryPaths()) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      'kwok and kube-scheduler are required with CI=true (run: bash test/kube-testenv/build.sh)',
    );
  }
  return false;
}

function gatewayFor(kubeconfigPath: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return new ClientNodeGateway(kc);
}

/** Waits until the server lists a kind (its CRD established). */
async function waitForList(
  admin: KubeGateway,
  apiVersion: string,
  kind: string,
) {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try {
      await admin.list(apiVersion, kind, { limit: 1 });
      return;
    } catch (error) {
      last = error;
      await new Promise(r => setTimeout(r, 200));
    }
  }
  throw new Error(`${kind} was not served in time: ${last}`);
}

async function waitForCrds(admin: KubeGateway) {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    try {
      await admin.list('kars.azure.com/v1alpha1', 'KarsSandbox', { limit: 1 });
      await admin.list('kars.azure.com/v1alpha1', 'InferencePolicy', {
        limit: 1,
      });
      return;
    } catch (error) {
      last = error;
      await new Promise(r => setTimeout(r, 200));
    }
  }
  throw new Error(`the kars CRDs were not served in time: ${last}`);
}

/** An admin connection to a server, and what stops it. */
interface Server {
  adminKubeconfigPath: string;
  stop(): Promise<void>;
  /** A kubeconfig for a ServiceAccount's token, when the server issues tokens. */
  serviceAccountKubeconfig?(namespace: string, name: string): Promise<string>;
  /** Where the emulator reads pods/log from once a simulator runs (kube-apiserver asks kubelets). */
  podLogs?: { source?: WorkloadSimulator['podLogs'] };
}

async function startServer(
  name: ClusterTargetName,
  options: ClusterTargetOptions,
): Promise<Server> {
  if (name === 'emulator') {
    const podLogs: Server['podLogs'] = {};
    const emulator = await startKubeEmulator({
      port: 0,
      podLogs: request =>
        podLogs.source
          ? podLogs.source(request)
          : Promise.resolve(void request.res.writeHead(204).end()),
      crds: [
        ...(options.deploy === false
          ? []
          : [buildKarsSandboxCrd(), buildInferencePolicyCrd()]),
        ...(options.certManager ? certManagerCrds() : []),
      ],
    });
    // The emulator issues ServiceAccount tokens and enforces RBAC as kube-apiserver does.
    const connection = connectKubeTestenv(emulator.kubeconfigPath);
    return {
      adminKubeconfigPath: emulator.kubeconfigPath,
      podLogs,
      stop: () => emulator.stop(),
      async serviceAccountKubeconfig(namespace, account) {
        return connection.kubeconfigFor(
          await connection.tokenForServiceAccount(namespace, account, {
            expirationSeconds: 3600,
          }),
        );
      },
    };
  }
  if (name === 'external') {
    if (!options.kubeconfigPath) {
      throw new Error('an external cluster target needs its kubeconfigPath');
    }
    return { adminKubeconfigPath: options.kubeconfigPath, async stop() {} };
  }
  let connection: KubeTestenvConnection;
  let stop = async () => {};
  if (options.shared) {
    const found = kubeTestenvFromEnv();
    if (!found.connection) throw new Error(found.skipReason);
    connection = found.connection;
  } else {
    const started = await startKubeTestenv({
      kwok: options.workloads === 'kwok',
    });
    connection = started;
    stop = () => started.stop();
  }
  return {
    adminKubeconfigPath: connection.kubeconfigPath,
    stop,
    async serviceAccountKubeconfig(namespace, account) {
      const token = await connection.tokenForServiceAccount(
        namespace,
        account,
        { expirationSeconds: 3600 },
      );
      return connection.kubeconfigFor(token);
    },
  };
}

/**
 * Starts (or connects to) a target. By default deploy/ is applied and the workload simulator runs
 * against it; on a server that issues tokens the backend's kubeconfig is then the kars-portal
 * ServiceAccount's.
 */
export async function startClusterTarget(
  name: ClusterTargetName,
  options: ClusterTargetOptions = {},
): Promise<ClusterTarget> {
  const deploy = options.deploy ?? true;
  const kwok = options.workloads === 'kwok';
  if (kwok && (name !== 'kube-apiserver' || options.shared)) {
    throw new Error(
      'workloads: kwok runs on a kube-apiserver of its own (not shared)',
    );
  }
  const server = await startServer(name, options);
  const stops: Array<() => Promise<void>> = [() => server.stop()];
  const stop = async () => {
    for (const step of [...stops].reverse()) await step();
  };
  try {
    const admin = gatewayFor(server.adminKubeconfigPath);
    let backendKubeconfigPath = server.adminKubeconfigPath;
    if (deploy) {
      const manifests = readManifests(DEPLOY_DIR);
      if (name === 'emulator') {
        // The emulator serves the CRDs it was started with; the rest of deploy/ goes on top.
        await waitForCrds(admin);
        await applyManifests(
          admin,
          manifests.filter(o => o.kind !== 'CustomResourceDefinition'),
          'kars-tests',
        );
      } else {
        await applyManifests(admin, manifests, 'kars-tests');
        await waitForCrds(admin);
      }
    }
    if (options.certManager && name !== 'emulator') {
      await applyManifests(
        admin,
        certManagerCrds() as KubeObject[],
        'kars-tests',
      );
      await waitForList(admin, 'cert-manager.io/v1', 'Certificate');
    }
    if (deploy) {
      if (server.serviceAccountKubeconfig) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-backend-sa-'));
        stops.push(async () =>
          fs.rmSync(dir, { recursive: true, force: true }),
        );
        backendKubeconfigPath = path.join(dir, 'kubeconfig');
        fs.writeFileSync(
          backendKubeconfigPath,
          await server.serviceAccountKubeconfig('kars-system', 'kars-portal'),
          { mode: 0o600 },
        );
      }
    }
    if (kwok) {
      for (const node of plannedNodes(
        options.nodePools ?? DEFAULT_NODE_POOLS,
      )) {
        await admin.create(nodeManifest(node, { kwok: true }) as KubeObject);
        // The runtime handlers a kubelet reports and kwok does not: the Kata pool's offers kata.
        await admin.mergePatch(
          { apiVersion: 'v1', kind: 'Node', name: node.name },
          {
            status: {
              runtimeHandlers: ['', ...node.pool.runtimeHandlers].map(
                handler => ({ name: handler }),
              ),
            },
          },
          { subresource: 'status' },
        );
      }
    }
    let prometheusUrl: string | undefined;
    let gatewayUrl: string | undefined;
    if (options.simulator ?? deploy) {
      const simulator = await startWorkloadSimulator({
        kubeconfigPath: server.adminKubeconfigPath,
        readyDelayMs: options.readyDelayMs ?? 200,
        nodePools: options.nodePools,
        logIntervalMs: options.logIntervalMs,
        prometheusPort: 0,
        workloads: !kwok,
      });
      stops.push(() => simulator.stop());
      if (server.podLogs)
        server.podLogs.source = request => simulator.podLogs(request);
      prometheusUrl = simulator.prometheusUrl;
      gatewayUrl = simulator.gatewayUrl;
    }
    return {
      name,
      backendKubeconfigPath,
      admin,
      adminKubeconfigPath: server.adminKubeconfigPath,
      prometheusUrl,
      gatewayUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
