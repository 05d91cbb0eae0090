import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeEmulator, startKubeEmulator } from './emulator';
import { eventually, RawClient, rawClient } from './testing/rawClient';
import { configMap, deployCrds, karsSandbox } from './testing/fixtures';

const cm = (ns: string, name = '') =>
  `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;
const sandboxes = (ns: string, name = '') =>
  `/apis/kars.azure.com/v1alpha1/namespaces/${ns}/karssandboxes${
    name ? `/${name}` : ''
  }`;

describe('kube-emulator', () => {
  let emu: KubeEmulator;
  let api: RawClient;
  let nsCounter = 0;
  const newNamespace = async () => {
    const name = `t${++nsCounter}`;
    expect(
      (await api.post('/api/v1/namespaces', { metadata: { name } })).status,
    ).toBe(201);
    return name;
  };

  beforeAll(async () => {
    emu = await startKubeEmulator({ crds: deployCrds() });
    api = rawClient(emu.url, emu.token);
  });
  afterAll(() => emu.stop());

  it('serves client-node with the kubeconfig it writes', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(emu.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const ns = await newNamespace();
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' }, data: { k: 'v' } },
    });
    const read = await core.readNamespacedConfigMap({
      namespace: ns,
      name: 'a',
    });
    expect(read.data).toEqual({ k: 'v' });
    expect(read.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    await expect(
      core.readNamespacedConfigMap({ namespace: ns, name: 'missing' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('answers errors with Status bodies: 404, 409 AlreadyExists, 422 Invalid', async () => {
    const ns = await newNamespace();
    expect((await api.get(cm(ns, 'nope'))).json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'configmaps' },
      code: 404,
    });
    await api.post(cm(ns), configMap('dup'));
    const dup = await api.post(cm(ns), configMap('dup'));
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({
      reason: 'AlreadyExists',
      details: { name: 'dup', kind: 'configmaps' },
    });
    const bad = await api.post(cm(ns), configMap('Bad_Name'));
    expect(bad.status).toBe(422);
    expect(bad.json.details.causes).toEqual([
      expect.objectContaining({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
      }),
    ]);
    const deploy = await api.post(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        },
      },
    );
    expect(deploy.status).toBe(422);
    expect(deploy.json.details).toMatchObject({
      group: 'apps',
      kind: 'Deployment',
    });
  });

  it('bumps resourceVersion on every write and refuses a stale update with 409 Conflict', async () => {
    const ns = await newNamespace();
    const created = (await api.post(cm(ns), configMap('rv', { a: '1' }))).json;
    const updated = (
      await api.put(cm(ns, 'rv'), { ...created, data: { a: '2' } })
    ).json;
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    const stale = await api.put(cm(ns, 'rv'), { ...created, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toContain('the object has been modified');
    const unchanged = await api.put(cm(ns, 'rv'), updated);
    expect(unchanged.json.metadata.resourceVersion).toBe(
      updated.metadata.resourceVersion,
    );
  });

  it('fills Deployment defaults and bumps generation on spec changes only', async () => {
    const ns = await newNamespace();
    const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const created = await api.post(path, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'nginx:latest',
                ports: [{ containerPort: 80 }],
                resources: { requests: { cpu: '0.5' } },
              },
            ],
          },
        },
      },
    });
    expect(created.status).toBe(201);
    const d = created.json;
    expect(d.metadata.generation).toBe(1);
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
    });
    expect(d.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
    });
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: { requests: { cpu: '500m' } },
    });
    expect(d.status).toEqual({});
    const labelled = await api.patch(`${path}/web`, {
      metadata: { labels: { x: 'y' } },
    });
    expect(labelled.json.metadata.generation).toBe(1);
    const scaled = await api.patch(`${path}/web`, { spec: { replicas: 3 } });
    expect(scaled.json.metadata.generation).toBe(2);
    const status = await api.patch(`${path}/web/status`, {
      status: { readyReplicas: 3 },
      spec: { replicas: 9 },
    });
    expect(status.json.status.readyReplicas).toBe(3);
    expect(status.json.spec.replicas).toBe(3);
    expect(status.json.metadata.generation).toBe(2);
  });

  it('allocates Service cluster IPs and fills Service defaults', async () => {
    const ns = await newNamespace();
    const svc = await api.post(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 8443 }] },
    });
    expect(svc.json.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: [{ port: 8443, protocol: 'TCP', targetPort: 8443 }],
    });
    expect(svc.json.spec.clusterIP).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(svc.json.spec.clusterIPs).toEqual([svc.json.spec.clusterIP]);
  });

  it('keeps an object with finalizers until they are gone, then deletes it', async () => {
    const ns = await newNamespace();
    await api.post(
      cm(ns),
      configMap('fin', {}, { finalizers: ['example.com/hold'] }),
    );
    const deleting = await api.del(cm(ns, 'fin'));
    expect(deleting.status).toBe(200);
    expect(deleting.json.metadata.deletionTimestamp).toBeDefined();
    expect((await api.get(cm(ns, 'fin'))).status).toBe(200);
    const added = await api.patch(cm(ns, 'fin'), {
      metadata: { finalizers: ['example.com/hold', 'example.com/more'] },
    });
    expect(added.status).toBe(422);
    await api.patch(cm(ns, 'fin'), { metadata: { finalizers: null } });
    expect((await api.get(cm(ns, 'fin'))).status).toBe(404);
  });

  it('terminates a namespace: Terminating, refuses new content with 403, removes contents, then itself', async () => {
    const ns = await newNamespace();
    await api.post(
      cm(ns),
      configMap('held', {}, { finalizers: ['example.com/hold'] }),
    );
    await api.post(cm(ns), configMap('free'));
    const del = await api.del(`/api/v1/namespaces/${ns}`);
    expect(del.json.status.phase).toBe('Terminating');
    await eventually(async () =>
      expect((await api.get(cm(ns, 'free'))).status).toBe(404),
    );
    const refused = await api.post(cm(ns), configMap('late'));
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe(
      `configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
    );
    expect((await api.get(`/api/v1/namespaces/${ns}`)).json.status.phase).toBe(
      'Terminating',
    );
    await api.patch(cm(ns, 'held'), { metadata: { finalizers: null } });
    await eventually(async () =>
      expect((await api.get(`/api/v1/namespaces/${ns}`)).status).toBe(404),
    );
  });

  it('filters lists by label and field selectors and pages them with limit and continue', async () => {
    const ns = await newNamespace();
    for (let i = 0; i < 5; i++) {
      await api.post(
        cm(ns),
        configMap(`c${i}`, {}, { labels: { tier: i % 2 ? 'odd' : 'even' } }),
      );
    }
    const names = (r: { json: { items: { metadata: { name: string } }[] } }) =>
      r.json.items.map(o => o.metadata.name);
    expect(names(await api.get(`${cm(ns)}?labelSelector=tier%3Dodd`))).toEqual([
      'c1',
      'c3',
    ]);
    expect(
      names(await api.get(`${cm(ns)}?labelSelector=tier%20notin%20(odd)`)),
    ).toEqual(['c0', 'c2', 'c4']);
    expect(
      names(await api.get(`${cm(ns)}?fieldSelector=metadata.name%3Dc2`)),
    ).toEqual(['c2']);
    expect((await api.get(`${cm(ns)}?fieldSelector=data.x%3D1`)).status).toBe(
      400,
    );
    const first = await api.get(`${cm(ns)}?limit=2`);
    expect(names(first)).toEqual(['c0', 'c1']);
    expect(first.json.metadata.remainingItemCount).toBe(3);
    await api.post(cm(ns), configMap('c9'));
    const second = await api.get(
      `${cm(ns)}?limit=10&continue=${encodeURIComponent(
        first.json.metadata.continue,
      )}`,
    );
    expect(names(second)).toEqual(['c2', 'c3', 'c4']);
    expect(second.json.metadata.continue).toBeUndefined();
    expect((await api.get(`${cm(ns)}?limit=2&continue=garbage`)).status).toBe(
      400,
    );
  });

  it('does not persist a dry run', async () => {
    const ns = await newNamespace();
    const dry = await api.request(
      'POST',
      `${cm(ns)}?dryRun=All`,
      configMap('dry'),
    );
    expect(dry.status).toBe(201);
    expect((await api.get(cm(ns, 'dry'))).status).toBe(404);
  });

  it('applies server-side: managed fields per manager, conflicts, forced takeover and field removal', async () => {
    const ns = await newNamespace();
    const path = cm(ns, 'ssa');
    const first = await api.apply(
      path,
      configMap('ssa', { a: '1', b: '2' }),
      'alice',
    );
    expect(first.status).toBe(201);
    expect(first.json.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'alice',
        operation: 'Apply',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      }),
    ]);
    const same = await api.apply(
      path,
      configMap('ssa', { a: '1', b: '2' }),
      'alice',
    );
    expect(same.json.metadata.resourceVersion).toBe(
      first.json.metadata.resourceVersion,
    );
    const clash = await api.apply(path, configMap('ssa', { a: 'bob' }), 'bob');
    expect(clash.status).toBe(409);
    expect(clash.json.message).toBe(
      'Apply failed with 1 conflict: conflict with "alice": .data.a',
    );
    expect(clash.json.details.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "alice"',
        field: '.data.a',
      },
    ]);
    const forced = await api.apply(
      path,
      configMap('ssa', { a: 'bob' }),
      'bob',
      true,
    );
    expect(forced.json.data).toEqual({ a: 'bob', b: '2' });
    const dropped = await api.apply(
      path,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' } },
      'alice',
    );
    expect(dropped.json.data).toEqual({ a: 'bob' });
    expect(
      dropped.json.metadata.managedFields.map(
        (m: { manager: string }) => m.manager,
      ),
    ).toEqual(['bob']);
  });

  it('validates, defaults and prunes custom resources by their structural schema', async () => {
    const ns = await newNamespace();
    // tokenBudget does not keep unknown fields (the spec itself keeps kars's own).
    const created = await api.post(sandboxes(ns), {
      ...karsSandbox('s1'),
      spec: { ...karsSandbox('s1').spec, tokenBudget: { bogus: 1 } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('warning')).toContain(
      'unknown field \\"spec.tokenBudget.bogus\\"',
    );
    expect(created.json.spec.tokenBudget.bogus).toBeUndefined();
    expect(created.json.spec.sandbox).toEqual({ isolation: 'enhanced' });
    expect(created.json.spec.contentSafety.hate).toBe('Medium');
    const bad = await api.post(
      sandboxes(ns),
      karsSandbox('s2', { sandbox: { isolation: 'bogus' } }),
    );
    expect(bad.status).toBe(422);
    expect(bad.json.details.causes[0]).toEqual({
      reason: 'FieldValueNotSupported',
      message:
        'Unsupported value: "bogus": supported values: "standard", "enhanced", "confidential"',
      field: 'spec.sandbox.isolation',
    });
    const dupes = await api.post(
      sandboxes(ns),
      karsSandbox('s3', { channels: [{ type: 'slack' }, { type: 'slack' }] }),
    );
    expect(dupes.json.details.causes).toEqual([
      {
        reason: 'FieldValueDuplicate',
        message: 'Duplicate value: {"type":"slack"}',
        field: 'spec.channels[1]',
      },
    ]);
  });

  it('serves the status subresource of custom resources apart from the main resource', async () => {
    const ns = await newNamespace();
    await api.post(sandboxes(ns), karsSandbox('st'));
    const status = await api.patch(`${sandboxes(ns, 'st')}/status`, {
      status: { phase: 'Running' },
      spec: { model: 'x' },
    });
    expect(status.json.status.phase).toBe('Running');
    expect(status.json.spec.model).toBe('gpt-4o');
    expect(status.json.metadata.generation).toBe(1);
    const main = await api.patch(sandboxes(ns, 'st'), {
      status: { phase: 'Failed' },
      spec: { model: 'gpt-4.1' },
    });
    expect(main.json.status.phase).toBe('Running');
    expect(main.json.metadata.generation).toBe(2);
    expect(
      (
        await api.patch(
          sandboxes(ns, 'st'),
          { spec: {} },
          'application/strategic-merge-patch+json',
        )
      ).status,
    ).toBe(415);
  });

  it('renders Tables with built-in and CRD printer columns', async () => {
    const ns = await newNamespace();
    await api.post(sandboxes(ns), karsSandbox('tab'));
    const accept = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    const table = (await api.get(sandboxes(ns), accept)).json;
    expect(
      table.columnDefinitions
        .filter((c: { priority: number }) => !c.priority)
        .map((c: { name: string }) => c.name),
    ).toEqual(['Name', 'Phase', 'Model', 'Isolation', 'Age']);
    expect(table.rows[0].cells.slice(0, 4)).toEqual([
      'tab',
      null,
      'gpt-4o',
      'enhanced',
    ]);
    const nsTable = (await api.get('/api/v1/namespaces', accept)).json;
    expect(
      nsTable.columnDefinitions.map((c: { name: string }) => c.name),
    ).toEqual(['Name', 'Status', 'Age']);
  });

  it('keeps its state in a file across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
    const stateFile = join(dir, 'state.json');
    try {
      const one = await startKubeEmulator({ stateFile, crds: deployCrds() });
      const a = rawClient(one.url, one.token);
      await a.post('/api/v1/namespaces', { metadata: { name: 'keep' } });
      await a.post(sandboxes('keep'), karsSandbox('kept'));
      await one.stop();
      expect(
        JSON.parse(readFileSync(stateFile, 'utf8')).resources[
          'karssandboxes.kars.azure.com'
        ],
      ).toHaveLength(1);
      const two = await startKubeEmulator({ stateFile, crds: deployCrds() });
      const b = rawClient(two.url, two.token);
      const kept = await b.get(sandboxes('keep', 'kept'));
      expect(kept.status).toBe(200);
      const next = await b.post(cm('keep'), configMap('after'));
      expect(Number(next.json.metadata.resourceVersion)).toBeGreaterThan(
        Number(kept.json.metadata.resourceVersion),
      );
      await two.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
