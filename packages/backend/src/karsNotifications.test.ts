import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import karsBackend from '@kars-portal/plugin-kars-backend';
import karsModuleEmbeddedCluster from '@kars-portal/plugin-kars-backend-module-embedded-cluster';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';

jest.setTimeout(120_000);

/**
 * Owner notices through the portal's own wiring: the kars backend on an embedded cluster beside the
 * real notifications backend, whose recipient resolver finds the owner group's members in the
 * catalog. What a member reads from GET /api/notifications is what the portal's bell shows.
 */

const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy');

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: 'user:default/jane' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { memberOf: ['group:default/team-a'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/team-a' }],
  },
];

describe('owner notices in the portal', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-notices-'));
  const kubeconfigFile = path.join(workDir, 'embedded.kubeconfig');
  const jane = mockCredentials.user.header('user:default/jane');
  let server: any;
  let stop: (() => Promise<void>) | undefined;

  const notifications = async () =>
    (
      await request(server)
        .get('/api/notifications/notifications')
        .set('Authorization', jane)
    ).body.notifications as Array<{ payload: any; read?: string | null }>;
  const until = async <T>(what: string, fn: () => Promise<T | undefined>) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await fn();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        karsBackend,
        karsModuleEmbeddedCluster,
        notificationsBackend,
        // The real scheduler: the test backend's mock runs a task only when told to.
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            kars: {
              notifications: { budgetCheckSeconds: 1, channelCheckSeconds: 1 },
              clusters: [
                {
                  name: 'dev',
                  type: 'embedded',
                  embedded: {
                    readyDelayMs: 100,
                    bootstrapManifests: DEPLOY_DIR,
                    kubeconfigFile,
                  },
                },
              ],
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("tells the owner group's members once when a daily budget runs out", async () => {
    const created = await request(server)
      .post('/api/kars/sandboxes')
      .set('Authorization', jane)
      .send({
        name: 'notice-budget',
        spec: {
          owner: 'group:default/team-a',
          tokenBudget: { dailyTokens: 1 },
        },
      });
    expect(created.status).toBe(201);
    const notice = await until('the budget notice', async () =>
      (
        await notifications()
      ).find(n => n.payload.title.startsWith('Sandbox notice-budget')),
    );
    expect(notice.payload).toMatchObject({
      title: 'Sandbox notice-budget used up its daily token budget',
      description: expect.stringMatching(
        /^notice-budget on cluster dev used [\d,]+ of 1 tokens \(\d+ %\) in \d{4}-\d\d-\d\d; the inference router refuses further requests until the window resets\.$/,
      ),
      link: '/catalog/default/resource/notice-budget',
      severity: 'high',
      topic: 'kars.sandbox.budget',
    });
    // More checks run every second: the notice stays one, and stays as it was.
    await new Promise(r => setTimeout(r, 3_000));
    const again = (await notifications()).filter(n =>
      n.payload.title.startsWith('Sandbox notice-budget'),
    );
    expect(again).toHaveLength(1);
    expect(again[0].payload.description).toBe(notice.payload.description);
  });

  it('tells them when a sandbox turns Degraded, naming the reason', async () => {
    // A namespace kars portal did not make, then a KarsSandbox for it written with kubectl (the
    // API refuses the name): the sandbox cannot take the namespace and turns Degraded.
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigFile);
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'kars-notice-taken' } } });
    await kubeConfig.makeApiClient(KubernetesObjectApi).create({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      metadata: { name: 'notice-taken', namespace: 'kars-system' },
      spec: {
        owner: 'group:default/team-a',
        inferenceRef: { name: 'notice-taken' },
      },
    } as any);
    const notice = await until('the phase notice', async () =>
      (
        await notifications()
      ).find(n => n.payload.title === 'Sandbox notice-taken is Degraded'),
    );
    expect(notice.payload).toMatchObject({
      description: expect.stringMatching(
        /^notice-taken on cluster dev turned Degraded \(NamespaceOwnershipConflict: namespace kars-notice-taken exists and was not made by kars portal/,
      ),
      severity: 'high',
      topic: 'kars.sandbox.phase',
    });
  });

  it("tells them once when a sandbox's chat channel starts failing, and again after it connected", async () => {
    const SLACK = 'xoxb-6666-7777-NoTiCeChAnNeLsLaCk';
    const created = await request(server)
      .post('/api/kars/sandboxes')
      .set('Authorization', jane)
      .send({
        name: 'notice-chan',
        spec: {
          owner: 'group:default/team-a',
          channels: [{ type: 'slack' }],
        },
        credentials: { SLACK_BOT_TOKEN: SLACK },
      });
    expect(created.status).toBe(201);
    const get = (suffix: string) =>
      request(server)
        .get(`/api/kars/sandboxes/notice-chan${suffix}`)
        .set('Authorization', jane);
    await until('notice-chan running', async () =>
      (await get('')).body.status?.phase === 'Running' ? true : undefined,
    );
    // The workload simulator's fault: the agent logs that the platform refuses slack.
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigFile);
    const objects = kubeConfig.makeApiClient(KubernetesObjectApi);
    const setFault = (fault: string | null) =>
      objects.patch(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'notice-chan',
            namespace: 'kars-notice-chan',
            // A merge patch: null removes the annotation.
            annotations: {
              'workload-simulator.kars.azure.com/fault': fault,
            } as Record<string, string>,
          },
        },
        undefined,
        undefined,
        'chaos-test',
        undefined,
        PatchStrategy.MergePatch,
      );
    const slackNotices = async () =>
      (await notifications()).filter(
        n =>
          n.payload.title ===
          'Sandbox notice-chan: its slack channel is failing',
      );

    await setFault('channel-failure:slack');
    const [notice] = await until('the channel notice', async () => {
      const found = await slackNotices();
      return found.length ? found : undefined;
    });
    expect(notice.payload).toEqual(
      expect.objectContaining({
        description:
          "The slack channel of notice-chan on cluster dev is failing, as the agent's log (OpenClaw format) says.",
        link: '/catalog/default/resource/notice-chan',
        severity: 'high',
        topic: 'kars.sandbox.channel',
      }),
    );
    // More checks run every second while slack keeps failing: still one notice.
    await new Promise(r => setTimeout(r, 3_000));
    expect(await slackNotices()).toHaveLength(1);

    await setFault(null);
    await until('slack connected again', async () =>
      (
        await get('/health')
      ).body.channels?.find((c: any) => c.channel === 'slack')?.connection ===
      'connected'
        ? true
        : undefined,
    );
    // Checks see it connected (one runs every second) before it fails again.
    await new Promise(r => setTimeout(r, 3_000));
    expect(await slackNotices()).toHaveLength(1);
    await setFault('channel-failure:slack');
    await until('a second channel notice', async () =>
      (await slackNotices()).length === 2 ? true : undefined,
    );
    for (const n of await notifications())
      expect(JSON.stringify(n)).not.toContain(SLACK);
  });
});
