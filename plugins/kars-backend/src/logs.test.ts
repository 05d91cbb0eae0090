import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { kubeEventsResponseSchema } from '@kars-portal/plugin-kars-common';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { backendGateway, eventually } from './__testUtils__/backend';
import { karsPlugin } from './plugin';

jest.setTimeout(180_000);

/** A credential whose value is also the model name: the simulated agent and router print it. */
const LEAKED = 'leaky-model-sk-4f3e2d1c';
const SLACK = 'xoxb-9999-8888-NeVeRpRiNtEd';

/** A GET that streams: the status, the headers, and each chunk as it comes, until `stop()`. */
function streamGet(url: string, auth: string) {
  const chunks: string[] = [];
  let closed = false;
  const req = http.get(url, { headers: { Authorization: auth } });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', res => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => chunks.push(chunk));
      res.on('close', () => {
        closed = true;
      });
      resolve(res);
    });
    req.on('error', reject);
  });
  return {
    response,
    text: () => chunks.join(''),
    closed: () => closed,
    stop: () => req.destroy(),
  };
}

describe.each(clusterTargetNames())('logs and events on the %s', targetName => {
  let target: ClusterTarget;
  let server: http.Server;
  let baseUrl: string;
  let stop: () => Promise<void>;
  const jane = mockCredentials.user.header('user:default/jane');
  const get = (path: string) =>
    request(server).get(`/api/kars${path}`).set('Authorization', jane);

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
                },
              ],
            },
          },
        }),
      ],
    });
    server = backend.server;
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/kars`;
    stop = () => backend.stop();
    const created = await request(server)
      .post('/api/kars/sandboxes')
      .set('Authorization', jane)
      .send({
        name: 'tenant-a',
        spec: { model: LEAKED },
        credentials: { OPENAI_API_KEY: LEAKED, SLACK_BOT_TOKEN: SLACK },
      });
    if (created.status !== 201) {
      throw new Error(`tenant-a was not created: ${created.status}`);
    }
    await eventually(
      'tenant-a Running',
      async () =>
        (await get('/sandboxes/tenant-a')).body.status?.phase === 'Running',
    );
  });
  afterAll(async () => {
    await stop?.();
    await target?.stop();
  });

  it('lets the backend get pods/log and list events, and not exec, attach or port-forward (SelfSubjectAccessReview as its ServiceAccount)', async () => {
    const gateway = backendGateway(target);
    const can = async (
      verb: string,
      resource: string,
      subresource?: string,
      namespace = 'kars-tenant-a',
    ) =>
      (
        await gateway.create<any>({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          metadata: { name: '' },
          spec: {
            resourceAttributes: { namespace, verb, resource, subresource },
          },
        })
      ).status?.allowed === true;
    expect({
      getLog: await can('get', 'pods', 'log'),
      listEvents: await can('list', 'events'),
      listSandboxEvents: await can('list', 'events', undefined, 'kars-system'),
      getExec: await can('get', 'pods', 'exec'),
      createExec: await can('create', 'pods', 'exec'),
      createPortforward: await can('create', 'pods', 'portforward'),
      getPortforward: await can('get', 'pods', 'portforward'),
      createAttach: await can('create', 'pods', 'attach'),
    }).toEqual({
      getLog: true,
      listEvents: true,
      listSandboxEvents: true,
      getExec: false,
      createExec: false,
      createPortforward: false,
      getPortforward: false,
      createAttach: false,
    });
  });

  it('shows the Kubernetes Events of the tenant namespace, newest first', async () => {
    const res = await eventually('a Started event', async () => {
      const answer = await get('/sandboxes/tenant-a/kube-events');
      return (
        answer.status === 200 &&
        answer.body.items.some((e: any) => e.reason === 'Started') &&
        answer
      );
    });
    const { items } = kubeEventsResponseSchema.parse(res.body);
    const pod = items.find(e => e.reason === 'Scheduled')!;
    expect(pod.involvedObject).toMatchObject({
      kind: 'Pod',
      namespace: 'kars-tenant-a',
    });
    expect(pod.involvedObject.name).toMatch(/^tenant-a-/);
    expect(pod.count).toBeGreaterThanOrEqual(1);
    const times = items.map(e => Date.parse(e.lastTime ?? ''));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(res.text).not.toContain(SLACK);
    expect((await get('/sandboxes/nope/kube-events')).status).toBe(404);
  });

  it('shows the Events about the KarsSandbox too: the reconciler repairing a foreign edit', async () => {
    await target.admin.mergePatch(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        name: 'sandbox-policy',
        namespace: 'kars-tenant-a',
      },
      { spec: { egress: [] } },
      { fieldManager: 'someone-else' },
    );
    const repaired = await eventually('a DriftRepaired event', async () => {
      const { items } = kubeEventsResponseSchema.parse(
        (await get('/sandboxes/tenant-a/kube-events')).body,
      );
      return items.find(e => e.reason === 'DriftRepaired');
    });
    expect(repaired).toMatchObject({
      type: 'Warning',
      involvedObject: {
        kind: 'KarsSandbox',
        name: 'tenant-a',
        namespace: 'kars-system',
      },
      source: 'kars.azure.com/kars-portal',
    });
    expect(repaired.message).toContain(
      'NetworkPolicy kars-tenant-a/sandbox-policy',
    );
    expect(repaired.lastTime).toBeDefined();
  });

  it('refuses a bad query with 400 naming the field and the rule', async () => {
    const bad = await get(
      '/sandboxes/tenant-a/logs?container=shell&tailLines=5001&follow=yes',
    );
    expect(bad.status).toBe(400);
    const message = bad.body.error.message;
    expect(message).toContain('query.container must be one of agent');
    expect(message).toContain('query.tailLines must be at most 5000');
    expect(message).toContain('query.follow must be one of true, false');
    const zero = await get('/sandboxes/tenant-a/logs?tailLines=0&extra=1');
    expect(zero.status).toBe(400);
    expect(zero.body.error.message).toContain(
      'query.tailLines must be at least 1',
    );
    expect((await get('/sandboxes/nope/logs')).status).toBe(404);
  });

  if (targetName === 'kube-apiserver') {
    it('answers 502 with the reason when the cluster cannot read the log (no kubelet behind the node)', async () => {
      const started = Date.now();
      const res = await get('/sandboxes/tenant-a/logs?tailLines=5');
      expect(res.status).toBe(502);
      expect(res.body.error.message).toMatch(
        /^the cluster failed to read the logs of container openclaw of pod tenant-a-[a-z0-9-]+ \(500 .*:10250\/containerLogs\/.*\)$/,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      const follow = await get('/sandboxes/tenant-a/logs?follow=true');
      expect(follow.status).toBe(502);
    });
    return;
  }

  it('answers the last lines of a container, with the credential values redacted', async () => {
    const res = await eventually('five agent lines', async () => {
      const answer = await get('/sandboxes/tenant-a/logs?tailLines=5');
      return answer.text.split('\n').length > 5 && answer;
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text.trimEnd().split('\n')).toHaveLength(5);
    const all = await get('/sandboxes/tenant-a/logs?tailLines=5000');
    // The simulated agent (OpenClaw, the default runtime) prints its model at start-up: the
    // credential of the same value.
    expect(all.text).toContain(
      '[openclaw] starting gateway (model [redacted:OPENAI_API_KEY])',
    );
    const router = await get(
      '/sandboxes/tenant-a/logs?container=inference-router&tailLines=50',
    );
    expect(router.status).toBe(200);
    expect(router.text).toContain('"model":"[redacted:OPENAI_API_KEY]"');
    const guard = await get('/sandboxes/tenant-a/logs?container=egress-guard');
    expect(guard.text).toContain('egress-guard: rules in place');
    for (const text of [all.text, router.text, guard.text]) {
      expect(text).not.toContain(LEAKED);
      expect(text).not.toContain(SLACK);
    }
  });

  it('streams with follow until the caller hangs up, redacted', async () => {
    const follow = streamGet(
      `${baseUrl}/sandboxes/tenant-a/logs?container=inference-router&tailLines=1&follow=true`,
      jane,
    );
    const res = await follow.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const first = await eventually('the tail line', async () =>
      follow.text().includes('\n') ? follow.text() : undefined,
    );
    // The simulator writes a line every interval: the stream grows while it stays open, and the
    // router's lines that carry its key come at seeded random times, not in every line.
    await eventually(
      'a line written after the request, and a line with the key',
      async () =>
        follow.text().split('\n').length > first.split('\n').length &&
        follow.text().includes('[redacted:OPENAI_API_KEY]'),
      30_000,
    );
    expect(follow.closed()).toBe(false);
    follow.stop();
    expect(follow.text()).not.toContain(LEAKED);
    expect(follow.text()).toContain('[redacted:OPENAI_API_KEY]');
  });
});
