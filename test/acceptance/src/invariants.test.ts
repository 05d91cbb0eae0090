import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { CheckList } from './checks';
import {
  deepSubsetDiff,
  ipv4Network,
  judgeEgressGuardScript,
  judgeNetworkPolicy,
  judgeRunningPods,
  SEED,
} from './invariants';

const spec = (governance: boolean) =>
  sandboxSpecSchema.parse({
    governance: { enabled: governance },
    networkPolicy: {
      allowedEndpoints: [
        { host: 'api.example.com', port: 443 },
        { host: '203.0.113.7', port: 8443 },
      ],
    },
  });

const operator = {
  namespaceSelector: { matchLabels: { ...SEED.operatorNamespaceLabels } },
};
const tcp = (port: number) => ({ protocol: 'TCP', port });

/** The seed's policy without governance, as the backend should write it. */
function seedPolicy() {
  return {
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [operator], ports: [tcp(8443)] }],
      egress: [
        {
          to: [SEED.clusterDnsPeer],
          ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
        },
        { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [tcp(80)] },
        {
          to: [
            {
              ipBlock: {
                cidr: '0.0.0.0/0',
                except: ['192.168.0.0/16', '10.0.0.0/8', '172.16.0.0/12'],
              },
            },
          ],
          ports: [tcp(443)],
        },
        { to: [{ ipBlock: { cidr: '203.0.113.7/32' } }], ports: [tcp(8443)] },
      ],
    },
  };
}

function failingRules(policy: unknown, governance = false) {
  const checks = new CheckList('t');
  judgeNetworkPolicy(policy, spec(governance), checks);
  return checks.checks.filter(c => !c.ok).map(c => c.rule);
}

describe('judgeNetworkPolicy', () => {
  it('passes the seed policy', () => {
    expect(failingRules(seedPolicy())).toEqual([]);
  });

  it('fails an ingress rule without from: its port accepts any source (the live object of issue 15)', () => {
    const policy = seedPolicy();
    delete (policy.spec.ingress[0] as { from?: unknown }).from;
    expect(failingRules(policy)).toEqual([
      'network.ingress-has-from',
      'network.ingress-exactly-the-seed',
    ]);
  });

  it('fails DNS open to any host', () => {
    const policy = seedPolicy();
    delete (policy.spec.egress[0] as { to?: unknown }).to;
    expect(failingRules(policy)).toEqual(['network.dns-only-to-cluster-dns']);
  });

  it('fails an egress rule the seed does not allow, and a missing allowlist entry', () => {
    const policy = seedPolicy();
    policy.spec.egress[3] = {
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [tcp(22)],
    };
    expect(failingRules(policy)).toEqual(['network.egress-exactly-the-seed']);
  });

  it('asks for the mesh ports from sandbox namespaces with governance', () => {
    expect(failingRules(seedPolicy(), true)).toEqual([
      'network.ingress-exactly-the-seed',
      'network.egress-exactly-the-seed',
    ]);
  });
});

describe('judgeEgressGuardScript', () => {
  const perRule = [
    'set -eu',
    'iptables -t nat -A OUTPUT -p tcp -m owner --uid-owner 1000 -m multiport --dports 80,443 -j REDIRECT --to-ports 8444',
    'iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    'iptables -A OUTPUT -o lo -j ACCEPT',
    'iptables -A OUTPUT -p udp --dport 53 -j ACCEPT',
    'iptables -A OUTPUT -m owner --uid-owner 1001 -j ACCEPT',
    'iptables -A OUTPUT -j REJECT',
  ].join('\n');

  it('finds DNS open to any host in per-rule iptables calls', () => {
    expect(judgeEgressGuardScript(perRule)).toEqual([
      'DNS to any host: "-A OUTPUT -p udp --dport 53 -j ACCEPT"',
    ]);
  });

  it('passes an iptables-restore script that allows DNS only to the resolvers', () => {
    const restore = `{
  printf '%s\\n' '*nat' \\
    '-A OUTPUT ! -o lo -p tcp -m owner --uid-owner 1000 --dport 80 -j REDIRECT --to-ports 8444' \\
    '-A OUTPUT ! -o lo -p tcp -m owner --uid-owner 1000 --dport 443 -j REDIRECT --to-ports 8444' \\
    'COMMIT' '*filter' \\
    '-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT' \\
    '-A OUTPUT -o lo -j ACCEPT' \\
    '-A OUTPUT -d 127.0.0.1/32 -p tcp --dport 8444 -j ACCEPT'
  for resolver in $resolvers; do
    echo "-A OUTPUT -d $resolver/32 -p udp --dport 53 -j ACCEPT"
  done
  printf '%s\\n' '-A OUTPUT -m owner --uid-owner 1001 -j ACCEPT' '-A OUTPUT -j REJECT' 'COMMIT'
} | iptables-restore --noflush`;
    expect(judgeEgressGuardScript(restore)).toEqual([]);
  });

  it("lets the agent reach exactly the allowlist's IP and CIDR entries, and nothing else", () => {
    const guard = [
      'iptables -t nat -A OUTPUT -p tcp -m owner --uid-owner 1000 -m multiport --dports 80,443 -j REDIRECT --to-ports 8444',
      'iptables -A OUTPUT -d 203.0.113.7/32 -p tcp -m owner --uid-owner 1000 --dport 5432 -j ACCEPT',
      'iptables -A OUTPUT -d 198.51.100.0/24 -p tcp -m owner --uid-owner 1000 --dport 8443 -j ACCEPT',
      'iptables -A OUTPUT -d 192.0.2.9/32 -p tcp -m owner --uid-owner 1000 --dport 22 -j ACCEPT',
      'iptables -A OUTPUT -j REJECT',
    ].join('\n');
    expect(
      judgeEgressGuardScript(guard, [
        '203.0.113.7/32:5432',
        '198.51.100.0/24:8443',
      ]),
    ).toEqual([
      'accepts more than loopback, DNS and the router: "-A OUTPUT -d 192.0.2.9/32 -p tcp -m owner --uid-owner 1000 --dport 22 -j ACCEPT"',
    ]);
    expect(ipv4Network('198.51.100.7/24')).toBe('198.51.100.0/24');
    expect(ipv4Network('10.1.2.3')).toBe('10.1.2.3/32');
  });

  it('fails a guard that lets the agent out and refuses nothing', () => {
    expect(
      judgeEgressGuardScript('iptables -A OUTPUT -p tcp --dport 443 -j ACCEPT'),
    ).toEqual([
      "the agent's (UID 1000) port 80 is not redirected to the router's proxy 8444",
      "the agent's (UID 1000) port 443 is not redirected to the router's proxy 8444",
      'the last OUTPUT rule does not refuse the rest: "-A OUTPUT -p tcp --dport 443 -j ACCEPT"',
      'accepts more than loopback, DNS and the router: "-A OUTPUT -p tcp --dport 443 -j ACCEPT"',
    ]);
  });
});

