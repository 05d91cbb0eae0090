import {
  KARS_ANNOTATIONS,
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { testClusterSettings } from '../__testUtils__/clusters';
import {
  egressAllowlistBody,
  egressAllowlistDigest,
  renderEgressAllowlist,
} from './configMaps';
import { renderNetworkPolicy } from './networkPolicy';
import { ClusterSettings } from './types';

const settings = (kars: Record<string, unknown> = {}) =>
  testClusterSettings(kars);

const input = (
  spec: SandboxSpecInput,
  cluster: ClusterSettings = settings(),
) => ({
  name: 'tenant-a',
  spec: sandboxSpecSchema.parse(spec),
  cluster,
});

const egressOf = (spec: SandboxSpecInput, cluster?: ClusterSettings) =>
  (renderNetworkPolicy(input(spec, cluster)) as any).spec.egress as any[];

/** A host name on a port other than 443, an IP and a CIDR (host bits set) on non-443 ports. */
const allowedEndpoints = [
  { host: 'git.example.com', port: 8443 },
  { host: '203.0.113.7', port: 8080 },
  { host: '198.51.100.7/24', port: 5432 },
  { host: 'api.github.com', port: 443 },
];

const publicRange = {
  ipBlock: {
    cidr: '0.0.0.0/0',
    except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  },
};
const tcp = (port: number) => ({ protocol: 'TCP', port });

describe('sandbox NetworkPolicy egress', () => {
  it('sends DNS only to the kube-dns pods of kube-system by default, and nothing else may use port 53', () => {
    const egress = egressOf({ networkPolicy: { allowedEndpoints } });
    expect(egress[0]).toEqual({
      to: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
          },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
    });
    for (const rule of egress) expect(rule.to?.length).toBeGreaterThan(0);
    for (const rule of egress.slice(1)) {
      expect(rule.ports.map((p: any) => p.port)).not.toContain(53);
    }
  });

  it('sends DNS to the DNS pods a cluster configures', () => {
    const cluster = settings({
      clusters: [
        {
          name: 'edge',
          type: 'inCluster',
          dns: {
            namespaceLabels: { 'kubernetes.io/metadata.name': 'dns-system' },
            podLabels: { 'app.kubernetes.io/name': 'coredns' },
          },
        },
      ],
    });
    expect(egressOf({}, cluster)[0].to).toEqual([
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' },
        },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'coredns' } },
      },
    ]);
  });

  it('without allowlist entries: DNS, IMDS on 80 and public addresses on 443, nothing more', () => {
    expect(egressOf({}).slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [tcp(80)] },
      { to: [publicRange], ports: [tcp(443)] },
    ]);
  });

  it('a host name on port 8443 opens 8443 to public addresses only (the guard keeps it to the router), never naming the host', () => {
    const egress = egressOf({ networkPolicy: { allowedEndpoints } });
    expect(egress[2]).toEqual({
      to: [publicRange],
      ports: [tcp(443), tcp(8443)],
    });
    expect(JSON.stringify(egress)).not.toContain('example.com');
    expect(JSON.stringify(egress)).not.toContain('github');
  });

  it('an IP on 8080 and a CIDR on 5432 are allowed on exactly their port, the CIDR as its network', () => {
    expect(egressOf({ networkPolicy: { allowedEndpoints } }).slice(3)).toEqual([
      { to: [{ ipBlock: { cidr: '203.0.113.7/32' } }], ports: [tcp(8080)] },
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(5432)] },
    ]);
  });

  it('a host name on port 80 opens 80 to public addresses, once however many entries use it', () => {
    const egress = egressOf({
      networkPolicy: {
        allowedEndpoints: [
          { host: 'a.example.com', port: 80 },
          { host: 'b.example.com', port: 80 },
        ],
      },
    });
    expect(egress[2].ports).toEqual([tcp(443), tcp(80)]);
  });
});

describe('router egress allowlist', () => {
  it('lists every entry, host names, IPs and CIDRs with their ports, in the form the kars router loads', () => {
    const allowlist = renderEgressAllowlist(
      input({ networkPolicy: { allowedEndpoints } }),
    ) as any;
    expect(allowlist.metadata.name).toBe(
      'karssandbox-tenant-a-egress-allowlist',
    );
    expect(allowlist.data['allowlist.json']).toBe(
      '{"endpoints":[' +
        '{"host":"198.51.100.7/24","port":5432},' +
        '{"host":"203.0.113.7","port":8080},' +
        '{"host":"api.github.com","port":443},' +
        '{"host":"git.example.com","port":8443}' +
        '],"schemaVersion":1}',
    );
    expect(
      allowlist.metadata.annotations[KARS_ANNOTATIONS.egressAllowlistDigest],
    ).toBe(egressAllowlistDigest(allowlist.data['allowlist.json']));
  });

  it("digests a body as the router does: sha256 of the length-prefixed name and body (vectors from Python's hashlib)", () => {
    expect(egressAllowlistDigest('{"endpoints":[],"schemaVersion":1}')).toBe(
      'sha256:40c4731edadaea2340386c1ce46397a4f26ecf404b2b21a741cbc25ce2501ec0',
    );
    const body = egressAllowlistBody(
      sandboxSpecSchema.parse({
        networkPolicy: { allowedEndpoints: [{ host: 'api.github.com' }] },
      }),
    );
    expect(egressAllowlistDigest(body)).toBe(
      'sha256:6b8a5fa6df8d96ce12a958f3273a80dac8a002b6168afc6326bc4fc623028c88',
    );
  });

  it('orders a host by port when it is listed twice', () => {
    const body = egressAllowlistBody(
      sandboxSpecSchema.parse({
        networkPolicy: {
          allowedEndpoints: [
            { host: 'a.example.com', port: 8443 },
            { host: 'a.example.com', port: 443 },
          ],
        },
      }),
    );
    expect(JSON.parse(body).endpoints).toEqual([
      { host: 'a.example.com', port: 443 },
      { host: 'a.example.com', port: 8443 },
    ]);
  });
});
