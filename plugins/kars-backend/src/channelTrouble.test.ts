import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { FAULT_ANNOTATION } from '@kars-portal/workload-simulator';
import { karsPlugin } from './plugin';
import { eventually } from './__testUtils__/backend';

jest.setTimeout(180_000);

const TELEGRAM = '123456789:AAH-ChAnNeLtRoUbLeTeLeGrAm-0123456789';
const SLACK = 'xoxb-4444-5555-ChAnNeLtRoUbLeSlAcK';

/**
 * The fleet list's channel trouble from the channel check (the `kars-channel-notices` task, run
 * here when the test says): on the emulator a channel the simulated agent's log says is failing is
 * listed as trouble while it fails; the real kube-apiserver serves no log, so a sandbox whose
 * channels all have credentials has none.
 */
describe.each(clusterTargetNames())(
  'channel trouble in the fleet list on the %s',
  targetName => {
    let target: ClusterTarget;
    let server: any;
    let stop: () => Promise<void>;
    const scheduler = mockServices.scheduler();
    const jane = mockCredentials.user.header('user:default/jane');
    const bodies: string[] = [];
    /** One channel check, then the fleet row of chan-t and whether the trouble filter lists it. */
    const afterCheck = async () => {
      await scheduler.triggerTask('kars-channel-notices');
      const all = await request(server)
        .get('/api/kars/sandboxes')
        .set('Authorization', jane);
      const troubled = await request(server)
        .get('/api/kars/sandboxes?trouble=true')
        .set('Authorization', jane);
      bodies.push(all.text, troubled.text);
      return {
        channelTrouble: all.body.items.find((s: any) => s.name === 'chan-t')
          ?.channelTrouble,
        listedAsTrouble: troubled.body.items.some(
          (s: any) => s.name === 'chan-t',
        ),
      };
    };
    const connections = async () => {
      const res = await request(server)
        .get('/api/kars/sandboxes/chan-t/health')
        .set('Authorization', jane);
      bodies.push(res.text);
      return Object.fromEntries(
        (res.body.channels ?? []).map((c: any) => [c.channel, c.connection]),
      );
    };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'chan-t',
      namespace: 'kars-chan-t',
    };
    const setFault = (fault: string | null) =>
      target.admin.mergePatch(
        deployment,
        { metadata: { annotations: { [FAULT_ANNOTATION]: fault } } },
        { fieldManager: 'chaos-test' },
      );

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      const backend = await startTestBackend({
        features: [
          karsPlugin,
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
          mockServices.rootConfig.factory({
            data: {
              kars: {
                clusters: [
                  {
                    name: 'primary',
                    type: 'kubeconfig',
                    kubeconfigPath: target.backendKubeconfigPath,
                  },
                ],
              },
            },
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      const created = await request(server)
        .post('/api/kars/sandboxes')
        .set('Authorization', jane)
        .send({
          name: 'chan-t',
          spec: { channels: [{ type: 'telegram' }, { type: 'slack' }] },
          credentials: { TELEGRAM_BOT_TOKEN: TELEGRAM, SLACK_BOT_TOKEN: SLACK },
        });
      if (created.status !== 201)
        throw new Error(`chan-t was not created: ${created.status}`);
      await eventually('chan-t running', async () => {
        const res = await request(server)
          .get('/api/kars/sandboxes/chan-t')
          .set('Authorization', jane);
        return res.body.status?.phase === 'Running';
      });
    });
    afterAll(async () => {
      await stop?.();
      await target?.stop();
    });

    if (targetName === 'emulator') {
      it('lists slack as channel trouble while the agent says it fails, and not once it connects again', async () => {
        await eventually('both channels connected', async () => {
          const c = await connections();
          return c.telegram === 'connected' && c.slack === 'connected';
        });
        expect(await afterCheck()).toEqual({
          channelTrouble: [],
          listedAsTrouble: false,
        });
        await setFault('channel-failure:slack');
        await eventually('slack listed as trouble', async () => {
          const row = await afterCheck();
          return (
            row.channelTrouble?.length === 1 &&
            row.channelTrouble[0] === 'slack' &&
            row.listedAsTrouble
          );
        });
        await setFault(null);
        await eventually('slack connected again', async () => {
          const c = await connections();
          return c.slack === 'connected';
        });
        await eventually('slack no longer trouble', async () => {
          const row = await afterCheck();
          return row.channelTrouble?.length === 0 && !row.listedAsTrouble;
        });
      });
    } else {
      it('lists no channel trouble: no kubelet serves the agent’s log', async () => {
        await setFault('channel-failure:slack');
        // The fault replaces the pod: the sandbox is trouble (not ready) until the new one is.
        await eventually('a ready pod carrying the fault', async () =>
          (
            await target.admin.list<any>('v1', 'Pod', {
              namespace: 'kars-chan-t',
            })
          ).items.some(
            p =>
              p.metadata.annotations?.[FAULT_ANNOTATION] ===
                'channel-failure:slack' &&
              p.status?.conditions?.some(
                (c: any) => c.type === 'Ready' && c.status === 'True',
              ),
          ),
        );
        await eventually('chan-t ready again under the fault', async () => {
          const row = await afterCheck();
          return !row.listedAsTrouble && row;
        });
        expect(await afterCheck()).toEqual({
          channelTrouble: [],
          listedAsTrouble: false,
        });
      });
    }

    it('never shows a channel token', () => {
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) {
        expect(body).not.toContain(TELEGRAM);
        expect(body).not.toContain(SLACK);
      }
    });
  },
);
