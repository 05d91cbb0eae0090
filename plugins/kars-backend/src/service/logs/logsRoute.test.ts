import { mockServices } from '@backstage/backend-test-utils';
import { KubeApiError, KubeGateway } from '@kars-portal/plugin-kars-node';
import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { fakeCluster, sandboxObject } from '../../__testUtils__/fakeClusters';
import { AuditStore } from '../../database/AuditStore';
import { createRouter } from '../../router';
import { createSandboxServices } from '../sandboxServices';
import { currentPod, podContainer, PodObject } from './SandboxLogs';

const TOKEN = 'sk-route-test-0123456789';

const pod = (
  name: string,
  phase: string,
  created: string,
  containers = ['openclaw', 'inference-router'],
  deleting = false,
): PodObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'kars-tenant-a',
    creationTimestamp: created,
    ...(deleting ? { deletionTimestamp: created } : {}),
  },
  spec: {
    containers: containers.map(c => ({ name: c })),
    initContainers: [{ name: 'egress-guard' }],
  },
  status: { phase },
});

describe('currentPod and podContainer', () => {
  it('picks a Running pod not being deleted, the newest first', () => {
    const pods = [
      pod('old-running', 'Running', '2026-12-05T10:00:00Z'),
      pod('new-pending', 'Pending', '2026-12-05T11:00:00Z'),
      pod('newer-running', 'Running', '2026-12-05T10:30:00Z'),
      pod('deleting', 'Running', '2026-12-05T12:00:00Z', undefined, true),
    ];
    expect(currentPod(pods)?.metadata.name).toBe('newer-running');
    expect(currentPod([pods[1], pods[3]])?.metadata.name).toBe('new-pending');
    expect(currentPod([pods[3]])).toBeUndefined();
  });

  it('finds the agent container whatever the runtime names it', () => {
    const openclaw = pod('p', 'Running', '2026-12-05T10:00:00Z');
    expect(podContainer(openclaw, 'agent')).toBe('openclaw');
    expect(podContainer(openclaw, 'egress-guard')).toBe('egress-guard');
    const byo = pod('p', 'Running', '2026-12-05T10:00:00Z', ['agent']);
    expect(podContainer(byo, 'agent')).toBe('agent');
    expect(podContainer(byo, 'inference-router')).toBeUndefined();
  });
});

