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
 * The Kata layer observed on a pod that the real Deployment controller, kube-scheduler and kwok
 * run (not the workload simulator): a confidential sandbox's pod on the Kata node of kwok, whose
 * status reports the kata runtime handler.
 */
(kwokAvailable() ? describe : describe.skip)(
  'health on a real control plane whose pods kwok runs',
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
