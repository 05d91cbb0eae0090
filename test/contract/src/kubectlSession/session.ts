import YAML from 'yaml';
import { KubectlStep } from '../lib/kubectl';

/**
 * The session: what a user types at a terminal on a cluster with kars installed (deploy/ applied,
 * the workload simulator playing the nodes), from looking around to cleaning up. It runs, step by
 * step, on kube-apiserver and on the emulator; see kubectlSession.test.ts.
 */

const NS = 'demo';
const ROBOT = `system:serviceaccount:${NS}:robot`;
/** The kars backend's ServiceAccount, with deploy/'s RBAC. */
const PORTAL = 'system:serviceaccount:kars-system:kars-portal';

const yaml = (...docs: object[]) =>
  docs.map(d => YAML.stringify(d)).join('---\n');

const settings = (data: Record<string, string>) =>
  yaml({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'settings',
      namespace: NS,
      labels: { app: 'web' },
      annotations: { owner: 'team-a' },
    },
    data,
  });

const inferencePolicy = (name: string, hate: string) => ({
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'InferencePolicy',
  metadata: { name, namespace: NS },
  spec: {
    appliesTo: { sandboxName: name },
    modelPreference: { primary: { deployment: 'gpt-4.1' } },
    contentSafety: { hate },
  },
});

const sandbox = (name: string) => ({
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  metadata: { name, namespace: NS },
  spec: { inferenceRef: { name } },
});

/** A sandbox's Deployment as the simulator runs it: its labels and the sandbox nodes' toleration. */
const agentLabels = {
  'kars.azure.com/component': 'sandbox',
  'kars.azure.com/sandbox': 'assistant',
};
const agent = yaml({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'assistant', namespace: NS, labels: agentLabels },
  spec: {
    replicas: 1,
    selector: { matchLabels: { 'kars.azure.com/sandbox': 'assistant' } },
    template: {
      metadata: { labels: agentLabels },
      spec: {
        tolerations: [
          {
            key: 'kars.azure.com/sandbox',
            operator: 'Equal',
            value: 'true',
            effect: 'NoSchedule',
          },
        ],
        containers: [
          {
            name: 'agent',
            image: 'ghcr.io/kars/openclaw:1.0',
            resources: {
              requests: { cpu: '250m', memory: '256Mi' },
              limits: { cpu: '1', memory: '1Gi' },
            },
          },
        ],
      },
    },
  },
});

const step = (
  id: string,
  argv: string,
  options: Omit<KubectlStep, 'id' | 'argv'> = {},
): KubectlStep => ({ id, argv: argv.split(' '), ...options });

/** Steps whose arguments hold spaces list them as an array. */
const stepArgs = (
  id: string,
  argv: string[],
  options: Omit<KubectlStep, 'id' | 'argv'> = {},
): KubectlStep => ({ id, argv, ...options });

