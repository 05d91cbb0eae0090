import fs from 'node:fs';
import path from 'node:path';
import { IncomingMessage } from 'node:http';
import { loadYaml } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { startKubeTestenv } from '@kars-portal/kube-testenv';
import {
  DEFAULT_NODE_POOLS,
  FAULT_ANNOTATION,
  TOKEN_BURST_ANNOTATION,
  startWorkloadSimulator,
  WorkloadSimulator,
  WorkloadSimulatorOptions,
} from '.';
import {
  eventually,
  kubeJson,
  sandboxDeployment,
  TargetName,
  targetNames,
} from './__testUtils__/cluster';

jest.setTimeout(120_000);

// The repository's deploy/ folder: tests run from their sources.
// eslint-disable-next-line no-restricted-syntax
const KATA_RUNTIME_CLASS_FILE = path.resolve(
  __dirname,
  '../../../deploy/31-runtimeclass-kata.yaml',
);

/**
 * A target and a simulator on it. On the emulator, pods/log is served by the simulator through the
 * emulator's podLogs option; kube-apiserver runs its default controllers (garbage collector
 * included, no Deployment controller), so the simulator's ReplicaSets and Pods must hold up there.
 */
async function startCluster(
  name: TargetName,
  options: WorkloadSimulatorOptions,
) {
  // The emulator starts first; its pods/log asks the simulator started on it.
  const logs: { source?: WorkloadSimulator['podLogs'] } = {};
  const target =
    name === 'emulator'
      ? await startKubeEmulator({ port: 0, podLogs: r => logs.source!(r) })
      : await startKubeTestenv();
  const api = kubeJson(target.kubeconfigPath);
  const sim = await startWorkloadSimulator({
    kubeconfigPath: target.kubeconfigPath,
    prometheusPort: 0,
    ...options,
  });
  logs.source = request => sim.podLogs(request);
  return {
    api,
    sim,
    async stop() {
      await sim.stop();
      await target.stop();
    },
  };
}

