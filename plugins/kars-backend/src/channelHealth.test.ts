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

const TELEGRAM = '123456789:AAH-ChAnNeLsTaTeTeLeGrAm-0123456789ab';
const SLACK = 'xoxb-2222-3333-ChAnNeLsTaTeSlAcK';

/**
 * Channel connections in the health report, read from what the running agent itself says: on the
 * emulator the simulated agent's log comes through pods/log; the real kube-apiserver has no
 * kubelet behind its nodes to read a log from, so it can say nothing.
 */
describe.each(clusterTargetNames())('channel states on the %s', targetName => {
  let target: ClusterTarget;
  let server: any;
  let stop: () => Promise<void>;
  const jane = mockCredentials.user.header('user:default/jane');
  const bodies: string[] = [];
  const connections = async () => {
    const res = await request(server)
      .get('/api/kars/sandboxes/chan-a/health')
      .set('Authorization', jane);
    bodies.push(res.text);
    return Object.fromEntries(
      (res.body.channels ?? [])
        .filter((c: any) => c.state !== 'not-enabled')
        .map((c: any) => [c.channel, c.connection]),
    );
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'chan-a',
    namespace: 'kars-chan-a',
  };

  beforeAll(async () => {
    // A line every 20 ms or so: the agent's connect lines soon leave the last 300 lines.
    target = await startClusterTarget(targetName, { logIntervalMs: 20 });
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
    const created = await request(server)
      .post('/api/kars/sandboxes')
      .set('Authorization', jane)
      .send({
        name: 'chan-a',
        spec: { channels: [{ type: 'telegram' }, { type: 'slack' }] },
        credentials: { TELEGRAM_BOT_TOKEN: TELEGRAM, SLACK_BOT_TOKEN: SLACK },
      });
    if (created.status !== 201)
      throw new Error(`chan-a was not created: ${created.status}`);
  });
  afterAll(async () => {
    await stop?.();
    await target?.stop();
  });

  if (targetName === 'emulator') {
    it('shows each channel connected once the agent says so, one failing under the platform’s refusal, and connected again after', async () => {
      await eventually('both channels connected', async () => {
        const c = await connections();
        return c.telegram === 'connected' && c.slack === 'connected';
      });
      // Once the agent has written more than 300 lines since, its last lines no longer say it:
      // the start of its log still does.
      const [pod] = (
        await target.admin.list<any>('v1', 'Pod', { namespace: 'kars-chan-a' })
      ).items;
      await eventually('the connect lines out of the last 300', async () => {
        let tail = '';
        for await (const chunk of await target.admin.podLog(
          'kars-chan-a',
          pod.metadata.name,
          { container: 'openclaw', tailLines: 300 },
        ))
          tail += chunk.toString();
        return tail.split('\n').length >= 300 && !/connected/.test(tail);
      });
      expect(await connections()).toEqual({
        telegram: 'connected',
        slack: 'connected',
      });
      await target.admin.mergePatch(
        deployment,
        {
          metadata: {
            annotations: { [FAULT_ANNOTATION]: 'channel-failure:slack' },
          },
        },
        { fieldManager: 'chaos-test' },
      );
      await eventually('slack failing', async () => {
        const c = await connections();
        return c.slack === 'failing' && c.telegram === 'connected';
      });
      const health = (
        await request(server)
          .get('/api/kars/sandboxes/chan-a/health')
          .set('Authorization', jane)
      ).body;
      expect(health.findings).toContainEqual({
        severity: 'warning',
        code: 'ChannelFailing',
        message:
          "channel slack is failing, as the agent's log (OpenClaw format) says",
      });
      await target.admin.mergePatch(
        deployment,
        { metadata: { annotations: { [FAULT_ANNOTATION]: null } } },
        { fieldManager: 'chaos-test' },
      );
      await eventually('slack connected again', async () => {
        const c = await connections();
        return c.slack === 'connected' && c.telegram === 'connected';
      });
    });
  } else {
    it('says unknown: no kubelet serves the agent’s log', async () => {
      await eventually('the sandbox running', async () => {
        const res = await request(server)
          .get('/api/kars/sandboxes/chan-a')
          .set('Authorization', jane);
        return res.body.status?.phase === 'Running';
      });
      expect(await connections()).toEqual({
        telegram: 'unknown',
        slack: 'unknown',
      });
    });
  }

  it('never shows a channel token', () => {
    for (const body of bodies) {
      expect(body).not.toContain(TELEGRAM);
      expect(body).not.toContain(SLACK);
    }
  });
});