export const SESSION: readonly KubectlStep[] = [
  // Looking around.
  step('version', 'version'),
  step('cluster-info', 'cluster-info'),
  step('api-versions', 'api-versions'),
  step('api-resources-kars', 'api-resources --api-group=kars.azure.com'),
  step('get-namespaces', 'get namespaces'),
  step('create-namespace', `create namespace ${NS}`),
  step('set-namespace', `config set-context --current --namespace=${NS}`),
  step('get-namespace-yaml', `get namespace ${NS} -o yaml`),
  step(
    'wait-default-serviceaccount',
    'wait --for=create serviceaccount/default --timeout=30s',
  ),
  step(
    'wait-root-ca',
    'wait --for=create configmap/kube-root-ca.crt --timeout=5s',
  ),
  step('get-serviceaccounts', 'get serviceaccounts'),

  // ConfigMaps, Secrets and who may read them.
  step(
    'create-configmap',
    'create configmap app-config --from-literal=color=blue --from-literal=size=2',
  ),
  step('get-configmap-yaml', 'get configmap app-config -o yaml'),
  step(
    'create-secret',
    'create secret generic db-credentials --from-literal=password=not-a-real-one',
  ),
  step('describe-secret', 'describe secret db-credentials'),
  step('create-serviceaccount', 'create serviceaccount robot'),
  step(
    'create-role',
    'create role reader --verb=get,list,watch --resource=configmaps,pods',
  ),
  step(
    'create-rolebinding',
    `create rolebinding robot-reader --role=reader --serviceaccount=${NS}:robot`,
  ),
  step('auth-can-i-yes', `auth can-i list configmaps --as=${ROBOT}`),
  step('auth-can-i-no', `auth can-i delete configmaps --as=${ROBOT}`, {
    exit: 1,
  }),
  step('auth-can-i-list', `auth can-i --list --as=${ROBOT}`),
  step(
    'auth-can-i-portal',
    `auth can-i update karssandboxes/status --all-namespaces --as=${PORTAL}`,
  ),
  step('auth-can-i-portal-no', `auth can-i delete nodes --as=${PORTAL}`, {
    exit: 1,
  }),
  step('create-token', 'create token robot --duration=1h', {
    capture: 'token',
  }),
  step('whoami-token', 'auth whoami --token={{token}}'),
  step('get-as-token', 'get configmaps app-config -o name --token={{token}}'),
  step('delete-as-token', 'delete configmap app-config --token={{token}}', {
    exit: 1,
  }),

  // Workloads created from the command line.
  step(
    'create-deployment',
    'create deployment web --image=nginx:1.27 --replicas=2',
  ),
  step('get-deployment-yaml', 'get deployment web -o yaml'),
  step('scale', 'scale deployment web --replicas=3'),
  step('get-deployment', 'get deployment web'),
  step('expose', 'expose deployment web --port=80 --target-port=8080'),
  step('get-service-wide', 'get service web -o wide'),
  step('describe-service', 'describe service web'),
  step('create-job', 'create job hello --image=busybox -- echo hi'),
  step('get-jobs', 'get jobs'),
  stepArgs('create-cronjob', [
    'create',
    'cronjob',
    'nightly',
    '--image=busybox',
    '--schedule=0 3 * * *',
    '--',
    'date',
  ]),
  step('create-quota', 'create quota compute --hard=cpu=4,memory=8Gi,pods=10'),
  step('describe-quota', 'describe quota compute'),

  // apply, client side then server side, diff and edit.
  step('apply-client-side', 'apply -f -', {
    stdin: settings({ mode: 'fast', level: '3' }),
  }),
  step('apply-server-side', 'apply --server-side -f -', {
    stdin: settings({ mode: 'fast', level: '3' }),
  }),
  step(
    'get-managed-fields',
    'get configmap settings -o yaml --show-managed-fields',
  ),
  step('diff-changed', 'diff -f -', {
    stdin: settings({ mode: 'slow', level: '3' }),
    exit: 1,
  }),
  step('diff-unchanged', 'diff -f -', {
    stdin: settings({ mode: 'fast', level: '3' }),
  }),
  step('apply-dry-run', 'apply --dry-run=server -f -', {
    stdin: settings({ mode: 'dry', level: '3' }),
  }),
  step(
    'create-dry-run',
    'create configmap preview --from-literal=x=1 --dry-run=server -o yaml',
  ),
  step('apply-server-side-change', 'apply --server-side -f -', {
    stdin: settings({ mode: 'slow', level: '3' }),
  }),
  step('view-last-applied', 'apply view-last-applied configmap/settings'),
  step('edit', 'edit configmap settings', {
    editor: 's/level: "3"/level: "4"/',
  }),
  step('label', 'label configmap settings env=prod'),
  step('label-conflict', 'label configmap settings env=dev', { exit: 1 }),
  step('annotate', 'annotate configmap settings note=hello'),
  step('get-show-labels', 'get configmap settings --show-labels'),
  step('get-jsonpath', 'get configmap settings -o jsonpath={.data}'),
  step('replace', 'replace -f -', {
    stdin: settings({ mode: 'fast', level: '5' }),
  }),

  // Three kinds of patch, and the set commands.
  step(
    'patch-strategic',
    'patch deployment web -p {"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"TIER","value":"web"}]}]}}}}',
  ),
  step(
    'patch-merge',
    'patch deployment web --type=merge -p {"metadata":{"labels":{"tier":"frontend"}}}',
  ),
  step(
    'patch-json',
    'patch deployment web --type=json -p [{"op":"replace","path":"/spec/replicas","value":1}]',
  ),
  step(
    'patch-json-test-fails',
    'patch deployment web --type=json -p [{"op":"test","path":"/spec/replicas","value":5}]',
    { exit: 1 },
  ),
  step('set-image', 'set image deployment/web nginx=nginx:1.28'),
  step('set-env', 'set env deployment/web MODE=prod'),
  step(
    'get-custom-columns',
    'get deployment web -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[0].image,ENV:.spec.template.spec.containers[0].env[*].name',
  ),

  // kars: explain, the custom resources and their admission.
  step('explain-karssandbox', 'explain karssandbox.spec'),
  step('explain-deployment', 'explain deployment.spec.replicas'),
  step('explain-unknown-field', 'explain karssandbox.spec.budget', { exit: 1 }),
  step('apply-karssandbox', 'apply -f -', {
    stdin: yaml(inferencePolicy('demo', 'Medium'), sandbox('demo')),
  }),
  step('get-karssandboxes', 'get karssandboxes'),
  step('get-karssandbox-wide', 'get karssandbox demo -o wide'),
  step('describe-karssandbox', 'describe karssandbox demo'),
  step('get-inferencepolicies', 'get inferencepolicies'),
  step('get-ip-short-name', 'get ip'),
  step('apply-sandbox-named-system', 'apply -f -', {
    stdin: yaml(sandbox('system')),
    exit: 1,
  }),
  step('apply-policy-above-floor', 'apply -f -', {
    stdin: yaml(inferencePolicy('lenient', 'High')),
    exit: 1,
  }),

  // A sandbox's workload: rollout, pods, nodes, logs and events.
  step('apply-deployment', 'apply -f -', { stdin: agent }),
  step(
    'wait-available',
    'wait --for=condition=Available deployment/assistant --timeout=60s',
  ),
  step('rollout-status', 'rollout status deployment/assistant --timeout=60s'),
  step('get-replicasets', 'get replicasets -l kars.azure.com/sandbox'),
  step('get-pods-wide', 'get pods -o wide'),
  step('describe-pod', 'describe pod -l kars.azure.com/sandbox=assistant'),
  step('get-all', 'get all'),
  step('logs', 'logs deployment/assistant --tail=5'),
  step('get-nodes-wide', 'get nodes -o wide'),
  step('describe-node', 'describe node sandbox-kata-0'),
  step('cordon', 'cordon sandbox-1'),
  step('get-nodes', 'get nodes'),
  step('uncordon', 'uncordon sandbox-1'),
  step('rollout-restart', 'rollout restart deployment/assistant', {
    sameSecond: true,
  }),
  step(
    'rollout-status-restart',
    'rollout status deployment/assistant --timeout=60s',
    { lastLine: true },
  ),
  step('rollout-history', 'rollout history deployment/assistant'),
  step('rollout-undo', 'rollout undo deployment/assistant --to-revision=1'),
  step(
    'rollout-status-undo',
    'rollout status deployment/assistant --timeout=60s',
    { lastLine: true },
  ),
  step('events', 'events --for=deployment/assistant', { unordered: true }),
  step('get-events-warnings', 'get events --field-selector=type=Warning'),
  step('top-pods', 'top pods', { exit: 1 }),

  // Cleaning up.
  step('delete-deployment', 'delete deployment web'),
  step('delete-configmap', 'delete configmap settings'),
  step('get-deleted', 'get configmap settings', { exit: 1 }),
  step('delete-namespace', `delete namespace ${NS} --timeout=30s`),
  step('get-namespace-gone', `get namespace ${NS}`, { exit: 1 }),
];