async function namespace(api: ReturnType<typeof kubeJson>, name: string) {
  const res = await api.post('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  if (res.status !== 201)
    throw new Error(`namespace ${name}: HTTP ${res.status}`);
}

/** The core/v1 view of the events about an object (events.k8s.io ones included). */
async function eventsAbout(
  api: ReturnType<typeof kubeJson>,
  ns: string,
  name: string,
) {
  const list = (await api.get(`/api/v1/namespaces/${ns}/events`)).json;
  return (list.items as any[])
    .filter(e => e.involvedObject.name === name)
    .map(e => ({
      reason: e.reason,
      type: e.type,
      message: e.message,
      fieldPath: e.involvedObject.fieldPath,
      count: e.count ?? e.series?.count ?? 1,
      component: e.source?.component || e.reportingComponent,
    }));
}

/** The one pod of a Deployment (by its sandbox label). */
async function podOf(
  api: ReturnType<typeof kubeJson>,
  ns: string,
  sandbox: string,
) {
  const list = (
    await api.get(
      `/api/v1/namespaces/${ns}/pods?labelSelector=kars.azure.com/sandbox%3D${sandbox}`,
    )
  ).json;
  const live = (list.items as any[]).filter(p => !p.metadata.deletionTimestamp);
  if (live.length !== 1) throw new Error(`${live.length} pods of ${sandbox}`);
  return live[0];
}

const containerStatus = (pod: any, name: string) =>
  [
    ...(pod.status.initContainerStatuses ?? []),
    ...(pod.status.containerStatuses ?? []),
  ].find((s: any) => s.name === name);

describe.each(targetNames())('workload simulator on %s', name => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  const ns = 'kars-alpha';
  const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;

  beforeAll(async () => {
    cluster = await startCluster(name, {
      readyDelayMs: 300,
      backoffMs: 200,
      logIntervalMs: 100,
      seed: 7,
    });
    await namespace(cluster.api, ns);
    const runtimeClass = loadYaml(
      fs.readFileSync(KATA_RUNTIME_CLASS_FILE, 'utf8'),
    );
    const created = await cluster.api.post(
      '/apis/node.k8s.io/v1/runtimeclasses',
      runtimeClass,
    );
    if (created.status !== 201)
      throw new Error(`the RuntimeClass: HTTP ${created.status}`);
  }, 200_000);
  afterAll(() => cluster?.stop(), 60_000);

  it('runs a sandbox Deployment as the controllers, the scheduler and a kubelet would: a ReplicaSet, a Running pod on a default-pool node, events, status', async () => {
    const { api } = cluster;
    expect(
      (await api.post(deployments, sandboxDeployment('alpha'))).status,
    ).toBe(201);
    const d = await eventually(async () => {
      const live = (await api.get(`${deployments}/alpha`)).json;
      expect(live.status.availableReplicas).toBe(1);
      return live;
    });
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe(
      '1',
    );
    expect(d.status).toMatchObject({
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
    const rss = (await api.get(`/apis/apps/v1/namespaces/${ns}/replicasets`))
      .json.items;
    expect(rss).toHaveLength(1);
    const [rs] = rss;
    const hash = rs.metadata.labels['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs.metadata.name).toBe(`alpha-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'alpha',
        uid: d.metadata.uid,
        controller: true,
      }),
    ]);
    expect(rs.spec.selector.matchLabels['pod-template-hash']).toBe(hash);
    expect(rs.status).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });

    const pod = await podOf(api, ns, 'alpha');
    expect(pod.metadata.name).toMatch(
      new RegExp(`^alpha-${hash}-[a-z0-9]{5}$`),
    );
    expect(pod.metadata.labels['pod-template-hash']).toBe(hash);
    expect(pod.metadata.ownerReferences[0]).toMatchObject({
      kind: 'ReplicaSet',
      uid: rs.metadata.uid,
    });
    const node = (await api.get(`/api/v1/nodes/${pod.spec.nodeName}`)).json;
    expect(node.metadata.labels['kars.azure.com/pool']).toBe('sandbox');
    expect(pod.status).toMatchObject({
      phase: 'Running',
      hostIP: node.status.addresses.find((a: any) => a.type === 'InternalIP')
        .address,
      podIP: expect.stringMatching(/^10\.244\.\d+\.\d+$/),
    });
    expect(pod.status.conditions.map((c: any) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    expect(containerStatus(pod, 'egress-guard')).toMatchObject({
      ready: true,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    for (const c of ['agent', 'inference-router'])
      expect(containerStatus(pod, c)).toMatchObject({
        ready: true,
        started: true,
        restartCount: 0,
        containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/),
        imageID: expect.stringMatching(/@sha256:[0-9a-f]{64}$/),
        state: { running: { startedAt: expect.any(String) } },
      });

    const podEvents = await eventually(async () => {
      const events = await eventsAbout(api, ns, pod.metadata.name);
      expect(events.filter(e => e.reason === 'Started')).toHaveLength(3);
      return events;
    });
    expect(podEvents).toContainEqual(
      expect.objectContaining({
        reason: 'Scheduled',
        type: 'Normal',
        message: `Successfully assigned ${ns}/${pod.metadata.name} to ${pod.spec.nodeName}`,
      }),
    );
    for (const [c, image] of [
      ['initContainers{egress-guard}', 'egress-guard'],
      ['containers{agent}', 'agent-runtime'],
      ['containers{inference-router}', 'inference-router'],
    ]) {
      const of = podEvents.filter(e => e.fieldPath === `spec.${c}`);
      expect(of.map(e => e.reason)).toEqual(
        expect.arrayContaining(['Created', 'Started']),
      );
      expect(of.every(e => e.component === 'kubelet')).toBe(true);
      expect(of.find(e => e.reason === 'Pulled')?.message).toMatch(
        new RegExp(`image "ghcr.io/azure/kars/${image}:0.1.18"`),
      );
    }
    await eventually(async () =>
      expect(await eventsAbout(api, ns, 'alpha')).toContainEqual(
        expect.objectContaining({
          reason: 'ScalingReplicaSet',
          message: `Scaled up replica set alpha-${hash} from 0 to 1`,
        }),
      ),
    );
    await eventually(async () =>
      expect(await eventsAbout(api, ns, rs.metadata.name)).toContainEqual(
        expect.objectContaining({
          reason: 'SuccessfulCreate',
          message: `Created pod: ${pod.metadata.name}`,
        }),
      ),
    );
  });

  it('suspends: replicas 0 removes the pod and the status counts', async () => {
    const { api } = cluster;
    await api.patch(`${deployments}/alpha`, { spec: { replicas: 0 } });
    const suspended = await eventually(async () => {
      const d = (await api.get(`${deployments}/alpha`)).json;
      expect(d.status.observedGeneration).toBe(2);
      expect(d.status.replicas).toBeUndefined();
      return d;
    });
    expect(suspended.status.availableReplicas).toBeUndefined();
    await eventually(async () =>
      expect(
        (
          await api.get(
            `/api/v1/namespaces/${ns}/pods?labelSelector=kars.azure.com/sandbox%3Dalpha`,
          )
        ).json.items,
      ).toEqual([]),
    );
  });

  it('rolls a changed pod template to a new ReplicaSet (Recreate: the old one first scaled to 0)', async () => {
    const { api } = cluster;
    await api.patch(`${deployments}/alpha`, {
      spec: {
        replicas: 1,
        template: {
          metadata: {
            annotations: {
              'kars.azure.com/restarted-at': '2026-01-01T00:00:00Z',
            },
          },
        },
      },
    });
    const d = await eventually(async () => {
      const live = (await api.get(`${deployments}/alpha`)).json;
      expect(live.status).toMatchObject({
        observedGeneration: 3,
        availableReplicas: 1,
        updatedReplicas: 1,
      });
      return live;
    });
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe(
      '2',
    );
    const rss = (await api.get(`/apis/apps/v1/namespaces/${ns}/replicasets`))
      .json.items;
    expect(
      rss
        .map((rs: any) => [
          rs.metadata.annotations['deployment.kubernetes.io/revision'],
          rs.spec.replicas,
        ])
        .sort(),
    ).toEqual([
      ['1', 0],
      ['2', 1],
    ]);
  });

  it("runs a confidential sandbox's pod on a sandbox-kata node, which offers the kata handler", async () => {
    const { api } = cluster;
    expect(
      (
        await api.post(
          deployments,
          sandboxDeployment('secret', { confidential: true }),
        )
      ).status,
    ).toBe(201);
    const pod = await eventually(async () => {
      const p = await podOf(api, ns, 'secret');
      expect(p.status.phase).toBe('Running');
      return p;
    });
    expect(pod.spec.nodeName).toBe('sandbox-kata-0');
    const node = (await api.get('/api/v1/nodes/sandbox-kata-0')).json;
    expect(node.metadata.labels).toMatchObject({
      'kars.azure.com/pool': 'sandbox-kata',
      'katacontainers.io/kata-runtime': 'true',
    });
    expect(node.spec.taints).toEqual([
      { key: 'kars.azure.com/sandbox', value: 'true', effect: 'NoSchedule' },
    ]);
    expect(node.status.runtimeHandlers.map((h: any) => h.name)).toContain(
      'kata',
    );
    expect(
      node.status.conditions.find((c: any) => c.type === 'Ready').status,
    ).toBe('True');
  });

  it('image-pull-error: ErrImagePull, then ImagePullBackOff, with the events the kubelet writes', async () => {
    const { api } = cluster;
    await api.post(
      deployments,
      sandboxDeployment('pull', { fault: 'image-pull-error' }),
    );
    const pod = await eventually(async () => {
      const p = await podOf(api, ns, 'pull');
      expect(containerStatus(p, 'agent').state.waiting?.reason).toBe(
        'ImagePullBackOff',
      );
      expect(containerStatus(p, 'inference-router').ready).toBe(true);
      return p;
    });
    const image = 'ghcr.io/azure/kars/agent-runtime:0.1.18';
    expect(containerStatus(pod, 'agent')).toMatchObject({
      ready: false,
      started: false,
      restartCount: 0,
      state: {
        waiting: {
          message: `Back-off pulling image "${image}": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
        },
      },
    });
    expect(
      pod.status.conditions.find((c: any) => c.type === 'Ready'),
    ).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [agent]',
    });
    await eventually(async () => {
      const events = (await eventsAbout(api, ns, pod.metadata.name)).filter(
        e => e.fieldPath === 'spec.containers{agent}',
      );
      expect(events.map(e => [e.type, e.reason, e.message])).toEqual(
        expect.arrayContaining([
          ['Normal', 'Pulling', `Pulling image "${image}"`],
          [
            'Warning',
            'Failed',
            expect.stringMatching(
              /^Failed to pull image ".*": rpc error: code = NotFound/,
            ),
          ],
          ['Warning', 'Failed', 'Error: ErrImagePull'],
          ['Normal', 'BackOff', `Back-off pulling image "${image}"`],
          ['Warning', 'Failed', 'Error: ImagePullBackOff'],
        ]),
      );
    });
    expect(
      (await api.get(`${deployments}/pull`)).json.status.conditions[0],
    ).toMatchObject({
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
  });

  it('crash-loop, injected into a running sandbox: its pod is replaced, then restarts grow in CrashLoopBackOff', async () => {
    const { api } = cluster;
    await api.post(deployments, sandboxDeployment('crash'));
    const first = await eventually(async () => {
      const p = await podOf(api, ns, 'crash');
      expect(containerStatus(p, 'agent').ready).toBe(true);
      return p;
    });
    await api.patch(`${deployments}/crash`, {
      metadata: { annotations: { [FAULT_ANNOTATION]: 'crash-loop' } },
    });
    const pod = await eventually(async () => {
      const p = await podOf(api, ns, 'crash');
      expect(p.metadata.uid).not.toBe(first.metadata.uid);
      const agent = containerStatus(p, 'agent');
      expect(agent.restartCount).toBeGreaterThanOrEqual(2);
      expect(agent.state.waiting?.reason).toBe('CrashLoopBackOff');
      return p;
    }, 20_000);
    const agent = containerStatus(pod, 'agent');
    const desc = `${pod.metadata.name}_${ns}(${pod.metadata.uid})`;
    expect(agent.state.waiting.message).toMatch(
      new RegExp(
        `^back-off \\d+ms restarting failed container=agent pod=${desc.replace(
          /[()]/g,
          '\\$&',
        )}$`,
      ),
    );
    expect(agent.lastState.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(pod.status.phase).toBe('Running');
    const later = await eventually(async () => {
      const p = await podOf(api, ns, 'crash');
      expect(containerStatus(p, 'agent').restartCount).toBeGreaterThan(
        agent.restartCount,
      );
      return p;
    }, 20_000);
    const events = await eventually(async () => {
      const all = await eventsAbout(api, ns, later.metadata.name);
      expect(all.map(e => e.reason)).toContain('BackOff');
      return all;
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container agent in pod ${desc}`,
        fieldPath: 'spec.containers{agent}',
      }),
    );
    expect(
      events.find(
        e => e.reason === 'Started' && e.fieldPath === 'spec.containers{agent}',
      )!.count,
    ).toBeGreaterThanOrEqual(2);
  });

  it('oom-killed: the container is OOMKilled (137) and restarted; the node says OOMKilling', async () => {
    const { api } = cluster;
    await api.post(
      deployments,
      sandboxDeployment('oom', { fault: 'oom-killed' }),
    );
    const pod = await eventually(async () => {
      const p = await podOf(api, ns, 'oom');
      expect(containerStatus(p, 'agent').lastState.terminated?.reason).toBe(
        'OOMKilled',
      );
      return p;
    });
    expect(containerStatus(pod, 'agent').lastState.terminated.exitCode).toBe(
      137,
    );
    const nodeEvents = await eventually(async () => {
      const list = (await api.get('/api/v1/namespaces/default/events')).json
        .items as any[];
      const oom = list.filter(
        e =>
          e.reason === 'OOMKilling' &&
          e.involvedObject.name === pod.spec.nodeName,
      );
      expect(oom.length).toBeGreaterThan(0);
      return oom;
    });
    expect(nodeEvents[0]).toMatchObject({
      type: 'Warning',
      involvedObject: { kind: 'Node' },
      source: { component: 'kernel-monitor', host: pod.spec.nodeName },
      message: expect.stringMatching(
        /^Memory cgroup out of memory: Killed process \d+ \(agent\) .* UID:1000 /,
      ),
    });
  });

  it('unschedulable: Pending, PodScheduled False, and FailedScheduling as kube-scheduler words it', async () => {
    const { api } = cluster;
    await api.post(
      deployments,
      sandboxDeployment('stuck', { fault: 'unschedulable' }),
    );
    const message =
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const pod = await eventually(async () => {
      const p = await podOf(api, ns, 'stuck');
      expect(p.status.conditions?.[0]?.reason).toBe('Unschedulable');
      return p;
    });
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.conditions).toEqual([
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
      }),
    ]);
    await eventually(async () =>
      expect(await eventsAbout(api, ns, pod.metadata.name)).toContainEqual(
        expect.objectContaining({
          type: 'Warning',
          reason: 'FailedScheduling',
          message,
        }),
      ),
    );
  });

  // kube-apiserver proxies pods/log to the kubelet of the pod's node; a simulated node has none.
  if (name === 'kube-apiserver')
    it("answers pods/log with the proxy's 500: the simulated node's kubelet does not exist", async () => {
      const { api } = cluster;
      const pod = await podOf(api, ns, 'secret');
      const res = await api.get(
        `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/log?container=agent`,
      );
      expect(res.status).toBe(500);
      expect(res.json.message).toContain(
        `"https://sandbox-kata-0:10250/containerLogs/${ns}/${pod.metadata.name}/agent"`,
      );
    });
  else
    it("serves and streams container logs through the emulator (tailLines, timestamps, container=, follow, previous, the kubelet's errors)", async () => {
      const { api } = cluster;
      const pod = await podOf(api, ns, 'secret');
      const logs = `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/log`;
      const router = await api.get(`${logs}?container=inference-router`);
      expect(router.status).toBe(200);
      const lines = router.text.trimEnd().split('\n');
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 'info',
        msg: 'inference router starting',
        model: 'gpt-4o',
      });
      expect(lines.some(l => JSON.parse(l).msg === 'inference request')).toBe(
        true,
      );
      // A line written between the two reads shifts the tail: read both again then.
      await eventually(async () => {
        const all = (await api.get(`${logs}?container=inference-router`)).text
          .trimEnd()
          .split('\n');
        const tail = await api.get(
          `${logs}?container=inference-router&tailLines=2&timestamps=true`,
        );
        expect(tail.text.trimEnd().split('\n')).toEqual(
          all
            .slice(-2)
            .map(l =>
              expect.stringMatching(
                new RegExp(
                  `^\\d{4}-\\d\\d-\\d\\dT[\\d:]+\\.\\d{9}Z ${l.replace(
                    /[.*+?^${}()|[\]\\]/g,
                    '\\$&',
                  )}$`,
                ),
              ),
            ),
        );
      });
      expect((await api.get(`${logs}?container=egress-guard`)).text).toBe(
        'egress-guard: rules in place; DNS only to 10.0.0.10\n',
      );
      expect((await api.get(`${logs}?container=agent`)).text).toMatch(
        /^INFO kars\.runtime: starting BYO runtime \(model=gpt-4o\)\n/,
      );

      const res: IncomingMessage = await api.stream(
        `${logs}?container=agent&follow=true&tailLines=0`,
      );
      expect(res.statusCode).toBe(200);
      const streamed = await new Promise<string[]>((resolve, reject) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
          const got = text.split('\n').filter(Boolean);
          if (got.length >= 3) {
            res.destroy();
            resolve(got);
          }
        });
        res.on('error', reject);
      });
      expect(
        streamed.every(l =>
          /^INFO kars\.runtime: task [0-9a-f]{6} completed/.test(l),
        ),
      ).toBe(true);

      const crash = await podOf(api, ns, 'crash');
      const previous = await api.get(
        `/api/v1/namespaces/${ns}/pods/${crash.metadata.name}/log?container=agent&previous=true`,
      );
      expect(previous.text.trimEnd().split('\n').slice(-1)).toEqual([
        'ConnectionRefusedError: [Errno 111] Connection refused',
      ]);
      const pulling = await podOf(api, ns, 'pull');
      const waiting = await api.get(
        `/api/v1/namespaces/${ns}/pods/${pulling.metadata.name}/log?container=agent`,
      );
      expect(waiting.status).toBe(400);
      expect(waiting.json).toMatchObject({
        reason: 'BadRequest',
        message: `container "agent" in pod "${pulling.metadata.name}" is waiting to start: trying and failing to pull image`,
      });
      const noPrevious = await api.get(`${logs}?container=agent&previous=true`);
      expect(noPrevious.json.message).toBe(
        `previous terminated container "agent" in pod "${pod.metadata.name}" not found`,
      );
    });

  it('answers the Prometheus query API for kars_tokens_total, marked as simulated', async () => {
    const { sim } = cluster;
    const query = async (q: string) => {
      const res = await fetch(
        `${sim.prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}`,
      );
      expect(res.headers.get('x-kars-simulated')).toBe('true');
      return { status: res.status, body: await res.json() };
    };
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
      'sum by (sandbox) (increase(kars_tokens_total{sandbox="alpha"}[1d]))',
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
    // A burst asked for with the annotation: the day's input use grows by it, at once.
    const inputToday = async () =>
      Number(
        (
          await query(
            'sum by (sandbox) (increase(kars_tokens_total{sandbox="alpha",direction="input"}[1d]))',
          )
        ).body.data.result[0].value[1],
      );
    const before = await inputToday();
    await cluster.api.patch(`${deployments}/alpha`, {
      metadata: { annotations: { [TOKEN_BURST_ANNOTATION]: '5000000' } },
    });
    const burst = await eventually(async () => {
      const after = await inputToday();
      expect(after - before).toBeGreaterThanOrEqual(5_000_000);
      return after - before;
    });
    // The seeded use of a few seconds is thousands of times smaller than the burst.
    expect(burst).toBeLessThan(5_001_000);
    const bad = await query('rate(http_requests_total[5m])');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    const now = Math.floor(Date.now() / 1000);
    const range = await fetch(
      `${sim.prometheusUrl}/api/v1/query_range?query=${encodeURIComponent(
        'sum by (sandbox) (increase(kars_tokens_total[1d]))',
      )}&start=${now - 60}&end=${now}&step=30`,
    );
    const body = await range.json();
    expect(body.data.resultType).toBe('matrix');
    expect(body.data.result[0].values.length).toBeGreaterThanOrEqual(1);
  });
});

