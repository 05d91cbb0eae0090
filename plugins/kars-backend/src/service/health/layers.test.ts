import {
  IsolationLevel,
  LayerReport,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import {
  healthSandbox,
  healthSettings,
  healthyObservation,
} from '../../__testUtils__/health';
import { isolationLayers } from './layers';
import { compareNetworkPolicies, renderedNetworkPolicies } from './network';
import { HealthObservation } from './observe';

type Edit = (o: HealthObservation & Record<string, any>) => void;

/** Each layer as [required, state], for a sandbox of this spec and an observation edited so. */
function layersOf(spec: SandboxSpecInput, edit: Edit = () => {}) {
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
  );
  return Object.fromEntries(reports.map(l => [l.layer, l])) as Record<
    LayerReport['layer'],
    LayerReport
  >;
}

const at = (isolation: IsolationLevel, more: SandboxSpecInput = {}) => ({
  sandbox: { isolation },
  tokenBudget: { dailyTokens: 1000 },
  ...more,
});

describe('isolationLayers: a sandbox whose every layer holds', () => {
  it.each<[IsolationLevel, Record<string, [boolean, string]>]>([
    [
      'standard',
      {
        podSecurity: [true, 'verified'],
        network: [true, 'verified'],
        perContainerEgress: [true, 'verified'],
        rbac: [true, 'verified'],
        seccomp: [false, 'declared'],
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
        seccomp: [false, 'declared'],
        kata: [true, 'verified'],
        resourceLimits: [true, 'verified'],
        tokenBudgets: [true, 'verified'],
        identity: [true, 'declared'],
      },
    ],
  ])('at %s isolation', (isolation, expected) => {
    const layers = layersOf(at(isolation));
    expect(
      Object.fromEntries(
        Object.entries(layers).map(([k, l]) => [k, [l.required, l.state]]),
      ),
    ).toEqual(expected);
  });

  it('never says unknown: each layer is judged from what the API shows', () => {
    for (const isolation of ['standard', 'enhanced', 'confidential'] as const)
      for (const layer of Object.values(layersOf(at(isolation)))) {
        expect({ layer: layer.layer, state: layer.state }).not.toEqual({
          layer: layer.layer,
          state: 'unknown',
        });
      }
  });
});

describe('isolationLayers: each layer that does not hold', () => {
  const cases: Array<{
    layer: LayerReport['layer'];
    when: string;
    spec?: SandboxSpecInput;
    edit: Edit;
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
      layer: 'perContainerEgress',
      when: 'no pod reports the guard',
      edit: o => {
        o.pods = [];
      },
      state: 'declared',
      summary:
        'the egress-guard init container is in the pod spec; no pod has reported running it',
    },
    {
      layer: 'perContainerEgress',
      when: 'the guard failed',
      edit: o => {
        o.pods[0].status.initContainerStatuses[0].state.terminated.exitCode = 1;
      },
      state: 'declared',
      summary: /no pod has reported running it/,
    },
    {
      layer: 'perContainerEgress',
      when: 'the pod spec has no guard',
      edit: o => {
        o.deployment.spec.template.spec.initContainers = [];
      },
      state: 'missing',
      summary: 'the pod has no egress-guard init container',
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
      when: 'the pod mounts its token',
      edit: o => {
        o.deployment.spec.template.spec.automountServiceAccountToken = true;
      },
      state: 'missing',
      summary: 'the pod mounts its ServiceAccount token',
    },
    {
      layer: 'rbac',
      when: 'the pod runs as another ServiceAccount',
      edit: o => {
        o.deployment.spec.template.spec.serviceAccountName = 'default';
      },
      state: 'missing',
      summary: 'the pod does not run as the dedicated ServiceAccount sandbox',
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
        'kars-strict is in the pod spec; its installer is not ready on every node',
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
        'the kars-seccomp-installer DaemonSet that installs the profile on nodes is missing',
    },
    {
      layer: 'seccomp',
      when: 'enhanced, the pod runs RuntimeDefault',
      spec: at('enhanced'),
      edit: o => {
        o.deployment.spec.template.spec.securityContext.seccompProfile = {
          type: 'RuntimeDefault',
        };
      },
      state: 'missing',
      summary: 'the pod does not run the kars-strict seccomp profile',
    },
    {
      layer: 'seccomp',
      when: 'standard, the pod runs Unconfined',
      spec: at('standard'),
      edit: o => {
        o.deployment.spec.template.spec.securityContext.seccompProfile = {
          type: 'Unconfined',
        };
      },
      state: 'missing',
      summary: 'RuntimeDefault at standard isolation',
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
      when: 'confidential, the pod has no runtime class',
      spec: at('confidential'),
      edit: o => {
        delete o.deployment.spec.template.spec.runtimeClassName;
      },
      state: 'missing',
      summary: 'the pod does not run with RuntimeClass kata-vm-isolation',
    },
    {
      layer: 'resourceLimits',
      when: 'a container has no memory limit',
      edit: o => {
        delete o.deployment.spec.template.spec.containers[1].resources.limits
          .memory;
      },
      state: 'missing',
      summary: 'CPU and memory limits on every container',
    },
    {
      layer: 'resourceLimits',
      when: 'there is no Deployment',
      edit: o => {
        o.deployment = undefined;
      },
      state: 'missing',
      summary: 'CPU and memory limits on every container',
    },
    {
      layer: 'tokenBudgets',
      when: 'every budget is 0',
      spec: { tokenBudget: {} },
      edit: () => {},
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
    ({ layer, spec, edit, state, summary }) => {
      const report = layersOf(spec ?? at('standard'), edit)[layer];
      expect(report.state).toBe(state);
      expect(report.summary).toMatch(summary);
    },
  );
});

describe('isolationLayers: the evidence names what was read', () => {
  it('for a healthy enhanced sandbox', () => {
    const layers = layersOf(at('enhanced'));
    expect(layers.podSecurity.evidence).toEqual([
      'namespace kars-tenant-h labels pod-security.kubernetes.io/{enforce=privileged,audit=restricted,warn=restricted}',
    ]);
    expect(layers.perContainerEgress.evidence).toHaveLength(2);
    expect(layers.rbac.evidence).toEqual([
      'ServiceAccount kars-tenant-h/sandbox',
      'pod serviceAccountName sandbox, automountServiceAccountToken false',
    ]);
    expect(layers.seccomp.evidence).toEqual([
      'pod seccompProfile Localhost profiles/kars-strict.json',
      'DaemonSet kars-system/kars-seccomp-installer: 2/2 ready',
    ]);
    expect(layers.tokenBudgets.evidence).toEqual([
      'InferencePolicy kars-tenant-h/tenant-h: dailyTokens=1000',
    ]);
    expect(layers.identity.evidence).toEqual([
      'ServiceAccount annotation azure.workload.identity/client-id=00000000-0000-4000-8000-000000000001',
    ]);
  });

  it('says what the pod does when it mounts its token', () => {
    const layers = layersOf(at('standard'), o => {
      o.deployment.spec.template.spec.automountServiceAccountToken = true;
    });
    expect(layers.rbac.evidence).toEqual([
      'ServiceAccount kars-tenant-h/sandbox',
      'pod serviceAccountName sandbox, automountServiceAccountToken true',
    ]);
  });

  it('claims nothing it did not read', () => {
    const layers = layersOf(at('confidential'), o => {
      o.deployment = undefined;
      o.serviceAccount = undefined;
      o.inferencePolicy = undefined;
      o.runtimeClass = undefined;
      o.pods = [];
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
