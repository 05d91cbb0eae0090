import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { karsPlugin } from './plugin';
import { UsageReader } from './service/usage';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { eventually } from './__testUtils__/backend';

jest.setTimeout(180_000);

const TELEGRAM = '123456789:AAH-SeCrEtTeLeGrAmVaLuE-0123456789ab';
const SLACK = 'xoxb-1111-2222-SeCrEtRoTaTeDsLaCk';

describe.each(clusterTargetNames())(
  'health and credentials on the %s',
  targetName => {
    let target: ClusterTarget;
    let server: any;
    let stop: () => Promise<void>;
    const jane = mockCredentials.user.header('user:default/jane');
    const bodies: string[] = [];
    const get = async (path: string) => {
      const res = await request(server)
        .get(`/api/kars${path}`)
        .set('Authorization', jane);
      bodies.push(res.text);
      return res;
    };
    const send = async (method: 'post' | 'put', path: string, body: object) => {
      const res = await request(server)
        [method](`/api/kars${path}`)
        .set('Authorization', jane)
        .send(body);
      bodies.push(res.text);
      return res;
    };
    const running = async (name: string) => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if ((await get(`/sandboxes/${name}`)).body.status?.phase === 'Running')
          return;
        await new Promise(r => setTimeout(r, 250));
      }
      throw new Error(`${name} did not reach Running`);
    };
    const layers = async (name: string) =>
      Object.fromEntries(
        (await get(`/sandboxes/${name}/health`)).body.layers.map((l: any) => [
          l.layer,
          [l.required, l.state],
        ]),
      );

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      const backend = await startTestBackend({
        features: [
          karsPlugin,
          mockServices.rootConfig.factory({
            data: {
              kars: {
                clusters: [
                  {
                    name: 'primary',
                    type: 'kubeconfig',
                    kubeconfigPath: target.backendKubeconfigPath,
                    workloadIdentityClientId:
                      '00000000-0000-4000-8000-000000000001',
                    usage: { prometheusUrl: target.prometheusUrl },
                  },
                ],
              },
            },
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      await send('post', '/sandboxes', {
        name: 'tenant-a',
        spec: {
          sandbox: { isolation: 'enhanced' },
          tokenBudget: { dailyTokens: 1_000_000, monthlyTokens: 20_000_000 },
          channels: [{ type: 'telegram' }, { type: 'slack' }],
        },
        credentials: { TELEGRAM_BOT_TOKEN: TELEGRAM },
      });
      await send('post', '/sandboxes', {
        name: 'tenant-b',
        spec: { sandbox: { isolation: 'confidential' }, model: 'Phi-4' },
      });
      await send('post', '/sandboxes', {
        name: 'tenant-c',
        spec: { sandbox: { isolation: 'standard' }, model: 'gpt-4o' },
      });
      for (const name of ['tenant-a', 'tenant-b', 'tenant-c'])
        await running(name);
    });
    afterAll(async () => {
      await stop?.();
      await target?.stop();
    });

    it('reports each enforcement layer for the three isolation levels, from their running pods', async () => {
      expect(await layers('tenant-a')).toEqual({
        // The running pod's effective security context, read from the cluster.
        podSecurity: [true, 'verified'],
        network: [true, 'verified'],
        // The workload simulator's kubelet reports the egress-guard init container exited 0.
        perContainerEgress: [true, 'verified'],
        rbac: [true, 'verified'],
        // The pod runs kars-strict; nothing runs the installer DaemonSet here, so it is not ready.
        seccomp: [true, 'declared'],
        kata: [false, 'missing'],
        resourceLimits: [true, 'verified'],
        // The simulated Prometheus answers kars_tokens_total for tenant-a, within its limits.
        tokenBudgets: [true, 'verified'],
        identity: [true, 'declared'],
      });
      const b = await layers('tenant-b');
      expect(b.kata).toEqual([true, 'verified']);
      expect(b.seccomp).toEqual([false, 'verified']);
      const c = await layers('tenant-c');
      expect(c.kata).toEqual([false, 'missing']);
      expect(c.tokenBudgets).toEqual([true, 'missing']);
    });

    it("shows each tenant's pods Running on its pool's node, and tenant-b's Kata layer from its pod on the Kata node", async () => {
      for (const [name, pool] of [
        ['tenant-a', 'sandbox'],
        ['tenant-b', 'sandbox-kata'],
        ['tenant-c', 'sandbox'],
      ]) {
        const { pods } = (await get(`/sandboxes/${name}/health`)).body;
        expect(pods.map((p: any) => [p.phase, p.ready, p.pool])).toEqual([
          ['Running', true, pool],
        ]);
        expect(
          pods[0].containers.map((c: any) => [c.name, c.init, c.state]),
        ).toEqual([
          ['egress-guard', true, 'terminated'],
          ['openclaw', false, 'running'],
          ['inference-router', false, 'running'],
        ]);
      }
      const health = (await get('/sandboxes/tenant-b/health')).body;
      const [pod] = health.pods;
      expect(pod).toMatchObject({
        nodeName: 'sandbox-kata-0',
        runtimeClassName: 'kata-vm-isolation',
        nodeRuntimeHandlers: ['runc', 'kata'],
      });
      const kata = health.layers.find((l: any) => l.layer === 'kata');
      expect(kata.evidence).toEqual([
        `pod ${pod.name} runtimeClassName kata-vm-isolation runs on node sandbox-kata-0 (pool sandbox-kata), which offers runtime handlers runc, kata`,
        'RuntimeClass kata-vm-isolation handler kata',
      ]);
    });

    const agent = { name: 'openclaw' };
    it.each<[string, string[], object]>([
      ['crash-loop', ['CrashLoopBackOff'], agent],
      ['image-pull-error', ['ErrImagePull', 'ImagePullBackOff'], agent],
      ['oom-killed', ['OOMKilled'], agent],
      [
        'unschedulable',
        ['Unschedulable'],
        {
          phase: 'Pending',
          message: expect.stringMatching(/^0\/\d+ nodes are available/),
        },
      ],
    ])(
      'shows an injected %s fault with its reason, turns Degraded with it, and recovers',
      async (fault, reasons, where) => {
        const deployment = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'tenant-c',
          namespace: 'kars-tenant-c',
        };
        const annotate = (value: string | null) =>
          target.admin.mergePatch(
            deployment,
            {
              metadata: {
                annotations: {
                  'workload-simulator.kars.azure.com/fault': value,
                },
              },
            },
            { fieldManager: 'fault-injector' },
          );
        await annotate(fault);
        const degraded = await eventually(
          `tenant-c Degraded with ${reasons}`,
          async () => {
            const { status } = (await get('/sandboxes/tenant-c')).body;
            const ready = status?.conditions?.find(
              (c: any) => c.type === 'Ready',
            );
            return (
              status?.phase === 'Degraded' &&
              reasons.includes(ready?.reason) &&
              status
            );
          },
        );
        expect(
          degraded.conditions.find((c: any) => c.type === 'Degraded'),
        ).toMatchObject({ status: 'True' });
        const shown = await eventually(
          `the pod of tenant-c shows ${reasons}`,
          async () =>
            (await get('/sandboxes/tenant-c/health')).body.pods
              .flatMap((p: any) => [p, ...p.containers])
              .find(
                (c: any) =>
                  reasons.includes(c.reason) ||
                  reasons.includes(c.lastTermination?.reason),
              ),
        );
        expect(shown).toMatchObject(where);
        // The reconciler keeps its own fields and leaves the injector's annotation.
        expect(
          (await target.admin.get<any>(deployment))!.metadata.annotations[
            'workload-simulator.kars.azure.com/fault'
          ],
        ).toBe(fault);
        await annotate(null);
        await running('tenant-c');
        const health = (await get('/sandboxes/tenant-c/health')).body;
        expect(
          health.conditions.find((c: any) => c.type === 'Degraded').status,
        ).toBe('False');
      },
    );

    it('reports Kata missing when the pod of tenant-b is made to run on a node without the kata handler', async () => {
      const node = (name: string) => ({
        apiVersion: 'v1',
        kind: 'Node',
        name,
      });
      // sandbox-0 joins the Kata pool without the handler; the Kata node takes no new pod.
      await target.admin.mergePatch(node('sandbox-0'), {
        metadata: { labels: { 'kars.azure.com/pool': 'sandbox-kata' } },
      });
      await target.admin.mergePatch(node('sandbox-kata-0'), {
        spec: { unschedulable: true },
      });
      const [before] = (
        await target.admin.list('v1', 'Pod', {
          namespace: 'kars-tenant-b',
          labelSelector: 'kars.azure.com/sandbox=tenant-b',
        })
      ).items;
      await target.admin.delete({
        apiVersion: 'v1',
        kind: 'Pod',
        name: before.metadata.name,
        namespace: 'kars-tenant-b',
      });
      const kata = await eventually(
        'tenant-b running on sandbox-0 with Kata missing',
        async () => {
          const health = (await get('/sandboxes/tenant-b/health')).body;
          const layer = health.layers.find((l: any) => l.layer === 'kata');
          return (
            health.pods.some(
              (p: any) => p.phase === 'Running' && p.nodeName === 'sandbox-0',
            ) &&
            layer.state !== 'unknown' &&
            layer
          );
        },
      );
      expect(kata).toMatchObject({ required: true, state: 'missing' });
      await running('tenant-b');
      expect(kata.evidence[0]).toMatch(
        /runtimeClassName kata-vm-isolation runs on node sandbox-0 \(pool sandbox-kata\), which offers runtime handlers runc$/,
      );
    });

    it('reports budget use against the limits from the usage source', async () => {
      const health = (await get('/sandboxes/tenant-a/health')).body;
      expect(health.budget.state).toBe('ok');
      const daily = health.budget.windows.find(
        (w: any) => w.window === 'daily',
      );
      expect(daily.limit).toBe(1_000_000);
      expect(typeof daily.used).toBe('number');
      expect(daily.headroom).toBe(Math.max(0, 1_000_000 - daily.used));
      expect(health.simulated).toBe(false);
      expect(health.workload).toMatchObject({
        state: 'ready',
        readyReplicas: 1,
        restarts: 0,
      });
      expect(health.identity.federatedCredentialSubject).toBe(
        'system:serviceaccount:kars-tenant-a:sandbox',
      );
    });

    it('reports a channel without credentials, and the connection only where the agent’s log can be read', async () => {
      // The emulator serves the simulated agent's log, which says telegram connected and slack
      // disabled; kube-apiserver has no kubelet behind its nodes to read a log from.
      const telegram =
        targetName === 'emulator'
          ? {
              connection: 'connected',
              connectionSource: "the agent's log (OpenClaw format)",
            }
          : { connection: 'unknown' };
      const health = await eventually('the channel states', async () => {
        const body = (await get('/sandboxes/tenant-a/health')).body;
        return body.channels[0].connection === telegram.connection && body;
      });
      expect(health.channels).toEqual([
        {
          channel: 'telegram',
          state: 'configured',
          workload: 'ready',
          ...telegram,
        },
        {
          channel: 'slack',
          state: 'credentials-missing',
          workload: 'ready',
          connection: 'unknown',
        },
        {
          channel: 'discord',
          state: 'not-enabled',
          workload: 'unknown',
          connection: 'unknown',
        },
        {
          channel: 'whatsapp',
          state: 'not-enabled',
          workload: 'unknown',
          connection: 'unknown',
        },
      ]);
      const list = (await get('/sandboxes?trouble=true')).body.items.map(
        (s: any) => [s.name, s.channelTrouble],
      );
      expect(list).toEqual([['tenant-a', ['slack']]]);
    });

    it('reports a foreign NetworkPolicy as a finding', async () => {
      await target.admin.create({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-all-egress', namespace: 'kars-tenant-c' },
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
      });
      const health = (await get('/sandboxes/tenant-c/health')).body;
      expect(
        health.layers.find((l: { layer: string }) => l.layer === 'network')
          .state,
      ).toBe('missing');
      expect(health.findings).toContainEqual(
        expect.objectContaining({
          code: 'ForeignNetworkPolicy',
          object: 'NetworkPolicy/kars-tenant-c/allow-all-egress',
        }),
      );
    });

    it('reports Kata missing when the cluster has no RuntimeClass', async () => {
      await target.admin.delete({
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        name: 'kata-vm-isolation',
      });
      const kata = (await get('/sandboxes/tenant-b/health')).body.layers.find(
        (l: any) => l.layer === 'kata',
      );
      expect([kata.required, kata.state, kata.summary]).toEqual([
        true,
        'missing',
        'RuntimeClass kata-vm-isolation does not exist on this cluster',
      ]);
    });

    it('rotates tenant-a only: its Secret changes and its Deployment rolls; tenant-b keeps its resourceVersions', async () => {
      const ref = (kind: string, name: string, ns: string) => ({
        apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
        kind,
        name,
        namespace: ns,
      });
      const bSecret = await target.admin.get(
        ref('Secret', 'router-admin-token', 'kars-tenant-b'),
      );
      const bDeploy = await target.admin.get(
        ref('Deployment', 'tenant-b', 'kars-tenant-b'),
      );
      const res = await send('put', '/sandboxes/tenant-a/credentials', {
        credentials: { SLACK_BOT_TOKEN: SLACK },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        credentialKeys: ['SLACK_BOT_TOKEN', 'TELEGRAM_BOT_TOKEN'],
        restarted: true,
      });
      const secret = await target.admin.get<any>(
        ref('Secret', 'tenant-a-credentials', 'kars-tenant-a'),
      );
      expect(
        Buffer.from(secret.data.SLACK_BOT_TOKEN, 'base64').toString(),
      ).toBe(SLACK);
      expect(
        Buffer.from(secret.data.TELEGRAM_BOT_TOKEN, 'base64').toString(),
      ).toBe(TELEGRAM);
      const asked = (await target.admin.get({
        apiVersion: 'kars.azure.com/v1alpha1',
        kind: 'KarsSandbox',
        name: 'tenant-a',
        namespace: 'kars-system',
      }))!.metadata.annotations!['kars.azure.com/restarted-at'];
      expect(Date.parse(asked)).not.toBeNaN();
      await eventually('the Deployment of tenant-a rolled', async () => {
        const aDeploy = await target.admin.get<any>(
          ref('Deployment', 'tenant-a', 'kars-tenant-a'),
        );
        return (
          aDeploy.spec.template.metadata.annotations[
            'kars.azure.com/restarted-at'
          ] === asked
        );
      });
      expect(
        (await target.admin.get(
          ref('Secret', 'router-admin-token', 'kars-tenant-b'),
        ))!.metadata.resourceVersion,
      ).toBe(bSecret!.metadata.resourceVersion);
      expect(
        (await target.admin.get(
          ref('Deployment', 'tenant-b', 'kars-tenant-b'),
        ))!.metadata.resourceVersion,
      ).toBe(bDeploy!.metadata.resourceVersion);
      expect(
        await target.admin.get(
          ref('Secret', 'tenant-b-credentials', 'kars-tenant-b'),
        ),
      ).toBeUndefined();
      const health = (await get('/sandboxes/tenant-a/health')).body;
      expect(
        health.channels.find((c: any) => c.channel === 'slack').state,
      ).toBe('configured');
      const events = (await get('/sandboxes/tenant-a/events')).body.items;
      expect(events[0]).toMatchObject({
        action: 'credentials.update',
        outcome: 'succeeded',
      });
    });

    it('never shows a credential value in any answer', () => {
      const all = bodies.join('\n');
      expect(all).not.toContain(TELEGRAM);
      expect(all).not.toContain(SLACK);
      expect(all).not.toContain('SeCrEt');
    });
  },
);

describe('UsageReader', () => {
  it('reports the budget source as unknown when it is down', async () => {
    const reader = new UsageReader(
      'http://127.0.0.1:1',
      mockServices.logger.mock(),
      { timeoutMs: 1000 },
    );
    const snapshot = await reader.snapshot();
    expect(snapshot.ok).toBe(false);
    expect(snapshot.message).toMatch(/did not answer/);
  });

  it('reports no source when none is configured', async () => {
    const snapshot = await new UsageReader(
      undefined,
      mockServices.logger.mock(),
    ).snapshot();
    expect(snapshot).toMatchObject({ ok: false, source: 'none' });
  });
});
