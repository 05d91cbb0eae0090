import { Allowance } from '../lib/kubectlCompare';

/**
 * The differences the kubectl session accepts, each with its reason. An entry marked `pending`
 * goes when that work lands (the session then fails with "no longer differs" until it is removed);
 * the others are what the emulator does not try to be.
 */
export const ALLOW_LIST: readonly Allowance[] = [
  {
    step: 'version',
    streams: ['stdout'],
    differs: 'Server Version: v1.36.0+kars-emulator instead of v1.36.5',
    reason:
      "by design: /version says that the emulator answers (packages/kube-emulator README); what it serves follows kube-apiserver 1.36 (the OpenAPI documents are v1.36.5's)",
  },
  {
    step: 'api-versions',
    streams: ['stdout'],
    differs:
      'the emulator serves 13 of the 23 group versions: no apiregistration, autoscaling, certificates, discovery, flowcontrol, policy, resource, scheduling or storage',
    reason:
      'by design: it serves the kinds kars portal and its tests use (packages/kube-emulator README, served kinds)',
  },
  {
    step: 'wait-root-ca',
    streams: ['exit', 'stdout', 'stderr'],
    differs:
      'kube-root-ca.crt never appears in a new namespace: the wait times out',
    reason:
      'by design: no kube-controller-manager root-ca-certificate-publisher (README: no kube-root-ca.crt ConfigMaps); nothing in kars reads it, its pods mount no service account token',
  },
  {
    step: 'create-cronjob',
    streams: ['exit', 'stdout', 'stderr'],
    differs:
      'CronJob is not served: "failed to create cronjob: the server could not find the requested resource"',
    reason:
      'by design: issue 17 adds the workload kinds kars observes (Pods, ReplicaSets, Jobs); kars creates no CronJob',
  },
  {
    step: 'get-all',
    streams: ['stdout'],
    differs: 'the real server also lists the CronJob of create-cronjob',
    reason: 'follows from create-cronjob',
  },
  {
    step: 'get-ip-short-name',
    streams: ['stdout', 'stderr'],
    differs:
      'kube-apiserver resolves the short name ip to networking.k8s.io IPAddress (and warns that it could also mean inferencepolicies.kars.azure.com); the emulator, which serves no IPAddress, to InferencePolicy',
    reason:
      'the emulator serves no IPAddress (by design, as api-versions). The real answer is a finding for kars: the InferencePolicy CRD\u2019s short name ip is shadowed by the built-in IPAddress (GA in Kubernetes 1.33), so kubectl get ip never lists InferencePolicies on a real cluster',
  },
  {
    step: 'logs',
    streams: ['exit', 'stdout', 'stderr'],
    realExit: 1,
    differs:
      'kube-apiserver proxies pods/log to the kubelet of the pod\u2019s node (sandbox-0:10250), which does not exist, and fails; the emulator answers from the workload simulator\u2019s container logs',
    reason:
      'the test control plane has no kubelet behind its nodes; the emulator\u2019s logs come from the workload simulator',
  },
];
