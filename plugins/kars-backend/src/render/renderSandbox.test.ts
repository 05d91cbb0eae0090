import {
  buildAgentCard,
  ISOLATION_LEVELS,
  KARS_ANNOTATIONS,
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { renderedManifestList, renderSandbox } from './renderSandbox';
import { ClusterSettings } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

const cluster: ClusterSettings = {
  name: 'test',
  production: false,
  operatorNamespace: 'kars-system',
  clusterDomain: 'cluster.local',
  dns: {
    namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
    podLabels: { 'k8s-app': 'kube-dns' },
  },
  images: {
    agent: {
      default: 'example.test/kars/agent:1',
      OpenClaw: 'example.test/kars/openclaw:1',
    },
    router: 'example.test/kars/router:1',
    egressGuard: 'example.test/kars/egress-guard:1',
  },
  defaultWorkloadIdentityClientId: '00000000-0000-4000-8000-000000000001',
};

const render = (
  spec: SandboxSpecInput,
  settings: Partial<ClusterSettings> = {},
) =>
  renderSandbox({
    name: 'tenant-a',
    spec: sandboxSpecSchema.parse(spec),
    cluster: { ...cluster, ...settings },
    sandboxUid: 'uid-1',
  });

const find = (objects: KubeObject[], kind: string) => {
  const o = objects.find(x => x.kind === kind);
  if (!o) throw new Error(`no ${kind}`);
  return o as any;
};

const matrix = ISOLATION_LEVELS.flatMap(isolation =>
  [false, true].map(governance => ({ isolation, governance })),
);

describe.each(matrix)(
  'isolation $isolation, governance $governance',
  ({ isolation, governance }) => {
    const rendered = render({
      sandbox: { isolation },
      governance: { enabled: governance },
      model: 'gpt-4.1',
      tokenBudget: {
        perRequestTokens: 8000,
        dailyTokens: 100000,
        monthlyTokens: 2000000,
      },
      networkPolicy: {
        allowedEndpoints: [
          { host: 'api.github.com', port: 443 },
          { host: '203.0.113.7', port: 8080 },
          { host: '198.51.100.0/24', port: 5432 },
        ],
      },
    });
    const all = [rendered.namespace, ...rendered.objects];
    const deployment = find(rendered.objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    const netpol = find(rendered.objects, 'NetworkPolicy');

    it('one namespace each: every object lives in kars-<name> and carries the sandbox label', () => {
      expect(rendered.namespace.metadata.name).toBe('kars-tenant-a');
      for (const o of [
        ...rendered.objects,
        ...rendered.secrets.map(s => s.object),
      ]) {
        expect(o.metadata.namespace).toBe('kars-tenant-a');
      }
      for (const o of all) {
        expect(o.metadata.labels?.['kars.azure.com/sandbox']).toBe('tenant-a');
      }
    });

    it('namespace: PodSecurity enforce privileged, audit and warn restricted, and claimed', () => {
      expect(rendered.namespace.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'kars.azure.com/role': 'sandbox',
      });
      expect(rendered.namespace.metadata.annotations).toMatchObject({
        'kars.azure.com/namespace-claim-version': 'v1',
        'kars.azure.com/sandbox-name': 'tenant-a',
        'kars.azure.com/sandbox-uid': 'uid-1',
        'kars.azure.com/sandbox-namespace': 'kars-system',
      });
      expect(rendered.namespace.metadata.labels).not.toHaveProperty(
        'kars.azure.com/production',
      );
    });

    it('network: default-deny ingress and egress for every pod in the namespace', () => {
      expect(netpol.spec.podSelector).toEqual({});
      expect(netpol.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    });

    it('network: egress only to the cluster DNS, IMDS, public 443 and the IP allowlist', () => {
      const egress = netpol.spec.egress;
      expect(egress[0]).toEqual({
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
      });
      expect(egress[1]).toEqual({
        to: [{ ipBlock: { cidr: '169.254.169.254/32' } }],
        ports: [{ protocol: 'TCP', port: 80 }],
      });
      expect(egress[2]).toEqual({
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 443 }],
      });
      expect(egress.slice(3, 5)).toEqual([
        {
          to: [{ ipBlock: { cidr: '203.0.113.7/32' } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
        {
          to: [{ ipBlock: { cidr: '198.51.100.0/24' } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ]);
      expect(egress.slice(5)).toEqual(
        governance
          ? [
              {
                to: [
                  {
                    namespaceSelector: {
                      matchLabels: { 'kars.azure.com/role': 'sandbox' },
                    },
                  },
                ],
                ports: [{ protocol: 'TCP', port: 8443 }],
              },
            ]
          : [],
      );
      for (const rule of egress) {
        expect(rule.to.length).toBeGreaterThan(0);
        expect(rule.ports.length).toBeGreaterThan(0);
      }
    });

    it('network: host names cannot be NetworkPolicy rules; the router allowlist, mounted where it reads it, lists every entry', () => {
      expect(JSON.stringify(netpol)).not.toContain('api.github.com');
      const allowlist = rendered.objects.find(
        o => o.metadata.name === 'karssandbox-tenant-a-egress-allowlist',
      ) as any;
      expect(JSON.parse(allowlist.data['allowlist.json'])).toEqual({
        schemaVersion: 1,
        endpoints: [
          { host: '198.51.100.0/24', port: 5432 },
          { host: '203.0.113.7', port: 8080 },
          { host: 'api.github.com', port: 443 },
        ],
      });
      const router = pod.containers[1];
      const mount = router.volumeMounts.find(
        (m: any) => m.name === 'egress-allowlist',
      );
      expect(
        router.env.find((e: any) => e.name === 'EGRESS_ALLOWLIST_DIR').value,
      ).toBe(mount.mountPath);
      expect(
        allowlist.metadata.annotations[KARS_ANNOTATIONS.egressAllowlistDigest],
      ).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('network: ingress as governance asks', () => {
      const operator = {
        namespaceSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'kars',
            'app.kubernetes.io/component': 'system',
          },
        },
      };
      const expected: unknown[] = [
        { from: [operator], ports: [{ protocol: 'TCP', port: 8443 }] },
      ];
      if (governance) {
        expected.push({
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kars.azure.com/role': 'sandbox' },
              },
            },
          ],
          ports: [8443, 18789, 18791].map(port => ({ protocol: 'TCP', port })),
        });
      }
      expect(netpol.spec.ingress).toEqual(expected);
    });

    it('per-container egress: the egress-guard is the only root container, with NET_ADMIN and NET_RAW alone', () => {
      expect(pod.initContainers).toHaveLength(1);
      const guard = pod.initContainers[0];
      expect(guard.name).toBe('egress-guard');
      expect(guard.securityContext).toMatchObject({
        runAsUser: 0,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
      });
      expect(guard.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(guard.command[2]).toContain('iptables-restore --noflush');
    });

    it('hardening: every long-running container is non-root, read-only, drops ALL, cannot escalate, has limits', () => {
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        expect(c.resources.limits.cpu).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
      }
      expect(
        pod.containers.map((c: any) => [c.name, c.securityContext.runAsUser]),
      ).toEqual([
        ['openclaw', 1000],
        ['inference-router', 1001],
      ]);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
      });
    });

    it('seccomp and Kata by isolation level', () => {
      expect(pod.securityContext.seccompProfile).toEqual(
        isolation === 'enhanced'
          ? { type: 'Localhost', localhostProfile: 'profiles/kars-strict.json' }
          : { type: 'RuntimeDefault' },
      );
      expect(pod.runtimeClassName).toBe(
        isolation === 'confidential' ? 'kata-vm-isolation' : undefined,
      );
      expect(pod.nodeSelector).toEqual({
        'kars.azure.com/pool':
          isolation === 'confidential' ? 'sandbox-kata' : 'sandbox',
      });
      expect(pod.tolerations).toEqual([
        {
          key: 'kars.azure.com/sandbox',
          operator: 'Equal',
          value: 'true',
          effect: 'NoSchedule',
        },
      ]);
    });

    it('identity: a dedicated ServiceAccount with the client id, no token for the agent', () => {
      const sa = find(rendered.objects, 'ServiceAccount');
      expect(sa.metadata.name).toBe('sandbox');
      expect(sa.metadata.annotations['azure.workload.identity/client-id']).toBe(
        cluster.defaultWorkloadIdentityClientId,
      );
      expect(pod.serviceAccountName).toBe('sandbox');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(
        deployment.spec.template.metadata.annotations[
          'azure.workload.identity/skip-containers'
        ],
      ).toBe('egress-guard;openclaw');
      expect(
        deployment.spec.template.metadata.labels['azure.workload.identity/use'],
      ).toBe('true');
    });

    it('credentials: the Secret reaches the agent through envFrom only, and no value is rendered', () => {
      const agent = pod.containers[0];
      expect(agent.envFrom).toEqual([
        { secretRef: { name: 'tenant-a-credentials', optional: true } },
      ]);
      expect(pod.containers[1].envFrom).toBeUndefined();
      for (const s of rendered.secrets) {
        expect(s.object).not.toHaveProperty('data');
        expect(s.object).not.toHaveProperty('stringData');
      }
      expect(rendered.objects.some(o => o.kind === 'Secret')).toBe(false);
    });

    it('budgets: the sandbox own InferencePolicy holds them, and its router is told', () => {
      const policy = find(rendered.objects, 'InferencePolicy');
      expect(policy.metadata.namespace).toBe('kars-tenant-a');
      expect(policy.spec.tokenBudget).toEqual({
        perRequestTokens: 8000,
        dailyTokens: 100000,
        monthlyTokens: 2000000,
      });
      expect(policy.spec.modelPreference.primary.deployment).toBe('gpt-4.1');
      const env = Object.fromEntries(
        pod.containers[1].env.map((e: any) => [e.name, e.value]),
      );
      expect(env).toMatchObject({
        TOKEN_BUDGET_DAILY: '100000',
        TOKEN_BUDGET_PER_REQUEST: '8000',
        TOKEN_BUDGET_MONTHLY: '2000000',
        AZURE_OPENAI_DEPLOYMENT: 'gpt-4.1',
      });
    });

    it('the router Service exists, since A2A is on by default (the card names it)', () => {
      const services = rendered.objects.filter(
        o => o.kind === 'Service',
      ) as any[];
      expect(services.map(s => s.spec.ports)).toEqual([
        [
          {
            name: 'inference',
            port: 8443,
            targetPort: 'inference',
            protocol: 'TCP',
          },
        ],
      ]);
    });
  },
);

describe('renderSandbox', () => {
  it.each([
    [false, false, 0],
    [true, false, 1],
    [false, true, 1],
  ])(
    'renders the router Service with A2A %s and governance %s: %i',
    (a2a, governance, count) => {
      const { objects } = render({
        a2a: { enabled: a2a },
        governance: { enabled: governance },
      });
      expect(objects.filter(o => o.kind === 'Service')).toHaveLength(count);
    },
  );

  it('labels the namespace production on a production cluster', () => {
    expect(
      render({}, { production: true }).namespace.metadata.labels,
    ).toMatchObject({
      'kars.azure.com/production': 'true',
    });
  });

  it('labels a dev-only InferencePolicy', () => {
    const policy = find(
      render({ contentSafety: { hate: 'High', devOnly: true } }).objects,
      'InferencePolicy',
    );
    expect(policy.metadata.labels['kars.azure.com/dev-only']).toBe('true');
    expect(policy.spec.contentSafety).toEqual({
      hate: 'High',
      selfHarm: 'Medium',
      sexual: 'Medium',
      violence: 'Medium',
    });
  });

  it('scales to zero when suspended', () => {
    expect(
      find(render({ suspended: true }).objects, 'Deployment').spec.replicas,
    ).toBe(0);
    expect(find(render({}).objects, 'Deployment').spec.replicas).toBe(1);
  });

  it('mounts the same agent card the catalog publishes, and none when A2A is off', () => {
    const spec = {
      a2a: {
        description: 'Billing',
        skills: [
          { id: 'b', name: 'B', description: 'Bills', tags: ['billing'] },
        ],
      },
    };
    const card = render(spec).objects.find(
      o => o.metadata.name === 'a2aagent-tenant-a-card',
    ) as any;
    expect(JSON.parse(card.data['agent-card.json'])).toEqual(
      buildAgentCard('tenant-a', sandboxSpecSchema.parse(spec)),
    );
    expect(card.data['agent.json']).toBe(card.data['agent-card.json']);
    const off = render({ a2a: { enabled: false } });
    expect(
      off.objects.some(o => o.metadata.name === 'a2aagent-tenant-a-card'),
    ).toBe(false);
    expect(JSON.stringify(off.objects)).not.toContain('A2A_CARD_DIR');
  });

  it('keeps agent requests within the limits', () => {
    const agent = find(
      render({ resources: { limits: { cpu: '250m', memory: '512Mi' } } })
        .objects,
      'Deployment',
    ).spec.template.spec.containers[0];
    expect(agent.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '250m', memory: '512Mi' },
    });
  });

  it('names the agent container agent for runtimes other than OpenClaw', () => {
    const pod = find(
      render({ runtime: { kind: 'LangGraph' } }).objects,
      'Deployment',
    ).spec.template.spec;
    expect(pod.containers[0].name).toBe('agent');
    expect(pod.containers[0].image).toBe('example.test/kars/agent:1');
    expect(pod.containers[0].ports).toBeUndefined();
  });

  it('is deterministic, and a budget change touches exactly the policy and the Deployment', () => {
    const hashes = (spec: SandboxSpecInput) =>
      Object.fromEntries(
        render(spec).objects.map(o => [
          `${o.kind}/${o.metadata.name}`,
          o.metadata.annotations?.[KARS_ANNOTATIONS.desiredHash],
        ]),
      );
    const before = hashes({});
    expect(hashes({})).toEqual(before);
    const after = hashes({ tokenBudget: { dailyTokens: 5 } });
    const changed = Object.keys(before).filter(k => before[k] !== after[k]);
    expect(changed.sort()).toEqual([
      'Deployment/tenant-a',
      'InferencePolicy/tenant-a',
    ]);
  });

  it('an isolation change touches exactly the Deployment', () => {
    const hashes = (spec: SandboxSpecInput) =>
      render(spec).objects.map(
        o => o.metadata.annotations?.[KARS_ANNOTATIONS.desiredHash],
      );
    const a = hashes({ sandbox: { isolation: 'enhanced' } });
    const b = hashes({ sandbox: { isolation: 'confidential' } });
    const kinds = render({}).objects.map(o => o.kind);
    expect(kinds.filter((_, i) => a[i] !== b[i])).toEqual(['Deployment']);
  });

  it('lists Secrets for display with their values redacted', () => {
    const list = renderedManifestList(render({}));
    const secrets = list.filter(o => o.kind === 'Secret');
    expect(secrets.map(s => s.metadata.name)).toEqual([
      'gateway-token',
      'router-admin-token',
      'tenant-a-credentials',
    ]);
    for (const s of secrets) expect(s.data).toEqual({});
  });
});
