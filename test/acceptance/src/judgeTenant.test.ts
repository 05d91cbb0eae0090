import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { judgeTenant, TenantEvidence } from './invariants';
import { KubeObject } from './snapshot';

const NAME = 't1';
const NS = `kars-${NAME}`;
const SECRET_VALUE = 'acc-brave-fixture-value-0123456789';
const b64 = (v: string) => Buffer.from(v).toString('base64');
const labels = {
  'app.kubernetes.io/name': 'kars',
  'kars.azure.com/sandbox': NAME,
};
const hardened = (uid: number) => ({
  runAsUser: uid,
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
});
const guard = [
  'iptables -t nat -A OUTPUT -p tcp -m owner --uid-owner 1000 -m multiport --dports 80,443 -j REDIRECT --to-ports 8444',
  'iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
  'iptables -A OUTPUT -o lo -j ACCEPT',
  'iptables -A OUTPUT -d 10.96.0.10/32 -p udp --dport 53 -j ACCEPT',
  'iptables -A OUTPUT -m owner --uid-owner 1001 -j ACCEPT',
  'iptables -A OUTPUT -j REJECT',
].join('\n');

const policySpec = () => ({
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        {
          namespaceSelector: {
            matchLabels: {
              'app.kubernetes.io/name': 'kars',
              'app.kubernetes.io/component': 'system',
            },
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: 8443 }],
    },
  ],
  egress: [
    {
      to: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
          },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    {
      to: [{ ipBlock: { cidr: '169.254.169.254/32' } }],
      ports: [{ protocol: 'TCP', port: 80 }],
    },
    {
      to: [
        {
          ipBlock: {
            cidr: '0.0.0.0/0',
            except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: 443 }],
    },
  ],
});

