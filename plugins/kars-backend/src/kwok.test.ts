import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ClusterTarget,
  kwokAvailable,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { karsPlugin } from './plugin';
import { eventually } from './__testUtils__/backend';

jest.setTimeout(300_000);

/**
 * The rendered Deployments judged by the real workload controllers rather than the simulator:
 * kube-apiserver with kube-controller-manager's Deployment and ReplicaSet controllers, its
 * RuntimeClass admission, kube-scheduler and kwok's nodes of the simulator's two pools; and the
 * Kata layer observed on such a pod: a confidential sandbox's pod on the Kata node of kwok, whose
 * status reports the kata runtime handler.
 */
(kwokAvailable() ? describe : describe.skip)(
  'sandboxes on a real control plane whose pods the real controllers, kube-scheduler and kwok run',
  () => {
    let target: ClusterTarget;
    let server: any;
    let stop: () => Promise<void>;
    const jane = mockCredentials.user.header('user:default/jane');

    beforeAll(async () => {
      target = await startClusterTarget('kube-apiserver', {
        workloads: 'kwok',
      });
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
    }, 300_000);
    afterAll(async () => {
      await stop?.();
      await target?.stop();
    });

    it('runs each isolation level: the sandbox reaches Running from the Deployment controller, its pod on a node of its pool, a confidential one in the Kata pool with the RuntimeClass overhead', async () => {
      const levels = {
        'kw-std': 'standard',
        'kw-enh': 'enhanced',
        'kw-conf': 'confidential',
      } as const;
      for (const [name, isolation] of Object.entries(levels)) {
        const created = await request(server)
          .post('/api/kars/sandboxes')
          .set('Authorization', jane)
          .send({ name, spec: { sandbox: { isolation } } });
        expect(created.status).toBe(201);
      }
      const api = server;
      for (const name of Object.keys(levels)) {
        await eventually(
          `${name} Running`,
          async () =>
            (
              await request(api)
                .get(`/api/kars/sandboxes/${name}`)
                .set('Authorization', jane)
            ).body.status?.phase === 'Running',
          120_000,
        );
      }
      const nodes = await target.admin.list<any>('v1', 'Node', {});
      const poolOf = new Map(
        nodes.items.map(n => [
          n.metadata.name,
          n.metadata.labels['kars.azure.com/pool'],
        ]),
      );
      const seen: Record<string, unknown> = {};
      for (const name of Object.keys(levels)) {
        const namespace = `kars-${name}`;
        const { items: pods } = await target.admin.list<any>('v1', 'Pod', {
          namespace,
        });
        expect(pods).toHaveLength(1);
        const [pod] = pods;
        const { items: replicaSets } = await target.admin.list<any>(
          'apps/v1',
          'ReplicaSet',
          { namespace },
        );
        const events = await target.admin.list<any>('v1', 'Event', {
          namespace,
          fieldSelector: `involvedObject.name=${pod.metadata.name}`,
        });
        seen[name] = {
          phase: pod.status.phase,
          pool: poolOf.get(pod.spec.nodeName),
          owner: pod.metadata.ownerReferences?.[0]?.name,
          overhead: pod.spec.overhead,
          scheduledBy: events.items
            .filter(e => e.reason === 'Scheduled')
            .map(e => e.reportingComponent),
        };
        expect(replicaSets.map(rs => rs.metadata.name)).toEqual([
          pod.metadata.ownerReferences?.[0]?.name,
        ]);
      }
      expect(seen).toEqual({
        'kw-std': {
          phase: 'Running',
          pool: 'sandbox',
          owner: expect.stringMatching(/^kw-std-[a-z0-9]+$/),
          overhead: undefined,
          scheduledBy: ['default-scheduler'],
        },
        'kw-enh': {
          phase: 'Running',
          pool: 'sandbox',
          owner: expect.stringMatching(/^kw-enh-[a-z0-9]+$/),
          overhead: undefined,
          scheduledBy: ['default-scheduler'],
        },
        'kw-conf': {
          phase: 'Running',
          pool: 'sandbox-kata',
          owner: expect.stringMatching(/^kw-conf-[a-z0-9]+$/),
          overhead: { cpu: '250m', memory: '160Mi' },
          scheduledBy: ['default-scheduler'],
        },
      });
    });

    it("verifies a confidential sandbox's Kata layer from its kwok pod on the Kata node", async () => {
      const created = await request(server)
        .post('/api/kars/sandboxes')
        .set('Authorization', jane)
        .send({
          name: 'kw-kata',
          spec: { sandbox: { isolation: 'confidential' } },
        });
      expect(created.status).toBe(201);
      const health = await eventually(
        'kw-kata Running with its pod observed',
        async () => {
          const body = (
            await request(server)
              .get('/api/kars/sandboxes/kw-kata/health')
              .set('Authorization', jane)
          ).body;
          return (
            body.phase === 'Running' &&
            body.pods?.some((p: any) => p.phase === 'Running') &&
            body
          );
        },
        240_000,
      );
      const [pod] = health.pods;
      expect(pod).toMatchObject({
        nodeName: 'sandbox-kata-0',
        pool: 'sandbox-kata',
        runtimeClassName: 'kata-vm-isolation',
        nodeRuntimeHandlers: ['runc', 'kata'],
      });
      const kata = health.layers.find((l: any) => l.layer === 'kata');
      expect([kata.required, kata.state]).toEqual([true, 'verified']);
      expect(kata.evidence[0]).toBe(
        `pod ${pod.name} runtimeClassName kata-vm-isolation runs on node sandbox-kata-0 (pool sandbox-kata), which offers runtime handlers runc, kata`,
      );
    });
  },
);