describe.each(targetNames())(
  'workload simulator on %s without a sandbox-kata pool',
  name => {
    let cluster: Awaited<ReturnType<typeof startCluster>>;

    beforeAll(async () => {
      cluster = await startCluster(name, {
        readyDelayMs: 300,
        nodePools: DEFAULT_NODE_POOLS.filter(p => p.name !== 'sandbox-kata'),
      });
      await namespace(cluster.api, 'kars-b');
    }, 200_000);
    afterAll(() => cluster?.stop(), 60_000);

    it('leaves a confidential sandbox Pending, as kube-scheduler would', async () => {
      const { api } = cluster;
      // No RuntimeClass here: on kube-apiserver its admission would refuse the pod.
      await api.post(
        '/apis/apps/v1/namespaces/kars-b/deployments',
        sandboxDeployment('b', { confidential: true, runtimeClass: false }),
      );
      const message =
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
      const pod = await eventually(async () => {
        const p = await podOf(api, 'kars-b', 'b');
        expect(p.status.conditions?.[0]?.message).toBe(message);
        return p;
      });
      expect(pod.status.phase).toBe('Pending');
      // The scheduler writes the pod's condition first, then its event and the Deployment's status.
      await eventually(async () =>
        expect(
          await eventsAbout(api, 'kars-b', pod.metadata.name),
        ).toContainEqual(
          expect.objectContaining({
            reason: 'FailedScheduling',
            type: 'Warning',
            message,
          }),
        ),
      );
      await eventually(async () =>
        expect(
          (
            await api.get('/apis/apps/v1/namespaces/kars-b/deployments/b')
          ).json.status,
        ).toMatchObject({
          replicas: 1,
          unavailableReplicas: 1,
          conditions: expect.arrayContaining([
            expect.objectContaining({ type: 'Available', status: 'False' }),
          ]),
        }),
      );
    });
  },
);
