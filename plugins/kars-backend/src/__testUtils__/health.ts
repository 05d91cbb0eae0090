import {
  Sandbox,
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { renderSandbox } from '../render/renderSandbox';
import { HealthObservation } from '../service/health';
import { UsageSnapshot } from '../service/usage';
import { buildSandboxObject, toSandbox } from '../service/sandboxObject';
import { testClusterSettings } from './clusters';

/** The cluster settings the health fixtures are rendered with. */
export const healthSettings = testClusterSettings({
  clusters: [
    {
      name: 'test',
      type: 'kubeconfig',
      workloadIdentityClientId: '00000000-0000-4000-8000-000000000001',
    },
  ],
});

/** The API view of a sandbox `tenant-h` of this spec. */
export function healthSandbox(spec: SandboxSpecInput = {}): Sandbox {
  const object = buildSandboxObject(
    'tenant-h',
    sandboxSpecSchema.parse(spec),
    'kars-system',
  );
  return toSandbox(
    {
      ...object,
      metadata: { ...object.metadata, uid: 'uid-h' },
      status: { phase: 'Running', conditions: [] },
    },
    healthSettings.name,
  );
}

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

/** A node of the simulator's pools, as its kubelet reports it. */
export function healthNode(name: string, pool: string, handlers: string[]) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kars.azure.com/pool': pool } },
    status: {
      runtimeHandlers: [{ name: '' }, ...handlers.map(h => ({ name: h }))],
    },
  };
}

/**
 * What the health report reads for a sandbox whose every layer holds, and the observations that
 * prove it: the objects as the reconciler renders them; a Running pod made from the Deployment's
 * template whose egress guard exited 0, on a node of its pool (the Kata node, which offers the
 * `kata` handler, at confidential isolation); a ready seccomp installer; the Kata RuntimeClass.
 * A copy: tests edit it.
 */
export function healthyObservation(sandbox: Sandbox): HealthObservation {
  const rendered = renderSandbox({
    name: sandbox.name,
    spec: sandbox.spec,
    cluster: healthSettings,
    sandboxUid: sandbox.uid,
  });
  const of = (kind: string) =>
    clone(rendered.objects.find(o => o.kind === kind));
  const deployment: any = of('Deployment');
  deployment.status = {
    replicas: deployment.spec.replicas,
    readyReplicas: deployment.spec.replicas,
    availableReplicas: deployment.spec.replicas,
  };
  const kata = sandbox.spec.sandbox.isolation === 'confidential';
  const node = kata
    ? healthNode('sandbox-kata-0', 'sandbox-kata', ['runc', 'kata'])
    : healthNode('sandbox-0', 'sandbox', ['runc']);
  const template = clone(deployment.spec.template);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, name: 'tenant-h-1' },
    spec: { ...template.spec, nodeName: node.metadata.name },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      initContainerStatuses: [
        {
          name: 'egress-guard',
          ready: true,
          restartCount: 0,
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              finishedAt: '2026-01-01T00:00:01Z',
            },
          },
        },
      ],
      containerStatuses: template.spec.containers.map((c: any, i: number) => ({
        name: c.name,
        ready: true,
        restartCount: i + 1,
        state: { running: { startedAt: '2026-01-01T00:00:02Z' } },
      })),
    },
  };
  return {
    namespace: clone(rendered.namespace),
    networkPolicies: rendered.objects
      .filter(o => o.kind === 'NetworkPolicy')
      .map(clone),
    deployment,
    serviceAccount: of('ServiceAccount'),
    inferencePolicy: of('InferencePolicy'),
    runtimeClass: {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'kata-vm-isolation' },
      handler: 'kata',
    },
    seccompInstaller: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kars-seccomp-installer', namespace: 'kars-system' },
      status: { desiredNumberScheduled: 2, numberReady: 2 },
    },
    pods: [pod],
    nodes: new Map([[node.metadata.name, node]]),
  };
}

/** Token use the router reported for `tenant-h`, as the usage source reads it. */
export function healthUsage(today = 400, month = 5000): UsageSnapshot {
  return {
    ok: true,
    source: 'http://prometheus.test',
    today: new Map([['tenant-h', today]]),
    month: new Map([['tenant-h', month]]),
  };
}
