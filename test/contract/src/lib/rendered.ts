import { KARS_API } from './fixtures';

/**
 * Objects shaped like the ones the kars backend renders for a sandbox `demo`
 * (one of each kind), applied by the defaults behaviours.
 */
export function renderedObjects(ns: string, suffix: string) {
  const sandbox = 'demo';
  const labels = {
    'app.kubernetes.io/managed-by': 'kars-portal',
    'kars.azure.com/sandbox': sandbox,
  };
  return {
    namespace: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: `kc-tenant-${suffix}`,
        labels: { ...labels, 'kars.azure.com/role': 'sandbox' },
        annotations: { 'kars.azure.com/claimed-by': sandbox },
      },
    },
    networkPolicy: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kars-sandbox', namespace: ns, labels },
      spec: {
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
            ports: [{ port: 8443 }],
          },
        ],
        egress: [
          {
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
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
            ports: [{ port: 443, protocol: 'TCP' }],
          },
          {
            to: [{ ipBlock: { cidr: '203.0.113.0/24' } }],
            ports: [{ port: 8443 }],
          },
        ],
      },
    },
    serviceAccount: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: sandbox,
        namespace: ns,
        labels: { ...labels, 'azure.workload.identity/use': 'true' },
        annotations: {
          'azure.workload.identity/client-id':
            '6c6f3e2a-1b2c-4d5e-8f90-123456789abc',
        },
      },
      automountServiceAccountToken: false,
    },
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${sandbox}-credentials`, namespace: ns, labels },
      data: { TELEGRAM_BOT_TOKEN: Buffer.from('123:abc').toString('base64') },
    },
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${sandbox}-config`, namespace: ns, labels },
      data: {
        'egress-allowlist': 'api.github.com:443\n',
        'agent.json': '{"model":"gpt-4.1"}',
      },
    },
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: sandbox, namespace: ns, labels },
      spec: {
        selector: { matchLabels: { 'kars.azure.com/sandbox': sandbox } },
        template: {
          metadata: {
            labels: {
              'kars.azure.com/sandbox': sandbox,
              'azure.workload.identity/use': 'true',
            },
            annotations: { 'azure.workload.identity/skip-containers': 'agent' },
          },
          spec: {
            serviceAccountName: sandbox,
            runtimeClassName: 'kata-vm-isolation',
            nodeSelector: { 'kars.azure.com/pool': 'sandbox-kata' },
            tolerations: [
              {
                key: 'kars.azure.com/sandbox',
                operator: 'Equal',
                value: 'true',
                effect: 'NoSchedule',
              },
            ],
            securityContext: {
              seccompProfile: {
                type: 'Localhost',
                localhostProfile: 'profiles/kars-strict.json',
              },
              fsGroup: 1000,
            },
            initContainers: [
              {
                name: 'egress-guard',
                image: 'ghcr.io/kars/egress-guard:1.0.0',
                command: [
                  '/bin/sh',
                  '-c',
                  'iptables-restore < /rules/rules.v4',
                ],
                securityContext: {
                  runAsUser: 0,
                  runAsNonRoot: false,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: {
                    add: ['NET_ADMIN', 'NET_RAW'],
                    drop: ['ALL'],
                  },
                },
                resources: { limits: { cpu: '100m', memory: '64Mi' } },
              },
            ],
            containers: [
              {
                name: 'agent',
                image: 'ghcr.io/kars/openclaw:1.2.3',
                ports: [{ name: 'gateway', containerPort: 18789 }],
                envFrom: [{ secretRef: { name: `${sandbox}-credentials` } }],
                env: [
                  { name: 'KARS_SANDBOX', value: sandbox },
                  {
                    name: 'POD_NAME',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
                  },
                ],
                securityContext: {
                  runAsUser: 1000,
                  runAsGroup: 1000,
                  runAsNonRoot: true,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                },
                resources: {
                  limits: { cpu: '2', memory: '4Gi' },
                  requests: { cpu: '0.5', memory: '1024Mi' },
                },
                readinessProbe: {
                  httpGet: { path: '/healthz', port: 'gateway' },
                },
                livenessProbe: {
                  tcpSocket: { port: 18789 },
                  initialDelaySeconds: 10,
                },
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'config', mountPath: '/etc/kars', readOnly: true },
                ],
              },
              {
                name: 'router',
                image: 'ghcr.io/kars/inference-router:1.0.0',
                ports: [{ name: 'https', containerPort: 8443 }],
                securityContext: {
                  runAsUser: 1001,
                  runAsNonRoot: true,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                },
                resources: { limits: { cpu: '500m', memory: '512Mi' } },
                startupProbe: {
                  exec: { command: ['/router', 'health'] },
                  failureThreshold: 30,
                  periodSeconds: 2,
                },
                volumeMounts: [
                  { name: 'cache', mountPath: '/cache' },
                  { name: 'policy', mountPath: '/etc/router', readOnly: true },
                ],
              },
            ],
            volumes: [
              {
                name: 'tmp',
                emptyDir: { medium: 'Memory', sizeLimit: '64Mi' },
              },
              { name: 'cache', emptyDir: {} },
              { name: 'config', configMap: { name: `${sandbox}-config` } },
              {
                name: 'policy',
                secret: {
                  secretName: `${sandbox}-credentials`,
                  items: [{ key: 'TELEGRAM_BOT_TOKEN', path: 'telegram' }],
                },
              },
            ],
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${sandbox}-router`, namespace: ns, labels },
      spec: {
        selector: { 'kars.azure.com/sandbox': sandbox },
        ports: [
          { name: 'https', port: 8443, targetPort: 'https' },
          { name: 'gateway', port: 18789 },
          { name: 'a2a', port: 18791, targetPort: 18791, protocol: 'TCP' },
        ],
      },
    },
    inferencePolicy: {
      apiVersion: KARS_API,
      kind: 'InferencePolicy',
      metadata: { name: sandbox, namespace: ns, labels },
      spec: {
        appliesTo: { sandboxName: sandbox },
        modelPreference: { primary: { deployment: 'gpt-4.1' } },
        tokenBudget: { dailyTokens: 100000, monthlyTokens: 2000000 },
        contentSafety: {
          hate: 'Low',
          selfHarm: 'Safe',
          sexual: 'Low',
          violence: 'Low',
        },
      },
    },
    karsSandbox: {
      apiVersion: KARS_API,
      kind: 'KarsSandbox',
      metadata: {
        name: sandbox,
        namespace: ns,
        labels: { 'backstage.io/owner': 'team-a' },
      },
      spec: {
        owner: 'group:default/team-a',
        model: 'gpt-4o',
        inferenceRef: { name: sandbox },
        channels: [{ type: 'telegram' }],
        networkPolicy: { allowedEndpoints: [{ host: 'api.github.com' }] },
        a2a: {
          skills: [
            {
              id: 'billing',
              name: 'Billing',
              description: 'Answers invoice questions',
              tags: ['finance'],
            },
          ],
        },
      },
    },
    lease: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kars-reconciler', namespace: ns },
      spec: { holderIdentity: 'backend-0', leaseDurationSeconds: 15 },
    },
    clusterRoleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `kc-kars-backend-${suffix}`, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'view',
      },
      subjects: [
        { kind: 'ServiceAccount', name: 'kars-backend', namespace: ns },
      ],
    },
  };
}
