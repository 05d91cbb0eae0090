import { KubeEmulator, startKubeEmulator } from '../emulator';
import { eventually, RawClient, rawClient } from '../testing/rawClient';
import { startWorkloadSimulator, WorkloadSimulator } from '.';

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

describe('workload simulator', () => {
  let emu: KubeEmulator;
  let sim: WorkloadSimulator;
  let api: RawClient;
  const deployments = '/apis/apps/v1/namespaces/kars-alpha/deployments';

  beforeAll(async () => {
    emu = await startKubeEmulator();
    api = rawClient(emu.url);
    await api.post('/api/v1/namespaces', { metadata: { name: 'kars-alpha' } });
    sim = await startWorkloadSimulator({
      kubeconfigPath: emu.kubeconfigPath,
      readyDelayMs: 150,
      prometheusPort: 0,
      seed: 7,
    });
  });
  afterAll(async () => {
    await sim.stop();
    await emu.stop();
  });

  it('makes a sandbox Deployment available after the delay, and reports suspension as zero replicas', async () => {
    await api.post(deployments, deployment('alpha', 1));
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
    await api.post(deployments, other);
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
