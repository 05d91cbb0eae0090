import {
  IsolationLevel,
  LayerReport,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import {
  healthNode,
  healthSandbox,
  healthSettings,
  healthUsage,
  healthyObservation,
} from '../../__testUtils__/health';
import { UsageSnapshot } from '../usage';
import { effectiveSecurityContext, isolationLayers } from './layers';
import { compareNetworkPolicies, renderedNetworkPolicies } from './network';
import { HealthObservation } from './observe';

type Edit = (o: HealthObservation & Record<string, any>) => void;

/** Each layer, for a sandbox of this spec, an observation edited so, and this token use. */
function layersOf(
  spec: SandboxSpecInput,
  edit: Edit = () => {},
  usage: UsageSnapshot = healthUsage(),
) {
  const sandbox = healthSandbox(spec);
  const observation = healthyObservation(sandbox);
  edit(observation as HealthObservation & Record<string, any>);
  const reports = isolationLayers(
    sandbox,
    observation,
    compareNetworkPolicies(
      observation.networkPolicies,
      renderedNetworkPolicies(sandbox, healthSettings),
    ),
    usage,
  );
  return Object.fromEntries(reports.map(l => [l.layer, l])) as Record<
    LayerReport['layer'],
    LayerReport
  >;
}

const states = (layers: Record<string, LayerReport>) =>
  Object.fromEntries(
    Object.entries(layers).map(([k, l]) => [k, [l.required, l.state]]),
  );

const at = (isolation: IsolationLevel, more: SandboxSpecInput = {}) => ({
  sandbox: { isolation },
  tokenBudget: { dailyTokens: 1000 },
  ...more,
});

const pod = (o: HealthObservation): any => o.pods[0];
const container = (o: HealthObservation, name: string): any =>
  [...pod(o).spec.initContainers, ...pod(o).spec.containers].find(
    (c: any) => c.name === name,
  );

describe('isolationLayers: a sandbox whose every layer holds, observed on its running pod', () => {
  it.each<[IsolationLevel, Record<string, [boolean, string]>]>([
    [
      'standard',
      {
        podSecurity: [true, 'verified'],
        network: [true, 'verified'],
        perContainerEgress: [true, 'verified'],
        rbac: [true, 'verified'],
        seccomp: [false, 'verified'],
        kata: [false, 'missing'],
        resourceLimits: [true, 'verified'],
        tokenBudgets: [true, 'verified'],
        identity: [true, 'declared'],
      },
    ],
    [
      'enhanced',
      {
        podSecurity: [true, 'verified'],
        network: [true, 'verified'],
        perContainerEgress: [true, 'verified'],
        rbac: [true, 'verified'],
        seccomp: [true, 'verified'],
        kata: [false, 'missing'],
        resourceLimits: [true, 'verified'],
        tokenBudgets: [true, 'verified'],
        identity: [true, 'declared'],
      },
    ],
    [
      'confidential',
      {
        podSecurity: [true, 'verified'],
        network: [true, 'verified'],
        perContainerEgress: [true, 'verified'],
        rbac: [true, 'verified'],
        seccomp: [false, 'verified'],
        kata: [true, 'verified'],
        resourceLimits: [true, 'verified'],
        tokenBudgets: [true, 'verified'],
        identity: [true, 'declared'],
      },
    ],
  ])('at %s isolation', (isolation, expected) => {
    expect(states(layersOf(at(isolation)))).toEqual(expected);
  });
});

describe('isolationLayers: unknown when nothing can be observed', () => {
  it.each<IsolationLevel>(['standard', 'enhanced', 'confidential'])(
    'with no running pod at %s isolation, every pod layer is unknown and none verified',
    isolation => {
      const layers = layersOf(at(isolation), o => {
        pod(o).status.phase = 'Pending';
      });
      const expected: Record<string, string> = {
        podSecurity: 'unknown',
        perContainerEgress: 'unknown',
        rbac: 'unknown',
        seccomp: 'unknown',
        resourceLimits: 'unknown',
      };
      if (isolation === 'confidential') expected.kata = 'unknown';
      for (const [name, state] of Object.entries(expected)) {
        expect([name, layers[name as LayerReport['layer']].state]).toEqual([
          name,
          state,
        ]);
        expect(layers[name as LayerReport['layer']].summary).toBe(
          'no pod of the sandbox is running, so it cannot be observed',
        );
      }
    },
  );

  it('a pod being deleted is not observed', () => {
    const layers = layersOf(at('confidential'), o => {
      pod(o).metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    });
    expect(layers.kata.state).toBe('unknown');
  });

  it("kata is unknown when the pod's node cannot be read", () => {
    const layers = layersOf(at('confidential'), o => {
      o.nodes.set('sandbox-kata-0', undefined);
    });
    expect(layers.kata.state).toBe('unknown');
    expect(layers.kata.evidence[0]).toBe(
      'pod tenant-h-1 runtimeClassName kata-vm-isolation on node sandbox-kata-0, which could not be read',
    );
  });

  it('token budgets are unknown when the usage source does not answer', () => {
    const layers = layersOf(at('standard'), undefined, {
      ok: false,
      source: 'http://prometheus.test',
      message: 'the usage source did not answer: connection refused',
      today: new Map(),
      month: new Map(),
    });
    expect(layers.tokenBudgets.state).toBe('unknown');
    expect(layers.tokenBudgets.summary).toBe(
      'what the router counts (kars_tokens_total) could not be read: the usage source did not answer: connection refused',
    );
  });

  it('token budgets are unknown when the router reported nothing for this sandbox', () => {
    const layers = layersOf(at('standard'), undefined, {
      ...healthUsage(),
      today: new Map(),
      month: new Map([['other', 1]]),
    });
    expect(layers.tokenBudgets.state).toBe('unknown');
  });
});

describe('isolationLayers: each layer that does not hold', () => {
  const cases: Array<{
    layer: LayerReport['layer'];
    when: string;
    spec?: SandboxSpecInput;
    edit?: Edit;
    usage?: UsageSnapshot;
    state: LayerReport['state'];
    summary: string | RegExp;
  }> = [
    {
      layer: 'podSecurity',
      when: 'the namespace enforces restricted',
      edit: o => {
        o.namespace!.metadata.labels!['pod-security.kubernetes.io/enforce'] =
          'restricted';
      },
      state: 'missing',
      summary: 'the namespace does not carry the PodSecurity labels',
    },
    {
      layer: 'podSecurity',
      when: 'the namespace is not read',
      edit: o => {
        o.namespace = undefined;
      },
      state: 'missing',
      summary: 'the namespace does not carry the PodSecurity labels',
    },
    {
      layer: 'podSecurity',
      when: 'the running openclaw agent may run as root',
      edit: o => {
        delete pod(o).spec.securityContext.runAsNonRoot;
        delete container(o, 'openclaw').securityContext.runAsNonRoot;
      },
      state: 'missing',
      summary: /pod tenant-h-1 container openclaw: may run as root/,
    },
    {
      layer: 'podSecurity',
      when: 'the running router runs as UID 0',
      edit: o => {
        container(o, 'inference-router').securityContext.runAsUser = 0;
      },
      state: 'missing',
      summary: /container inference-router: may run as root/,
    },
    {
      layer: 'podSecurity',
      when: 'the agent has a writable root',
      edit: o => {
        container(o, 'openclaw').securityContext.readOnlyRootFilesystem = false;
      },
      state: 'missing',
      summary: /container openclaw: writable root/,
    },
    {
      layer: 'podSecurity',
      when: 'the agent keeps its capabilities',
      edit: o => {
        container(o, 'openclaw').securityContext.capabilities = {};
      },
      state: 'missing',
      summary: /container openclaw: capabilities not dropped/,
    },
    {
      layer: 'podSecurity',
      when: 'the agent may escalate',
      edit: o => {
        delete container(o, 'openclaw').securityContext
          .allowPrivilegeEscalation;
      },
      state: 'missing',
      summary: /container openclaw: privilege escalation allowed/,
    },
    {
      layer: 'podSecurity',
      when: 'the egress guard adds SYS_ADMIN',
      edit: o => {
        container(o, 'egress-guard').securityContext.capabilities.add.push(
          'SYS_ADMIN',
        );
      },
      state: 'missing',
      summary: /container egress-guard: adds SYS_ADMIN/,
    },
    {
      layer: 'podSecurity',
      when: 'the agent adds NET_ADMIN (only the guard may)',
      edit: o => {
        container(o, 'openclaw').securityContext.capabilities.add = [
          'NET_ADMIN',
        ];
      },
      state: 'missing',
      summary: /container openclaw: adds NET_ADMIN/,
    },
    {
      layer: 'perContainerEgress',
      when: 'the guard failed',
      edit: o => {
        pod(o).status.initContainerStatuses[0].state.terminated.exitCode = 1;
      },
      state: 'missing',
      summary:
        'the running pod does not show the egress-guard init container completing',
    },
    {
      layer: 'perContainerEgress',
      when: 'the running pod has no guard',
      edit: o => {
        pod(o).spec.initContainers = [];
      },
      state: 'missing',
      summary: /does not show the egress-guard/,
    },
    {
      layer: 'perContainerEgress',
      when: 'the guard has not reported',
      edit: o => {
        pod(o).status.initContainerStatuses = [];
      },
      state: 'unknown',
      summary: /does not show the egress-guard/,
    },
    {
      layer: 'rbac',
      when: 'the ServiceAccount is gone',
      edit: o => {
        o.serviceAccount = undefined;
      },
      state: 'missing',
      summary: 'the dedicated ServiceAccount is missing',
    },
    {
      layer: 'rbac',
      when: 'the running pod mounts its token',
      edit: o => {
        pod(o).spec.automountServiceAccountToken = true;
      },
      state: 'missing',
      summary: 'a running pod mounts its ServiceAccount token',
    },
    {
      layer: 'rbac',
      when: 'the running pod has a projected token volume',
      edit: o => {
        pod(o).spec.volumes.push({
          name: 'kube-api-access',
          projected: { sources: [{ serviceAccountToken: { path: 'token' } }] },
        });
      },
      state: 'missing',
      summary: 'a running pod mounts its ServiceAccount token',
    },
    {
      layer: 'rbac',
      when: 'the running pod runs as another ServiceAccount',
      edit: o => {
        pod(o).spec.serviceAccountName = 'default';
      },
      state: 'missing',
      summary:
        'a running pod does not run as the dedicated ServiceAccount sandbox',
    },
    {
      layer: 'seccomp',
      when: 'enhanced, its installer not ready on every node',
      spec: at('enhanced'),
      edit: o => {
        o.seccompInstaller.status.numberReady = 1;
      },
      state: 'declared',
      summary:
        'every running container names kars-strict; its installer is not ready on every node, so the profile is not shown installed',
    },
    {
      layer: 'seccomp',
      when: 'enhanced, its installer scheduled nowhere',
      spec: at('enhanced'),
      edit: o => {
        o.seccompInstaller.status = {
          desiredNumberScheduled: 0,
          numberReady: 0,
        };
      },
      state: 'declared',
      summary: /not ready on every node/,
    },
    {
      layer: 'seccomp',
      when: 'enhanced, no installer',
      spec: at('enhanced'),
      edit: o => {
        o.seccompInstaller = undefined;
      },
      state: 'missing',
      summary:
        'the kars-seccomp-installer DaemonSet that installs kars-strict on nodes is missing',
    },
    {
      layer: 'seccomp',
      when: 'enhanced, the running pod has RuntimeDefault',
      spec: at('enhanced'),
      edit: o => {
        pod(o).spec.securityContext.seccompProfile = { type: 'RuntimeDefault' };
      },
      state: 'missing',
      summary:
        'a running container does not run with seccomp Localhost profiles/kars-strict.json',
    },
    {
      layer: 'seccomp',
      when: 'enhanced, one container overrides the profile with Unconfined',
      spec: at('enhanced'),
      edit: o => {
        container(o, 'openclaw').securityContext.seccompProfile = {
          type: 'Unconfined',
        };
      },
      state: 'missing',
      summary: /does not run with seccomp Localhost/,
    },
    {
      layer: 'seccomp',
      when: 'standard, the running pod has no profile',
      spec: at('standard'),
      edit: o => {
        delete pod(o).spec.securityContext.seccompProfile;
      },
      state: 'missing',
      summary: 'a running container does not run with seccomp RuntimeDefault',
    },
    {
      layer: 'kata',
      when: 'confidential, the cluster has no Kata RuntimeClass',
      spec: at('confidential'),
      edit: o => {
        o.runtimeClass = undefined;
      },
      state: 'missing',
      summary: 'RuntimeClass kata-vm-isolation does not exist on this cluster',
    },
    {
      layer: 'kata',
      when: 'confidential, the running pod has no runtime class',
      spec: at('confidential'),
      edit: o => {
        delete pod(o).spec.runtimeClassName;
      },
      state: 'missing',
      summary:
        'a running pod does not run with RuntimeClass kata-vm-isolation on a node that offers its handler kata',
    },
    {
      layer: 'kata',
      when: 'confidential, the pod runs on a node without the kata handler',
      spec: at('confidential'),
      edit: o => {
        pod(o).spec.nodeName = 'sandbox-0';
        o.nodes = new Map([
          ['sandbox-0', healthNode('sandbox-0', 'sandbox', ['runc'])],
        ]);
      },
      state: 'missing',
      summary: /on a node that offers its handler kata/,
    },
    {
      layer: 'kata',
      when: "confidential, the RuntimeClass's handler is another than the node offers",
      spec: at('confidential'),
      edit: o => {
        o.runtimeClass.handler = 'kata-cc';
      },
      state: 'missing',
      summary: /offers its handler kata-cc/,
    },
    {
      layer: 'resourceLimits',
      when: 'a running container has no memory limit',
      edit: o => {
        delete pod(o).spec.containers[1].resources.limits.memory;
      },
      state: 'missing',
      summary: 'CPU and memory limits on every container of the running pod',
    },
    {
      layer: 'tokenBudgets',
      when: 'every budget is 0',
      spec: { tokenBudget: {} },
      state: 'missing',
      summary: 'every budget is 0 (unlimited)',
    },
    {
      layer: 'tokenBudgets',
      when: 'the InferencePolicy is gone',
      edit: o => {
        o.inferencePolicy = undefined;
      },
      state: 'missing',
      summary: 'the sandbox InferencePolicy is missing',
    },
    {
      layer: 'tokenBudgets',
      when: 'the router reports more than the daily limit',
      usage: healthUsage(1001),
      state: 'missing',
      summary:
        'the router reports more tokens than the daily limit: the budget is not enforced',
    },
    {
      layer: 'tokenBudgets',
      when: 'the live InferencePolicy lost its limit though the spec has one',
      edit: o => {
        o.inferencePolicy.spec.tokenBudget = { dailyTokens: 0 };
      },
      state: 'missing',
      summary: 'every budget is 0 (unlimited)',
    },
    {
      layer: 'identity',
      when: 'the ServiceAccount has no client id',
      edit: o => {
        o.serviceAccount.metadata.annotations = {};
      },
      state: 'missing',
      summary: 'no workload identity client id',
    },
    {
      layer: 'network',
      when: 'the NetworkPolicy is gone',
      edit: o => {
        o.networkPolicies = [];
      },
      state: 'missing',
      summary: 'NetworkPolicy sandbox-policy is missing',
    },
  ];

  it.each(cases)(
    '$layer: $state when $when',
    ({ layer, spec, edit, usage, state, summary }) => {
      const report = layersOf(spec ?? at('standard'), edit, usage)[layer];
      expect(report.state).toBe(state);
      expect(report.summary).toMatch(summary);
    },
  );

  it('judges the running pod, not the Deployment template', () => {
    const layers = layersOf(at('confidential'), o => {
      o.deployment = undefined;
    });
    expect(layers.kata.state).toBe('verified');
    const template = layersOf(at('confidential'), o => {
      delete pod(o).spec.runtimeClassName;
    });
    expect(template.kata.state).toBe('missing');
  });
});

describe('isolationLayers: the evidence says what was observed', () => {
  it('for a healthy confidential sandbox', () => {
    const layers = layersOf(at('confidential'));
    expect(layers.kata.evidence).toEqual([
      'pod tenant-h-1 runtimeClassName kata-vm-isolation runs on node sandbox-kata-0 (pool sandbox-kata), which offers runtime handlers runc, kata',
      'RuntimeClass kata-vm-isolation handler kata',
    ]);
    expect(layers.podSecurity.evidence).toEqual([
      'namespace kars-tenant-h labels pod-security.kubernetes.io/{enforce=privileged,audit=restricted,warn=restricted}',
      'pod tenant-h-1 init container egress-guard: runAsNonRoot false (uid 0), readOnlyRootFilesystem true, drop ALL, add NET_ADMIN,NET_RAW, allowPrivilegeEscalation false',
      'pod tenant-h-1 container openclaw: runAsNonRoot true (uid 1000), readOnlyRootFilesystem true, drop ALL, allowPrivilegeEscalation false',
      'pod tenant-h-1 container inference-router: runAsNonRoot true (uid 1001), readOnlyRootFilesystem true, drop ALL, allowPrivilegeEscalation false',
    ]);
    expect(layers.perContainerEgress.evidence).toEqual([
      'pod tenant-h-1: init container egress-guard terminated with exit code 0',
    ]);
    expect(layers.rbac.evidence).toEqual([
      'ServiceAccount kars-tenant-h/sandbox',
      'pod tenant-h-1 serviceAccountName sandbox, automountServiceAccountToken false, token volume none',
    ]);
    expect(layers.seccomp.evidence.slice(0, 3)).toEqual([
      'pod tenant-h-1 container egress-guard: seccomp RuntimeDefault',
      'pod tenant-h-1 container openclaw: seccomp RuntimeDefault',
      'pod tenant-h-1 container inference-router: seccomp RuntimeDefault',
    ]);
    expect(layers.tokenBudgets.evidence).toEqual([
      'InferencePolicy kars-tenant-h/tenant-h: dailyTokens=1000',
      'kars_tokens_total from http://prometheus.test: 400 tokens daily, limit 1000',
    ]);
    expect(layers.identity.evidence).toEqual([
      'ServiceAccount annotation azure.workload.identity/client-id=00000000-0000-4000-8000-000000000001',
    ]);
  });

  it('for kars-strict at enhanced isolation', () => {
    expect(layersOf(at('enhanced')).seccomp.evidence).toEqual([
      'pod tenant-h-1 container egress-guard: seccomp Localhost profiles/kars-strict.json',
      'pod tenant-h-1 container openclaw: seccomp Localhost profiles/kars-strict.json',
      'pod tenant-h-1 container inference-router: seccomp Localhost profiles/kars-strict.json',
      'DaemonSet kars-system/kars-seccomp-installer: 2/2 ready',
    ]);
  });

  it('claims nothing it did not read', () => {
    const layers = layersOf(at('confidential'), o => {
      o.deployment = undefined;
      o.serviceAccount = undefined;
      o.inferencePolicy = undefined;
      o.runtimeClass = undefined;
      o.pods = [];
      o.nodes = new Map();
    });
    for (const layer of [
      'perContainerEgress',
      'rbac',
      'kata',
      'resourceLimits',
      'tokenBudgets',
      'identity',
    ] as const) {
      expect({ layer, evidence: layers[layer].evidence }).toEqual({
        layer,
        evidence: [],
      });
    }
  });
});

describe('effectiveSecurityContext', () => {
  it.each([
    [
      'the pod runs as 1000 and the container says nothing',
      { runAsUser: 1000, runAsNonRoot: true },
      {},
      { runAsUser: 1000, runAsNonRoot: true },
    ],
    [
      'the container overrides the pod',
      {
        runAsUser: 1000,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      {
        runAsUser: 0,
        runAsNonRoot: false,
        seccompProfile: { type: 'Unconfined' },
      },
      {
        runAsUser: 0,
        runAsNonRoot: false,
        seccompProfile: { type: 'Unconfined' },
      },
    ],
    [
      'readOnlyRootFilesystem and capabilities are the container own',
      { runAsUser: 1000 },
      { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      { runAsUser: 1000, readOnlyRootFilesystem: true, drop: ['ALL'] },
    ],
  ])('%s', (_when, podContext, containerContext, expected) => {
    expect(
      effectiveSecurityContext(
        { spec: { securityContext: podContext } },
        { securityContext: containerContext },
      ),
    ).toMatchObject(expected);
  });
});
