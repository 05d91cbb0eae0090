import fs from 'fs';
import os from 'os';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { startWorkloadSimulator } from '@kars-portal/workload-simulator';
import {
  missingBinaryReason,
  startKubeTestenv,
  SWITCH_ENV,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import {
  buildInferencePolicyCrd,
  buildKarsSandboxCrd,
} from '@kars-portal/plugin-kars-common';
import {
  applyManifests,
  ClientNodeGateway,
  KubeGateway,
  readManifests,
} from '@kars-portal/plugin-kars-node';

/** The repository's deploy/ folder. */
// Test utilities run from their sources, inside the repository.
// eslint-disable-next-line no-restricted-syntax
export const DEPLOY_DIR = path.resolve(__dirname, '../../../../deploy');

/** A cluster to run integration tests on. */
export interface ClusterTarget {
  name: 'emulator' | 'kube-apiserver';
  /** The kubeconfig the backend uses: on the real server, the backend's own ServiceAccount. */
  backendKubeconfigPath: string;
  /** An admin view, for arranging and checking. */
  admin: KubeGateway;
  adminKubeconfigPath: string;
  /** Where the simulator answers the Prometheus query API. */
  prometheusUrl: string;
  stop(): Promise<void>;
}

/**
 * Every target this run can use: the emulator always, a real control plane when its binary is
 * built. With CI=true a missing binary is an error, not a skip.
 */
export function clusterTargetNames(): Array<ClusterTarget['name']> {
  if (process.env[SWITCH_ENV] === 'off') return ['emulator'];
  if (testenvBinaryPath()) return ['emulator', 'kube-apiserver'];
  if (process.env.CI === 'true') {
    throw new Error(
      `kube-testenv is required with CI=true: ${missingBinaryReason()}`,
    );
  }
  return ['emulator'];
}

function gatewayFor(kubeconfigPath: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return new ClientNodeGateway(kc);
}

const nonCrds = () =>
  readManifests(DEPLOY_DIR).filter(o => o.kind !== 'CustomResourceDefinition');

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

/** Starts (or connects to) a target with deploy/ applied and the simulator running. */
export async function startClusterTarget(
  name: ClusterTarget['name'],
  options: { readyDelayMs?: number } = {},
): Promise<ClusterTarget> {
  if (name === 'emulator') {
    const emulator = await startKubeEmulator({
      port: 0,
      crds: [buildKarsSandboxCrd(), buildInferencePolicyCrd()],
    });
    const admin = gatewayFor(emulator.kubeconfigPath);
    await waitForCrds(admin);
    await applyManifests(admin, nonCrds(), 'kars-tests');
    const simulator = await startWorkloadSimulator({
      kubeconfigPath: emulator.kubeconfigPath,
      readyDelayMs: options.readyDelayMs ?? 200,
      prometheusPort: 0,
    });
    return {
      name,
      backendKubeconfigPath: emulator.kubeconfigPath,
      admin,
      adminKubeconfigPath: emulator.kubeconfigPath,
      prometheusUrl: simulator.prometheusUrl,
      async stop() {
        await simulator.stop();
        await emulator.stop();
      },
    };
  }
  // A control plane of its own per test file: files run in parallel and use the same names.
  const connection = await startKubeTestenv();
  const admin = gatewayFor(connection.kubeconfigPath);
  await applyManifests(admin, readManifests(DEPLOY_DIR), 'kars-tests');
  await waitForCrds(admin);
  const token = await connection.tokenForServiceAccount(
    'kars-system',
    'kars-portal',
    {
      expirationSeconds: 3600,
    },
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-backend-sa-'));
  const backendKubeconfigPath = path.join(dir, 'kubeconfig');
  fs.writeFileSync(backendKubeconfigPath, connection.kubeconfigFor(token));
  const simulator = await startWorkloadSimulator({
    kubeconfigPath: connection.kubeconfigPath,
    readyDelayMs: options.readyDelayMs ?? 200,
    prometheusPort: 0,
  });
  return {
    name,
    backendKubeconfigPath,
    admin,
    adminKubeconfigPath: connection.kubeconfigPath,
    prometheusUrl: simulator.prometheusUrl,
    async stop() {
      await simulator.stop();
      await connection.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
