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
  kwokAvailable,
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

const kwokReady = kwokAvailable();

/** A sandbox-like Deployment: the renderer's pool, toleration and (confidential) runtime class. */
const sandbox = (
  name: string,
  pool: string,
  extra: { runtimeClassName?: string; memory?: string } = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'kars-kwok' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    strategy: { type: 'Recreate' },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        ...(extra.runtimeClassName
          ? { runtimeClassName: extra.runtimeClassName }
          : {}),
        nodeSelector: { 'kars.azure.com/pool': pool },
        tolerations: [
          {
            key: 'kars.azure.com/sandbox',
            operator: 'Equal',
            value: 'true',
            effect: 'NoSchedule',
          },
        ],
        containers: [
          {
            name: 'agent',
            image: 'ghcr.io/azure/kars/agent-runtime:0.1.18',
            resources: { requests: { memory: extra.memory ?? '1Gi' } },
          },
        ],
      },
    },
  },
});

(kwokReady ? describe : describe.skip)(
  'startClusterTarget with kwok on kube-apiserver',
  () => {
    let target: ClusterTarget;
    beforeAll(async () => {
      target = await startClusterTarget('kube-apiserver', {
        workloads: 'kwok',
      });
      await target.admin.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kars-kwok' },
      });
    }, 200_000);
    afterAll(() => target?.stop());

    const until = async <T>(fn: () => Promise<T>) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          return await fn();
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await new Promise(r => setTimeout(r, 250));
        }
      }
    };

    it('has kwok make the nodes of the pools Ready, and the node lifecycle controller lift their not-ready taint', async () => {
      const nodes = await until(async () => {
        const { items } = await target.admin.list<any>('v1', 'Node', {});
        expect(
          items.map(n => [
            n.metadata.name,
            n.status.conditions?.find((c: any) => c.type === 'Ready')?.status,
            n.spec.taints.map((t: any) => t.key),
          ]),
        ).toEqual([
          ['sandbox-0', 'True', ['kars.azure.com/sandbox']],
          ['sandbox-1', 'True', ['kars.azure.com/sandbox']],
          ['sandbox-kata-0', 'True', ['kars.azure.com/sandbox']],
        ]);
        return items;
      });
      expect(nodes[2].metadata.labels).toMatchObject({
        'kars.azure.com/pool': 'sandbox-kata',
        'katacontainers.io/kata-runtime': 'true',
      });
    });

    const podOf = async (app: string) => {
      const { items } = await target.admin.list<any>('v1', 'Pod', {
        namespace: 'kars-kwok',
        labelSelector: `app=${app}`,
      });
      expect(items).toHaveLength(1);
      return items[0];
    };
    const schedulerSays = async (pod: any) =>
      (
        await target.admin.list<any>('v1', 'Event', {
          namespace: 'kars-kwok',
          fieldSelector: `involvedObject.name=${pod.metadata.name}`,
        })
      ).items
        .filter(e => e.reportingComponent === 'default-scheduler')
        .map(e => [e.reason, e.message]);

    it("gets a Deployment's pods Running on kwok nodes through the real controllers and scheduler; a confidential one lands on sandbox-kata", async () => {
      await target.admin.create(sandbox('std', 'sandbox') as any);
      await target.admin.create(
        sandbox('conf', 'sandbox-kata', {
          runtimeClassName: 'kata-vm-isolation',
        }) as any,
      );
      const admin = target.admin;
      for (const app of ['std', 'conf']) {
        const d = await until(async () => {
          const live = await admin.get<any>({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: app,
            namespace: 'kars-kwok',
          });
          expect(live.status.availableReplicas).toBe(1);
          return live;
        });
        expect(d.status.conditions).toContainEqual(
          expect.objectContaining({
            type: 'Progressing',
            reason: 'NewReplicaSetAvailable',
          }),
        );
      }
      const std = await podOf('std');
      const conf = await podOf('conf');
      expect(std.metadata.labels['pod-template-hash']).toMatch(/^[a-z0-9]+$/);
      expect(std.status.phase).toBe('Running');
      expect(std.spec.nodeName).toMatch(/^sandbox-\d$/);
      expect(conf.spec.nodeName).toBe('sandbox-kata-0');
      // The RuntimeClass admission of kube-apiserver added the overhead of deploy/'s RuntimeClass.
      expect(conf.spec.overhead).toEqual({ cpu: '250m', memory: '160Mi' });
      expect(await schedulerSays(conf)).toEqual([
        [
          'Scheduled',
          `Successfully assigned kars-kwok/${conf.metadata.name} to sandbox-kata-0`,
        ],
      ]);
    });

    it('words FailedScheduling as the workload simulator does (no node of the pool; no node with the memory)', async () => {
      await target.admin.create(sandbox('nopool', 'sandbox-gpu') as any);
      await target.admin.create(
        sandbox('huge', 'sandbox', { memory: '100Gi' }) as any,
      );
      const failed = async (app: string) =>
        until(async () => {
          const said = await schedulerSays(await podOf(app));
          expect(said.length).toBeGreaterThan(0);
          return said[0];
        });
      expect(await failed('nopool')).toEqual([
        'FailedScheduling',
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      ]);
      expect(await failed('huge')).toEqual([
        'FailedScheduling',
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      ]);
    });
  },
);
