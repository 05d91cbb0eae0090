import {
  Sandbox,
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { renderSandbox } from '../render/renderSandbox';
import { HealthObservation } from '../service/health';
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

/**
 * What the health report reads for a sandbox whose every layer holds: the objects as the reconciler
 * renders them, a pod whose egress guard ran, a ready seccomp installer, the Kata RuntimeClass.
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
    pods: [
      {
        metadata: { name: 'tenant-h-1' },
        status: {
          initContainerStatuses: [
            { name: 'egress-guard', state: { terminated: { exitCode: 0 } } },
          ],
          containerStatuses: [
            { name: 'agent', restartCount: 1 },
            { name: 'inference-router', restartCount: 2 },
          ],
        },
      },
    ],
  };
}
