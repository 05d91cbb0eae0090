/**
 * @jest-environment node
 */
// ./cluster is the kit's node-only entry point: it drives node libraries.
/* eslint-disable @backstage/no-mixed-plugin-imports */
import fs from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KUBECONFIG_ENV, startKubeTestenv } from '@kars-portal/kube-testenv';
import { ClientNodeGateway, KubeApiError } from '@kars-portal/plugin-kars-node';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from './clusterTargets';

jest.setTimeout(180_000);

const gateway = (kubeconfigPath: string) => {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return new ClientNodeGateway(kc);
};

/** The status of an API error, or 'ok'. */
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => 'ok',
    e => (e instanceof KubeApiError ? e.statusCode : String(e)),
  );

const karsSandboxes = (target: ClusterTarget) =>
  outcome(target.admin.list('kars.azure.com/v1alpha1', 'KarsSandbox', {}));

describe.each(clusterTargetNames())('startClusterTarget on the %s', name => {
  let target: ClusterTarget;
  afterAll(() => target?.stop());

  it('applies deploy/, runs the simulator, and gives the backend its own kubeconfig', async () => {
    target = await startClusterTarget(name);
    expect(await karsSandboxes(target)).toBe('ok');
    expect(
      await target.admin.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'kars-system',
      }),
    ).toBeDefined();
    const metrics = await fetch(
      `${target.prometheusUrl}/api/v1/query?query=kars_tokens_total`,
    );
    expect(metrics.status).toBe(200);
    const own = target.backendKubeconfigPath !== target.adminKubeconfigPath;
    const secrets = await outcome(
      gateway(target.backendKubeconfigPath).list('v1', 'Secret', {
        namespace: 'kube-system',
      }),
    );
    // On both servers the backend is its ServiceAccount, bound by deploy/'s RBAC: no Secrets of
    // kube-system, and a kubeconfig only its owner reads.
    expect({
      own,
      secrets,
      mode: own ? fs.statSync(target.backendKubeconfigPath).mode & 0o777 : null,
    }).toEqual({ own: true, secrets: 403, mode: 0o600 });
  });
});

describe('startClusterTarget options', () => {
  it('takes the bare emulator without deploy/ or simulator, and stops it', async () => {
    const target = await startClusterTarget('emulator', { deploy: false });
    expect(target.prometheusUrl).toBeUndefined();
    expect(await karsSandboxes(target)).toBe(404);
    expect(await outcome(target.admin.list('v1', 'Namespace', {}))).toBe('ok');
    await target.stop();
    expect(await outcome(target.admin.list('v1', 'Namespace', {}))).not.toBe(
      'ok',
    );
  });

  it('connects to an external cluster by its kubeconfig and leaves it running', async () => {
    const emulator = await startClusterTarget('emulator', { deploy: false });
    try {
      const external = await startClusterTarget('external', {
        kubeconfigPath: emulator.adminKubeconfigPath,
        deploy: false,
      });
      expect(await outcome(external.admin.list('v1', 'Namespace', {}))).toBe(
        'ok',
      );
      await external.stop();
      expect(await outcome(emulator.admin.list('v1', 'Namespace', {}))).toBe(
        'ok',
      );
      await expect(startClusterTarget('external')).rejects.toThrow(
        'an external cluster target needs its kubeconfigPath',
      );
    } finally {
      await emulator.stop();
    }
  });
});

const describeReal = clusterTargetNames().includes('kube-apiserver')
  ? describe
  : describe.skip;

describeReal("startClusterTarget on the run's control plane", () => {
  it("uses the run's shared control plane when asked, and leaves it running", async () => {
    const run = await startKubeTestenv();
    const before = process.env[KUBECONFIG_ENV];
    process.env[KUBECONFIG_ENV] = run.kubeconfigPath;
    try {
      const target = await startClusterTarget('kube-apiserver', {
        shared: true,
        deploy: false,
      });
      expect(target.adminKubeconfigPath).toBe(run.kubeconfigPath);
      expect(target.prometheusUrl).toBeUndefined();
      expect(await karsSandboxes(target)).toBe(404);
      await target.stop();
      expect(
        await outcome(gateway(run.kubeconfigPath).list('v1', 'Namespace', {})),
      ).toBe('ok');
    } finally {
      if (before === undefined) delete process.env[KUBECONFIG_ENV];
      else process.env[KUBECONFIG_ENV] = before;
      await run.stop();
    }
  });
});
