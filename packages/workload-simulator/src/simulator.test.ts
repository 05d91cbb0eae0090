import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  missingBinaryReason,
  startKubeTestenv,
  SWITCH_ENV,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import { startWorkloadSimulator, WorkloadSimulator } from '.';

type TargetName = 'emulator' | 'kube-apiserver';

/** The emulator always; the real kube-apiserver when built (with CI=true it must be). */
function targetNames(): TargetName[] {
  if (process.env[SWITCH_ENV] === 'off') return ['emulator'];
  if (testenvBinaryPath()) return ['emulator', 'kube-apiserver'];
  if (process.env.CI === 'true')
    throw new Error(
      `kube-testenv is required with CI=true: ${missingBinaryReason()}`,
    );
  return ['emulator'];
}

async function startTarget(name: TargetName) {
  if (name === 'emulator') return startKubeEmulator({ port: 0 });
  // No controller at all: nothing but the simulator writes a Deployment's status.
  return startKubeTestenv({ controllers: 'none' });
}

interface JsonResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Plain JSON to the API server of a kubeconfig (TLS and the token from the kubeconfig). */
function kubeJson(kubeconfigPath: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const server = new URL(kc.getCurrentCluster()!.server);
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<JsonResponse> => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options: https.RequestOptions = {
      method,
      headers: { accept: 'application/json', 'content-type': contentType },
      agent: false,
    };
    await kc.applyToHTTPSOptions(options);
    const transport = server.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(new URL(path, server), options, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      });
      req.on('error', reject);
      req.end(payload);
    });
  };
  return {
    get: (path: string) => request('GET', path),
    post: (path: string, body: unknown) => request('POST', path, body),
    patch: (path: string, body: unknown) =>
      request('PATCH', path, body, 'application/merge-patch+json'),
  };
}

/** Polls `fn` until it stops throwing (or the time is up). */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 25));
    }
  }
}

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    labels: {
      'kars.azure.com/component': 'sandbox',
      'kars.azure.com/sandbox': name,
    },
  },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          { name: 'agent', image: 'agent:1' },
          {
            name: 'inference-router',
            image: 'router:1',
            env: [{ name: 'AZURE_OPENAI_DEPLOYMENT', value: 'gpt-4o' }],
          },
        ],
      },
    },
  },
});

describe.each(targetNames())('workload simulator on %s', name => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  let sim: WorkloadSimulator;
  let api: ReturnType<typeof kubeJson>;
  const deployments = '/apis/apps/v1/namespaces/kars-alpha/deployments';

  beforeAll(async () => {
    target = await startTarget(name);
    api = kubeJson(target.kubeconfigPath);
    const ns = await api.post('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kars-alpha' },
    });
    if (ns.status !== 201)
      throw new Error(`creating the namespace: HTTP ${ns.status}`);
    sim = await startWorkloadSimulator({
      kubeconfigPath: target.kubeconfigPath,
      readyDelayMs: 150,
      prometheusPort: 0,
      seed: 7,
    });
  }, 200_000);
  afterAll(async () => {
    await sim?.stop();
    await target?.stop();
  }, 60_000);

  it('makes a sandbox Deployment available after the delay, and reports suspension as zero replicas', async () => {
    expect((await api.post(deployments, deployment('alpha', 1))).status).toBe(
      201,
    );
    expect((await api.get(`${deployments}/alpha`)).json.status).toEqual({});
    const available = await eventually(async () => {
      const d = (await api.get(`${deployments}/alpha`)).json;
      expect(d.status.availableReplicas).toBe(1);
      return d;
    });
    expect(available.status).toMatchObject({
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        },
      ],
    });
    await api.patch(`${deployments}/alpha`, { spec: { replicas: 0 } });
    const suspended = await eventually(async () => {
      const d = (await api.get(`${deployments}/alpha`)).json;
      expect(d.status.observedGeneration).toBe(2);
      return d;
    });
    expect(suspended.status.availableReplicas).toBeUndefined();
    expect(suspended.status.replicas).toBeUndefined();
  });

  it('leaves Deployments that are not sandboxes alone', async () => {
    const other = deployment('other', 1);
    other.metadata.labels = {
      'kars.azure.com/component': 'system',
      'kars.azure.com/sandbox': 'other',
    };
    expect((await api.post(deployments, other)).status).toBe(201);
    await new Promise(r => setTimeout(r, 400));
    expect((await api.get(`${deployments}/other`)).json.status).toEqual({});
  });

  it('answers the Prometheus query API for kars_tokens_total, marked as simulated', async () => {
    const query = async (q: string) => {
      const res = await fetch(
        `${sim.prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}`,
      );
      expect(res.headers.get('x-kars-simulated')).toBe('true');
      return { status: res.status, body: await res.json() };
    };
    await eventually(async () =>
      expect((await query('kars_tokens_total')).body.data.result).toHaveLength(
        2,
      ),
    );
    const raw = await query('kars_tokens_total{sandbox="alpha"}');
    expect(raw.body.status).toBe('success');
    expect(
      raw.body.data.result.map((r: { metric: object }) => r.metric),
    ).toEqual([
      {
        __name__: 'kars_tokens_total',
        sandbox: 'alpha',
        model: 'gpt-4o',
        direction: 'input',
      },
      {
        __name__: 'kars_tokens_total',
        sandbox: 'alpha',
        model: 'gpt-4o',
        direction: 'output',
      },
    ]);
    const daily = await query(
      'sum by (sandbox) (increase(kars_tokens_total[1d]))',
    );
    expect(daily.body.data).toEqual({
      resultType: 'vector',
      result: [
        {
          metric: { sandbox: 'alpha' },
          value: [expect.any(Number), expect.stringMatching(/^\d+$/)],
        },
      ],
    });
    const post = await fetch(`${sim.prometheusUrl}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        query:
          'sum by (sandbox) (increase(kars_tokens_total{sandbox="alpha"}[30d]))',
      }),
    });
    expect((await post.json()).data.result).toHaveLength(1);
    const bad = await query('rate(http_requests_total[5m])');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('answers range queries as a matrix', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await fetch(
      `${sim.prometheusUrl}/api/v1/query_range?query=${encodeURIComponent(
        'sum by (sandbox) (increase(kars_tokens_total[1d]))',
      )}&start=${now - 60}&end=${now}&step=30`,
    );
    const body = await res.json();
    expect(body.data.resultType).toBe('matrix');
    expect(body.data.result[0].values.length).toBeGreaterThanOrEqual(1);
  });
});