/** The logs route on a fake cluster whose pods/log the test writes to. */
describe('GET /sandboxes/:name/logs', () => {
  let server: http.Server;
  let baseUrl: string;
  let upstream: { stream: PassThrough; signal?: AbortSignal } | undefined;
  let logError: Error | undefined;
  let secretError: Error | undefined;
  const gateway = {
    list: async () => ({
      items: [pod('tenant-a-1', 'Running', '2026-12-05T10:00:00Z')],
      resourceVersion: '1',
    }),
    get: async () => {
      if (secretError) throw secretError;
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tenant-a-credentials' },
        data: { OPENAI_API_KEY: Buffer.from(TOKEN).toString('base64') },
      };
    },
    podLog: async (
      _namespace: string,
      _pod: string,
      _options: unknown,
      signal?: AbortSignal,
    ) => {
      if (logError) throw logError;
      upstream = { stream: new PassThrough(), signal };
      return upstream.stream;
    },
  } as unknown as KubeGateway;

  beforeAll(async () => {
    const logger = mockServices.logger.mock();
    const cluster = fakeCluster({
      gateway,
      objects: () => [sandboxObject('tenant-a')],
    });
    const router = await createRouter({
      sandboxes: createSandboxServices({
        clusters: [cluster],
        audit: {} as AuditStore,
        auditor: mockServices.auditor.mock(),
        logger,
      }),
      httpAuth: mockServices.httpAuth(),
      userInfo: mockServices.userInfo(),
      permissions: mockServices.permissions(),
      permissionsRegistry: mockServices.permissionsRegistry.mock({
        getPermissionRuleset: () => ({} as any),
      }),
      logger,
      clusterInfo: async () => ({} as any),
      audit: {} as AuditStore,
    });
    // Statuses as Backstage's error middleware gives them (HttpStatusError carries its own).
    const statusOf: Record<string, number> = {
      ConflictError: 409,
      InputError: 400,
      NotAllowedError: 403,
      NotFoundError: 404,
    };
    const app = express()
      .use(router)
      .use(
        (
          error: Error & { statusCode?: number },
          _req: express.Request,
          res: express.Response,
          _next: express.NextFunction,
        ) => {
          res
            .status(error.statusCode ?? statusOf[error.name] ?? 500)
            .json({ error: { name: error.name, message: error.message } });
        },
      );
    server = app.listen(0, '127.0.0.1');
    await new Promise(r => server.once('listening', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise(r => server.close(r));
  });
  beforeEach(() => {
    upstream = undefined;
    logError = undefined;
    secretError = undefined;
  });

  const waitFor = async (what: () => boolean) => {
    for (let i = 0; i < 300 && !what(); i++) {
      await new Promise(r => setTimeout(r, 10));
    }
    expect(what()).toBe(true);
  };

  it('streams what the container writes, redacted, and ends the upstream request when the caller hangs up', async () => {
    const chunks: string[] = [];
    const req = http.get(`${baseUrl}/sandboxes/tenant-a/logs?follow=true`);
    const res = await new Promise<http.IncomingMessage>(r =>
      req.on('response', r),
    );
    expect(res.statusCode).toBe(200);
    res.setEncoding('utf8');
    res.on('data', (c: string) => chunks.push(c));
    await waitFor(() => Boolean(upstream));
    upstream!.stream.write(`key ${TOKEN.slice(0, 9)}`);
    upstream!.stream.write(`${TOKEN.slice(9)} used\nnext `);
    await waitFor(
      () => chunks.join('') === 'key [redacted:OPENAI_API_KEY] used\n',
    );
    expect(upstream!.signal?.aborted).toBe(false);
    req.destroy();
    await waitFor(() => upstream!.signal?.aborted === true);
  });

  it('answers the whole tail and ends when the container log ends', async () => {
    const answer = fetch(`${baseUrl}/sandboxes/tenant-a/logs?tailLines=2`);
    await waitFor(() => Boolean(upstream));
    upstream!.stream.end(`a\nb ${TOKEN}`);
    const res = await answer;
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('a\nb [redacted:OPENAI_API_KEY]');
  });

  it('redacts the value where the container prints it base64-encoded', async () => {
    const encoded = Buffer.from(TOKEN).toString('base64');
    const answer = fetch(`${baseUrl}/sandboxes/tenant-a/logs`);
    await waitFor(() => Boolean(upstream));
    upstream!.stream.write(`config {"apiKey":"${encoded.slice(0, 11)}`);
    upstream!.stream.end(`${encoded.slice(11)}"}\n`);
    const text = await (await answer).text();
    const windows = Array.from({ length: encoded.length - 7 }, (_, i) =>
      encoded.slice(i, i + 8),
    );
    expect(windows.some(w => text.includes(w))).toBe(false);
    expect(text).toBe('config {"apiKey":"[redacted:OPENAI_API_KEY]"}\n');
  });

  it('answers 502 when the cluster fails, 409 when the container cannot be read yet, and serves nothing when the Secret cannot be read', async () => {
    logError = new KubeApiError(500, 'InternalError', 'no kubelet answers');
    const failed = await fetch(`${baseUrl}/sandboxes/tenant-a/logs`);
    expect(failed.status).toBe(502);
    expect((await failed.json()).error.message).toBe(
      'the cluster failed to read the logs of container openclaw of pod tenant-a-1 (500 InternalError: no kubelet answers)',
    );
    logError = new KubeApiError(
      400,
      'BadRequest',
      'container "openclaw" in pod "tenant-a-1" is waiting to start',
    );
    const waiting = await fetch(`${baseUrl}/sandboxes/tenant-a/logs`);
    expect(waiting.status).toBe(409);
    logError = undefined;
    secretError = new KubeApiError(403, 'Forbidden', 'secrets is forbidden');
    const noSecret = await fetch(`${baseUrl}/sandboxes/tenant-a/logs`);
    expect(noSecret.status).toBe(502);
    expect((await noSecret.json()).error.message).toMatch(
      /could not be read to redact its logs .*; no log is shown$/,
    );
    expect(upstream).toBeUndefined();
  });
});