describe('deepSubsetDiff', () => {
  it('takes quantities the server canonicalises as equal', () => {
    const limits = (memory: string, cpu: string) => ({
      resources: { limits: { memory, cpu } },
    });
    expect(
      deepSubsetDiff(limits('1024Mi', '1000m'), limits('1Gi', '1')),
    ).toEqual([]);
    expect(deepSubsetDiff(limits('1024Mi', '1'), limits('1G', '1'))).toEqual([
      'resources.limits.memory: rendered "1024Mi", cluster has "1G"',
    ]);
    expect(deepSubsetDiff({ version: '1.0' }, { version: '1' })).toEqual([
      'version: rendered "1.0", cluster has "1"',
    ]);
  });

  it('names a rendered field the live object lacks', () => {
    const rendered = {
      spec: { ingress: [{ from: [operator], ports: [tcp(8443)] }] },
    };
    const live = { spec: { ingress: [{ ports: [tcp(8443)] }] } };
    expect(deepSubsetDiff(rendered, live)).toEqual([
      'spec.ingress[0].from: not a list on the cluster',
    ]);
  });

  it('matches named list items by name and allows defaults added by the server', () => {
    const rendered = {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    };
    const live = {
      env: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1', valueFrom: undefined },
      ],
      extra: true,
    };
    expect(deepSubsetDiff(rendered, live)).toEqual([]);
    expect(
      deepSubsetDiff(rendered, {
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
        ],
      }),
    ).toEqual(['env[B].value: rendered "2", cluster has "3"']);
  });
});

describe('judgeRunningPods', () => {
  const nodes = `NAME             STATUS   ROLES    AGE   VERSION   POOL
sandbox-0        Ready    <none>   5m    v1.36.5   sandbox
sandbox-kata-0   Ready    <none>   5m    v1.36.5   sandbox-kata
`;
  const pods = (
    b: string,
  ) => `NAMESPACE       NAME                     READY   STATUS    RESTARTS      AGE   IP          NODE             NOMINATED NODE   READINESS GATES
kars-tenant-a   tenant-a-5df4b58cf5-x1   2/2     Running   0             5m    10.244.0.4  sandbox-0        <none>           <none>
kars-tenant-b   ${b}
`;
  const tenants = [
    { name: 'tenant-a', isolation: 'enhanced' },
    { name: 'tenant-b', isolation: 'confidential' },
  ];
  const podFailures = (podTable: string) =>
    judgeRunningPods(podTable, nodes, tenants)
      .filter(c => !c.ok)
      .map(c => c.rule);

  it("passes each tenant's Running pod on its pool's node, restarts with their age read as one cell", () => {
    expect(
      podFailures(
        pods(
          'tenant-b-7c9d8f6b44-y2   2/2     Running   1 (3m ago)    5m    10.244.1.2  sandbox-kata-0   <none>           <none>',
        ),
      ),
    ).toEqual([]);
  });

  it('fails a confidential pod on a node outside the Kata pool, a pod not all ready, and a missing pod', () => {
    expect(
      podFailures(
        pods(
          'tenant-b-7c9d8f6b44-y2   2/2     Running   0             5m    10.244.1.2  sandbox-0        <none>           <none>',
        ),
      ),
    ).toEqual(['pod-running tenant-b']);
    expect(
      podFailures(
        pods(
          'tenant-b-7c9d8f6b44-y2   1/2     Running   0             5m    10.244.1.2  sandbox-kata-0   <none>           <none>',
        ),
      ),
    ).toEqual(['pod-running tenant-b']);
    expect(podFailures(pods('').replace(/kars-tenant-b.*\n/, ''))).toEqual([
      'pod-running tenant-b',
    ]);
  });
});