/** One standard tenant as the seed wants it on the cluster and in the API. */
function evidence(): TenantEvidence {
  const spec = sandboxSpecSchema.parse({
    owner: 'group:default/team-a',
    sandbox: { isolation: 'standard' },
    tokenBudget: { dailyTokens: 1000 },
  });
  const obj = (
    kind: string,
    name: string,
    rest: object = {},
    namespace: string | undefined = NS,
  ): KubeObject => ({
    apiVersion: 'v1',
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      labels,
      uid: `${kind}-uid`,
    },
    ...rest,
  });
  const cluster: KubeObject[] = [
    {
      ...obj(
        'KarsSandbox',
        NAME,
        {
          spec: { ...spec, inferenceRef: { name: NAME } },
          status: { phase: 'Running', observedGeneration: 1 },
        },
        'kars-system',
      ),
      metadata: {
        name: NAME,
        namespace: 'kars-system',
        uid: 'sandbox-uid',
        generation: 1,
        finalizers: ['kars.azure.com/namespace-cleanup'],
      },
    },
    {
      ...obj('Namespace', NS, {}, undefined),
      metadata: {
        name: NS,
        uid: 'ns-uid',
        labels: {
          ...labels,
          'kars.azure.com/role': 'sandbox',
          'kars.azure.com/isolated': 'strict',
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
        annotations: {
          'kars.azure.com/namespace-claim-version': 'v1',
          'kars.azure.com/sandbox-name': NAME,
          'kars.azure.com/sandbox-namespace': 'kars-system',
          'kars.azure.com/sandbox-uid': 'sandbox-uid',
        },
      },
    },
    {
      ...obj('NetworkPolicy', 'sandbox-policy', { spec: policySpec() }),
      apiVersion: 'networking.k8s.io/v1',
    },
    obj('ServiceAccount', 'sandbox', { automountServiceAccountToken: false }),
    obj('Service', NAME, {
      spec: { type: 'ClusterIP', ports: [{ port: 8443, protocol: 'TCP' }] },
    }),
    obj('Secret', `${NAME}-credentials`, {
      data: { BRAVE_API_KEY: b64(SECRET_VALUE) },
    }),
    obj('Secret', 'gateway-token', {
      data: { token: b64('0123456789abcdef0123456789abcdef') },
    }),
    obj('Secret', 'router-admin-token', {
      data: { token: b64('ab'.repeat(32)) },
    }),
    obj('InferencePolicy', NAME, {
      spec: {
        appliesTo: { sandboxName: NAME },
        modelPreference: { primary: { deployment: spec.model } },
        tokenBudget: spec.tokenBudget,
        contentSafety: {
          hate: 'Medium',
          selfHarm: 'Medium',
          sexual: 'Medium',
          violence: 'Medium',
        },
      },
    }),
    obj('ConfigMap', `karssandbox-${NAME}-egress-allowlist`, {
      data: { 'allowlist.json': '{"endpoints":[],"schemaVersion":1}' },
    }),
    obj('ConfigMap', `a2aagent-${NAME}-card`, {
      data: { 'agent-card.json': '{}' },
    }),
    obj('Deployment', NAME, {
      spec: {
        replicas: 1,
        template: {
          metadata: {
            labels: { 'azure.workload.identity/use': 'true' },
            annotations: {
              'azure.workload.identity/skip-containers':
                'egress-guard;openclaw',
            },
          },
          spec: {
            serviceAccountName: 'sandbox',
            automountServiceAccountToken: false,
            nodeSelector: { 'kars.azure.com/pool': 'sandbox' },
            tolerations: [
              {
                key: 'kars.azure.com/sandbox',
                operator: 'Equal',
                value: 'true',
                effect: 'NoSchedule',
              },
            ],
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            initContainers: [
              {
                name: 'egress-guard',
                command: ['/bin/sh', '-c', guard],
                securityContext: {
                  runAsUser: 0,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  capabilities: {
                    drop: ['ALL'],
                    add: ['NET_ADMIN', 'NET_RAW'],
                  },
                },
              },
            ],
            containers: [
              {
                name: 'openclaw',
                securityContext: hardened(1000),
                envFrom: [
                  {
                    secretRef: { name: `${NAME}-credentials`, optional: true },
                  },
                ],
                resources: { limits: { cpu: '2', memory: '4Gi' } },
              },
              {
                name: 'inference-router',
                securityContext: hardened(1001),
                env: [
                  { name: 'TOKEN_BUDGET_DAILY', value: '1000' },
                  { name: 'TOKEN_BUDGET_PER_REQUEST', value: '0' },
                  { name: 'AZURE_OPENAI_DEPLOYMENT', value: spec.model },
                ],
                resources: { limits: { cpu: '500m', memory: '256Mi' } },
              },
            ],
          },
        },
      },
    }),
  ];
  return {
    name: NAME,
    expected: spec,
    expectedCredentialKeys: ['BRAVE_API_KEY'],
    expectedCredentialValues: { BRAVE_API_KEY: SECRET_VALUE },
    cluster,
    floor: 'Medium',
    production: false,
    apiSandbox: { credentialKeys: ['BRAVE_API_KEY'] },
    manifests: {
      objects: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'sandbox-policy', namespace: NS },
          spec: policySpec(),
        },
      ],
    },
    health: {
      layers: [
        { layer: 'network', state: 'verified' },
        { layer: 'identity', state: 'declared' },
      ],
      findings: [],
    },
    apiTexts: ['{"credentialKeys":["BRAVE_API_KEY"]}'],
  };
}

const failingRules = (e: TenantEvidence) =>
  judgeTenant(e)
    .filter(c => !c.ok)
    .map(c => c.rule);

const find = (e: TenantEvidence, kind: string) =>
  e.cluster.find(o => o.kind === kind)!;

describe('judgeTenant', () => {
  it('passes a tenant that keeps every promise', () => {
    expect(failingRules(evidence())).toEqual([]);
  });

  it('fails a live NetworkPolicy without ingress "from" that health calls verified', () => {
    const e = evidence();
    delete find(e, 'NetworkPolicy').spec.ingress[0].from;
    expect(failingRules(e)).toEqual([
      'network.ingress-has-from',
      'network.ingress-exactly-the-seed',
      'manifests.on-the-cluster',
      'health.network-layer-truthful',
    ]);
  });

  it('fails a mounted token, a weak container, a budget not as asked and a secret value in an answer', () => {
    const e = evidence();
    const pod = find(e, 'Deployment').spec.template.spec;
    pod.automountServiceAccountToken = true;
    pod.containers[0].securityContext.seccompProfile = { type: 'Unconfined' };
    find(e, 'InferencePolicy').spec.tokenBudget = {
      perRequestTokens: 0,
      dailyTokens: 5,
      monthlyTokens: 0,
    };
    e.apiTexts.push(`{"oops":"${SECRET_VALUE}"}`);
    expect(failingRules(e)).toEqual([
      'pod.no-token-automount',
      'container.hardened',
      'credentials.not-readable-via-api',
      'budget.equals-spec',
    ]);
  });
});
