import { mockServices } from '@backstage/backend-test-utils';
import {
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from '../service/ClusterConnection';
import { buildSandboxObject } from '../service/sandboxObject';
import { CountingGateway } from '../__testUtils__/CountingGateway';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { ClusterController } from './ClusterController';
import { applySteps } from './Reconciler';
import {
  backendConnection,
  backendGateway,
  eventually,
} from '../__testUtils__/backend';
import { KubeApiError, KubeObject } from '@kars-portal/plugin-kars-node';

jest.setTimeout(180_000);

const logger = process.env.KARS_TEST_LOG
  ? mockServices.rootLogger({ level: 'debug' })
  : mockServices.logger.mock();

const seed: Record<string, SandboxSpecInput> = {
  'tenant-a': {
    sandbox: { isolation: 'enhanced' },
    model: 'gpt-4.1',
    owner: 'group:default/team-a',
    tokenBudget: { dailyTokens: 100000 },
  },
  'tenant-b': {
    sandbox: { isolation: 'confidential' },
    model: 'Phi-4',
    owner: 'group:default/team-b',
    governance: { enabled: true },
  },
  'tenant-c': {
    sandbox: { isolation: 'standard' },
    model: 'gpt-4o',
    owner: 'group:default/team-c',
  },
};

describe.each(clusterTargetNames())('the reconciler on the %s', targetName => {
  let target: ClusterTarget;
  let counting: CountingGateway;
  let connection: ClusterConnection;
  let controller: ClusterController;

  const sandboxRef = (name: string) => ({
    apiVersion: 'kars.azure.com/v1alpha1',
    kind: 'KarsSandbox',
    name,
    namespace: 'kars-system',
  });
  const get = <T extends KubeObject = any>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ) => target.admin.get<T>({ apiVersion, kind, name, namespace });
  const phaseOf = async (name: string) =>
    (await target.admin.get<any>(sandboxRef(name)))?.status?.phase;

  /** The DriftRepaired Events on a sandbox about one kind of object, read back from the server. */
  const driftEventsAbout = (sandbox: string, kind: string) =>
    eventually(
      `a DriftRepaired event on ${sandbox} about its ${kind}`,
      async () => {
        const { items } = await target.admin.list<any>(
          'events.k8s.io/v1',
          'Event',
          { namespace: 'kars-system' },
        );
        const found = items.filter(
          e =>
            e.reason === 'DriftRepaired' &&
            e.regarding?.name === sandbox &&
            e.related?.kind === kind,
        );
        return found.length > 0 && found;
      },
    );

  beforeAll(async () => {
    target = await startClusterTarget(targetName);
    counting = new CountingGateway(backendGateway(target));
    connection = backendConnection(target, counting.gateway, logger);
    controller = new ClusterController(connection, logger, {
      identity: 'replica-1',
      leaseDurationSeconds: 3,
      reconcilerOptions: { baseDelayMs: 100, maxDelayMs: 1000 },
    });
    for (const [name, spec] of Object.entries(seed)) {
      await target.admin.create(
        buildSandboxObject(name, sandboxSpecSchema.parse(spec), 'kars-system'),
      );
    }
    controller.start();
  });

  afterAll(async () => {
    await controller?.stop();
    await connection?.stop();
    await target?.stop();
  });

  it('brings the three seed tenants to Running with every invariant true on the cluster', async () => {
    for (const name of Object.keys(seed)) {
      await eventually(
        `${name} Running`,
        async () => (await phaseOf(name)) === 'Running',
      );
    }
    const a = await target.admin.get<any>(sandboxRef('tenant-a'));
    expect(a.status.observedGeneration).toBe(a.metadata.generation);
    expect(
      Object.fromEntries(
        a.status.conditions.map((c: any) => [c.type, c.status]),
      ),
    ).toMatchObject({
      Ready: 'True',
      Degraded: 'False',
      NetworkIsolated: 'True',
      BudgetConfigured: 'True',
      CredentialsConfigured: 'True',
    });
    const ns = await get('v1', 'Namespace', 'kars-tenant-a');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/audit': 'restricted',
      'kars.azure.com/role': 'sandbox',
    });
    const policy = await get(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'sandbox-policy',
      'kars-tenant-a',
    );
    expect(policy.spec.podSelector).toEqual({});
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const deployA = await get(
      'apps/v1',
      'Deployment',
      'tenant-a',
      'kars-tenant-a',
    );
    expect(deployA.spec.template.spec.securityContext.seccompProfile).toEqual({
      type: 'Localhost',
      localhostProfile: 'profiles/kars-strict.json',
    });
    const deployB = await get(
      'apps/v1',
      'Deployment',
      'tenant-b',
      'kars-tenant-b',
    );
    expect(deployB.spec.template.spec.runtimeClassName).toBe(
      'kata-vm-isolation',
    );
    expect(
      await get('v1', 'Service', 'tenant-b', 'kars-tenant-b'),
    ).toBeDefined();
    // Without governance too: A2A is on by default, and the card's in-cluster URL names it.
    expect(
      await get('v1', 'Service', 'tenant-a', 'kars-tenant-a'),
    ).toBeDefined();
    const sa = await get('v1', 'ServiceAccount', 'sandbox', 'kars-tenant-c');
    expect(sa.automountServiceAccountToken).toBe(false);
    const ip = await get(
      'kars.azure.com/v1alpha1',
      'InferencePolicy',
      'tenant-a',
      'kars-tenant-a',
    );
    expect(ip.spec.tokenBudget.dailyTokens).toBe(100000);
    for (const secret of ['gateway-token', 'router-admin-token']) {
      const s = await get('v1', 'Secret', secret, 'kars-tenant-a');
      expect(Buffer.from(s.data.token, 'base64').toString()).toMatch(
        /^[0-9a-f]{32,64}$/,
      );
    }
  });

  it('makes zero writes on a resync where nothing changed', async () => {
    await controller.whenIdle();
    await new Promise(r => setTimeout(r, 500));
    await controller.whenIdle();
    counting.reset();
    (controller as any).reconciler.enqueueAll();
    await new Promise(r => setTimeout(r, 50));
    await controller.whenIdle();
    expect(
      counting.calls.filter(c => c.method === 'get' || c.method === 'list')
        .length,
    ).toBeGreaterThanOrEqual(0);
    expect(counting.writes()).toEqual([]);
  });

  it('changes exactly the InferencePolicy and the Deployment on a budget change', async () => {
    const kinds = [
      ['v1', 'Namespace', 'kars-tenant-a', undefined],
      ['v1', 'ServiceAccount', 'sandbox', 'kars-tenant-a'],
      [
        'networking.k8s.io/v1',
        'NetworkPolicy',
        'sandbox-policy',
        'kars-tenant-a',
      ],
      [
        'v1',
        'ConfigMap',
        'karssandbox-tenant-a-egress-allowlist',
        'kars-tenant-a',
      ],
      ['v1', 'ConfigMap', 'a2aagent-tenant-a-card', 'kars-tenant-a'],
    ] as const;
    const before = await Promise.all(
      kinds.map(([v, k, n, ns]) => get(v, k, n, ns)),
    );
    const cr = await target.admin.get<any>(sandboxRef('tenant-a'));
    await target.admin.replace({
      ...cr,
      spec: {
        ...cr.spec,
        tokenBudget: { ...cr.spec.tokenBudget, dailyTokens: 5000 },
      },
    });
    await eventually(
      'the new daily budget',
      async () =>
        (
          await get(
            'kars.azure.com/v1alpha1',
            'InferencePolicy',
            'tenant-a',
            'kars-tenant-a',
          )
        ).spec.tokenBudget.dailyTokens === 5000,
    );
    const deploy = await eventually(
      'the router told the new budget',
      async () => {
        const d = await get(
          'apps/v1',
          'Deployment',
          'tenant-a',
          'kars-tenant-a',
        );
        const env = d.spec.template.spec.containers[1].env as any[];
        return (
          env.some(
            e => e.name === 'TOKEN_BUDGET_DAILY' && e.value === '5000',
          ) && d
        );
      },
    );
    expect(deploy.spec.template.spec.containers[1].env).toContainEqual({
      name: 'TOKEN_BUDGET_DAILY',
      value: '5000',
    });
    await controller.whenIdle();
    const after = await Promise.all(
      kinds.map(([v, k, n, ns]) => get(v, k, n, ns)),
    );
    expect(after.map(o => o.metadata.resourceVersion)).toEqual(
      before.map(o => o.metadata.resourceVersion),
    );
  });

  it('changes exactly the Deployment on an isolation change, removing the Kata runtime class', async () => {
    const policyBefore = await get(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'sandbox-policy',
      'kars-tenant-b',
    );
    const cr = await target.admin.get<any>(sandboxRef('tenant-b'));
    await target.admin.replace({
      ...cr,
      spec: { ...cr.spec, sandbox: { isolation: 'standard' } },
    });
    await eventually('tenant-b on runc', async () => {
      const d = await get('apps/v1', 'Deployment', 'tenant-b', 'kars-tenant-b');
      return (
        d.spec.template.spec.runtimeClassName === undefined &&
        d.spec.template.spec.securityContext.seccompProfile.type ===
          'RuntimeDefault'
      );
    });
    const d = await get('apps/v1', 'Deployment', 'tenant-b', 'kars-tenant-b');
    expect(d.spec.template.spec.nodeSelector).toEqual({
      'kars.azure.com/pool': 'sandbox',
    });
    const policyAfter = await get(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'sandbox-policy',
      'kars-tenant-b',
    );
    expect(policyAfter.metadata.resourceVersion).toBe(
      policyBefore.metadata.resourceVersion,
    );
  });

  it('restores an edited NetworkPolicy and a deleted ServiceAccount', async () => {
    await target.admin.mergePatch(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        name: 'sandbox-policy',
        namespace: 'kars-tenant-c',
      },
      { spec: { egress: [{}] } },
      { fieldManager: 'someone-else' },
    );
    await target.admin.delete({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: 'sandbox',
      namespace: 'kars-tenant-c',
    });
    const policy = await eventually('the policy restored', async () => {
      const p = await get(
        'networking.k8s.io/v1',
        'NetworkPolicy',
        'sandbox-policy',
        'kars-tenant-c',
      );
      return (
        p.spec.egress.length > 1 &&
        p.spec.egress.every((r: any) => r.ports?.length) &&
        p
      );
    });
    expect(policy.spec.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    const sa = await eventually('the ServiceAccount restored', async () =>
      get('v1', 'ServiceAccount', 'sandbox', 'kars-tenant-c'),
    );
    expect(sa.automountServiceAccountToken).toBe(false);
    const [repaired] = await driftEventsAbout('tenant-c', 'NetworkPolicy');
    expect(repaired).toMatchObject({
      type: 'Warning',
      reason: 'DriftRepaired',
      action: 'Repair',
      reportingController: 'kars.azure.com/kars-portal',
      regarding: { kind: 'KarsSandbox', name: 'tenant-c' },
      related: {
        kind: 'NetworkPolicy',
        name: 'sandbox-policy',
        namespace: 'kars-tenant-c',
      },
    });
    expect(repaired.note).toMatch(
      /^NetworkPolicy kars-tenant-c\/sandbox-policy: spec\.egress.* no longer held the rendered values; edited by someone-else \(Update at \d{4}-\d\d-\d\dT[\d:]+Z\); repaired by kars portal$/,
    );
  });

  it('converges through injected API failures without duplicates', async () => {
    counting.failNext(
      'apply',
      3,
      () => new KubeApiError(500, 'InternalError', 'injected'),
    );
    counting.failNext(
      'apply',
      1,
      () => new KubeApiError(0, 'NetworkError', 'injected timeout'),
    );
    await target.admin.create(
      buildSandboxObject(
        'tenant-f',
        sandboxSpecSchema.parse({ model: 'gpt-4.1' }),
        'kars-system',
      ),
    );
    await eventually(
      'tenant-f Running',
      async () => (await phaseOf('tenant-f')) === 'Running',
    );
    const deployments = await target.admin.list('apps/v1', 'Deployment', {
      namespace: 'kars-tenant-f',
    });
    expect(deployments.items).toHaveLength(1);
    const sandboxes = await target.admin.list(
      'kars.azure.com/v1alpha1',
      'KarsSandbox',
      { namespace: 'kars-system' },
    );
    expect(sandboxes.items.map(s => s.metadata.name).sort()).toEqual([
      'tenant-a',
      'tenant-b',
      'tenant-c',
      'tenant-f',
    ]);
  });

  it('deletes tenant-c with its namespace and nothing of the others', async () => {
    await target.admin.delete(sandboxRef('tenant-c'));
    await eventually(
      'tenant-c gone',
      async () => !(await target.admin.get(sandboxRef('tenant-c'))),
    );
    await eventually(
      'kars-tenant-c gone',
      async () => !(await get('v1', 'Namespace', 'kars-tenant-c')),
    );
    for (const name of ['tenant-a', 'tenant-b']) {
      expect(await get('v1', 'Namespace', `kars-${name}`)).toBeDefined();
      expect(
        await get('apps/v1', 'Deployment', name, `kars-${name}`),
      ).toBeDefined();
      expect(await phaseOf(name)).toBe('Running');
    }
  });

  it('never deletes a namespace it did not create', async () => {
    await target.admin.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kars-tenant-x' },
    });
    await target.admin.create(
      buildSandboxObject(
        'tenant-x',
        sandboxSpecSchema.parse({}),
        'kars-system',
      ),
    );
    await eventually('tenant-x Degraded', async () => {
      const cr = await target.admin.get<any>(sandboxRef('tenant-x'));
      return cr?.status?.conditions?.find(
        (c: any) =>
          c.type === 'Degraded' && c.reason === 'NamespaceOwnershipConflict',
      );
    });
    expect(
      await get('apps/v1', 'Deployment', 'tenant-x', 'kars-tenant-x'),
    ).toBeUndefined();
    await target.admin.delete(sandboxRef('tenant-x'));
    await eventually(
      'tenant-x gone',
      async () => !(await target.admin.get(sandboxRef('tenant-x'))),
    );
    const ns = await get('v1', 'Namespace', 'kars-tenant-x');
    expect(ns).toBeDefined();
    expect(ns.metadata.deletionTimestamp).toBeUndefined();
  });

  it('shares the shards with a second replica, which takes them all when the first stops', async () => {
    const second = new ClusterController(connection, logger, {
      identity: 'replica-2',
      leaseDurationSeconds: 3,
      reconcilerOptions: { baseDelayMs: 100, maxDelayMs: 1000 },
    });
    second.start();
    await eventually(
      'both replicas reconciling',
      async () => controller.reconciling && second.reconciling,
      20_000,
    );
    await controller.stop();
    // Sandboxes of many shards, made once the first replica is gone: each one converges.
    const names = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map(s => `tenant-${s}`);
    for (const name of names) {
      await target.admin.create(
        buildSandboxObject(name, sandboxSpecSchema.parse({}), 'kars-system'),
      );
    }
    for (const name of names) {
      await eventually(
        `${name} Running under replica-2`,
        async () => (await phaseOf(name)) === 'Running',
      );
    }
    expect(second.reconciling).toBe(true);
    await second.stop();
  });

  // These run after the tests above (which stop the first replica), with a replica and a sandbox
  // of their own.
  describe('where a Deployment is scaled through its scale subresource', () => {
    let replica: ClusterController;
    const ref = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'tenant-k',
      namespace: 'kars-tenant-k',
    };

    beforeAll(async () => {
      replica = new ClusterController(connection, logger, {
        identity: 'replica-3',
        leaseDurationSeconds: 3,
        reconcilerOptions: { baseDelayMs: 100, maxDelayMs: 1000 },
      });
      await target.admin.create(
        buildSandboxObject(
          'tenant-k',
          sandboxSpecSchema.parse({}),
          'kars-system',
        ),
      );
      replica.start();
      await eventually(
        'tenant-k Running',
        async () => (await phaseOf('tenant-k')) === 'Running',
      );
    });

    afterAll(async () => {
      await replica?.stop();
    });

    it('restores the replicas someone scaled through it (kubectl scale)', async () => {
      // The gateway port writes no scale subresource; the admin's adapter passes it through.
      const mergePatch = target.admin.mergePatch as (
        ...args: unknown[]
      ) => Promise<KubeObject>;
      const scaled = await mergePatch.call(
        target.admin,
        { ...ref },
        { spec: { replicas: 0 } },
        { subresource: 'scale', fieldManager: 'kubectl-scale' },
      );
      // A Scale leaves out a replica count of 0.
      expect([scaled.kind, (scaled.spec as any).replicas ?? 0]).toEqual([
        'Scale',
        0,
      ]);
      await eventually('the replicas restored', async () => {
        const d = await target.admin.get<any>(ref);
        return d?.spec.replicas === 1;
      });
      const [repaired] = await driftEventsAbout('tenant-k', 'Deployment');
      expect(repaired.note).toMatch(
        /^Deployment kars-tenant-k\/tenant-k: spec\.replicas no longer held the rendered values; edited without a field manager of its own/,
      );
    });
  });
});

describe('applySteps', () => {
  const o = (kind: string) => ({
    apiVersion: 'v1',
    kind,
    metadata: { name: kind.toLowerCase() },
  });
  it('writes what the Deployment needs or is confined by first, and the Service after it', () => {
    const objects = [
      o('ServiceAccount'),
      o('NetworkPolicy'),
      o('ConfigMap'),
      o('Deployment'),
      o('Service'),
    ];
    const steps = applySteps(objects);
    expect(steps.before.map(x => x.kind)).toEqual([
      'ServiceAccount',
      'NetworkPolicy',
      'ConfigMap',
    ]);
    expect(steps.workload.map(x => x.kind)).toEqual(['Deployment']);
    expect(steps.after.map(x => x.kind)).toEqual(['Service']);
    expect(applySteps([o('ConfigMap')])).toEqual({
      before: [o('ConfigMap')],
      workload: [],
      after: [],
    });
  });
});
