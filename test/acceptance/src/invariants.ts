import {
  NODE_POOLS,
  SandboxSpec,
  sandboxNamespace,
} from '@kars-portal/plugin-kars-common';
import { Check, CheckList } from './checks';
import { canonicalJson, KubeObject } from './snapshot';

/**
 * The seed's promises (docs/DESIGN.md "What must always hold", kars-multi-tenancy.txt, kars-domain.md),
 * written out here rather than imported, so the suite judges the code by the seed and not by itself.
 */
export const SEED = {
  operatorNamespace: 'kars-system',
  operatorNamespaceLabels: {
    'app.kubernetes.io/name': 'kars',
    'app.kubernetes.io/component': 'system',
  },
  sandboxNamespaceLabels: {
    'app.kubernetes.io/name': 'kars',
    'kars.azure.com/role': 'sandbox',
    'kars.azure.com/isolated': 'strict',
  },
  /** PodSecurity: enforce privileged (the egress-guard needs NET_ADMIN), audit and warn restricted. */
  podSecurity: {
    'pod-security.kubernetes.io/enforce': 'privileged',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  },
  claim: {
    version: 'kars.azure.com/namespace-claim-version',
    name: 'kars.azure.com/sandbox-name',
    namespace: 'kars.azure.com/sandbox-namespace',
    uid: 'kars.azure.com/sandbox-uid',
  },
  sandboxLabel: 'kars.azure.com/sandbox',
  finalizer: 'kars.azure.com/namespace-cleanup',
  ports: {
    router: 8443,
    routerProxy: 8444,
    gateway: 18789,
    gatewayWebSocket: 18791,
    dns: 53,
    imds: 80,
    https: 443,
  },
  imdsCidr: '169.254.169.254/32',
  rfc1918: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  /** The default cluster DNS selector: kube-system pods labelled k8s-app: kube-dns. */
  clusterDnsPeer: {
    namespaceSelector: {
      matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
    },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  },
  sandboxNamespacesPeer: {
    namespaceSelector: { matchLabels: { 'kars.azure.com/role': 'sandbox' } },
  },
  uids: { agent: 1000, router: 1001 },
  containers: { router: 'inference-router', egressGuard: 'egress-guard' },
  kataRuntimeClass: 'kata-vm-isolation',
  strictSeccompProfile: 'profiles/kars-strict.json',
  pools: {
    standard: 'sandbox',
    enhanced: 'sandbox',
    confidential: 'sandbox-kata',
  },
  poolLabel: 'kars.azure.com/pool',
  toleration: {
    key: 'kars.azure.com/sandbox',
    operator: 'Equal',
    value: 'true',
    effect: 'NoSchedule',
  },
  serviceAccount: 'sandbox',
  workloadIdentity: {
    clientId: 'azure.workload.identity/client-id',
    skipContainers: 'azure.workload.identity/skip-containers',
    use: 'azure.workload.identity/use',
  },
  /** Hex characters of the generated tokens (kars: 32 for the gateway, 64 for the router admin). */
  generatedTokens: { 'gateway-token': 32, 'router-admin-token': 64 },
  severities: ['Safe', 'Low', 'Medium', 'High'],
  categories: ['hate', 'selfHarm', 'sexual', 'violence'],
  devOnlyLabel: 'kars.azure.com/dev-only',
  productionLabel: 'kars.azure.com/production',
  backendServiceAccount: { namespace: 'kars-system', name: 'kars-portal' },
  floorParameter: { name: 'kars-content-safety-floor', key: 'minimum' },
  floorPolicy: 'kars-content-safety-floor',
  seccompInstaller: 'kars-seccomp-installer',
} as const;

const UUID =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IPV4_ENTRY = /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/;

/** What the suite read about one tenant, from the cluster and from the kars API. */
export interface TenantEvidence {
  name: string;
  /** The spec the tenant must have (defaults filled in). */
  expected: SandboxSpec;
  /** Credential keys the suite set, when it made the tenant, and the last value it set for each. */
  expectedCredentialKeys?: string[];
  expectedCredentialValues?: Record<string, string>;
  /** Every object of the cluster (kind, namespace, name). */
  cluster: KubeObject[];
  /** The cluster's content-safety floor and whether it is a production cluster. */
  floor: string;
  production: boolean;
  /** GET /sandboxes/:name, /manifests and /health. */
  apiSandbox?: any;
  manifests?: any;
  health?: any;
  /** Every API answer about the tenant, to look for its secret values in. */
  apiTexts: string[];
}

const find = (
  objects: KubeObject[],
  kind: string,
  namespace: string | undefined,
  name: string,
) =>
  objects.find(
    o =>
      o.kind === kind &&
      o.metadata.name === name &&
      (o.metadata.namespace ?? undefined) === namespace,
  );

const sameJson = (a: unknown, b: unknown) =>
  canonicalJson(a) === canonicalJson(b);

/** The label/annotation entries of `want` that `have` lacks or has otherwise. */
function missingEntries(
  have: Record<string, string> | undefined,
  want: Record<string, string>,
): string[] {
  return Object.entries(want)
    .filter(([k, v]) => have?.[k] !== v)
    .map(([k, v]) => `${k}=${v} (found ${have?.[k] ?? 'none'})`);
}

/**
 * Where `live` lacks or differs from what `rendered` holds: every key of a rendered object must be in
 * the live one with the same value (the API server may add defaults), arrays element by element.
 */
export function deepSubsetDiff(
  rendered: unknown,
  live: unknown,
  path = '',
): string[] {
  if (Array.isArray(rendered)) {
    if (!Array.isArray(live))
      return [`${path || '.'}: not a list on the cluster`];
    if (live.length !== rendered.length) {
      return [
        `${path}: ${rendered.length} entries rendered, ${live.length} on the cluster`,
      ];
    }
    // Lists of named items (containers, env, volumes, mounts, ports) are maps keyed by name.
    const named = (list: unknown[]) =>
      list.every(
        x => x && typeof x === 'object' && typeof (x as any).name === 'string',
      );
    if (rendered.length && named(rendered) && named(live)) {
      return rendered.flatMap((r: any) => {
        const match = live.find((l: any) => l.name === r.name);
        return match
          ? deepSubsetDiff(r, match, `${path}[${r.name}]`)
          : [`${path}[${r.name}]: missing on the cluster`];
      });
    }
    return rendered.flatMap((r, i) =>
      deepSubsetDiff(r, live[i], `${path}[${i}]`),
    );
  }
  if (rendered && typeof rendered === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) {
      return [`${path || '.'}: missing on the cluster`];
    }
    return Object.entries(rendered).flatMap(([k, v]) =>
      v === undefined
        ? []
        : deepSubsetDiff(
            v,
            (live as Record<string, unknown>)[k],
            path ? `${path}.${k}` : k,
          ),
    );
  }
  const quantity =
    /resources|sizeLimit/.test(path) && sameQuantity(rendered, live);
  if (rendered === live || quantity) return [];
  return [
    `${path}: rendered ${JSON.stringify(
      rendered,
    )}, cluster has ${JSON.stringify(live)}`,
  ];
}

const QUANTITY = /^(\d+(?:\.\d+)?)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;
const SCALE: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  Ki: 1024,
  M: 1e6,
  Mi: 1024 ** 2,
  G: 1e9,
  Gi: 1024 ** 3,
  T: 1e12,
  Ti: 1024 ** 4,
};

/** Two resource quantities the API server may write differently: `1024Mi` is `1Gi`, `1000m` is `1`. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const value = (q: unknown) => {
    const m = typeof q === 'string' ? QUANTITY.exec(q) : null;
    return m ? Number(m[1]) * (m[2] ? SCALE[m[2]] : 1) : undefined;
  };
  const [x, y] = [value(a), value(b)];
  return (
    x !== undefined &&
    y !== undefined &&
    Math.abs(x - y) < 1e-9 * Math.max(1, x)
  );
}

/** A NetworkPolicy rule's (peer, port) pairs; a missing peer list or port list is `ANY`. */
function rulePairs(rule: any, peerKey: 'from' | 'to'): string[] {
  const peers: unknown[] | undefined = rule[peerKey];
  const ports: any[] | undefined = rule.ports;
  const peerNames =
    peers && peers.length ? peers.map(p => canonicalPeer(p)) : ['ANY'];
  const portNames =
    ports && ports.length
      ? ports.map(p => `${p.protocol ?? 'TCP'}/${p.port ?? 'ANY'}`)
      : ['ANY'];
  return peerNames.flatMap(peer => portNames.map(port => `${peer} ${port}`));
}

function canonicalPeer(peer: any): string {
  if (peer?.ipBlock?.except) {
    return canonicalJson({
      ...peer,
      ipBlock: { ...peer.ipBlock, except: [...peer.ipBlock.except].sort() },
    });
  }
  return canonicalJson(peer);
}

const pair = (peer: unknown, protocol: string, port: number) =>
  `${canonicalPeer(peer)} ${protocol}/${port}`;

function setDifference(have: string[], want: string[]) {
  const h = new Set(have);
  const w = new Set(want);
  return {
    missing: [...w].filter(x => !h.has(x)),
    extra: [...h].filter(x => !w.has(x)),
  };
}

/** The ingress the seed allows: 8443 from the operator namespace; with governance also the mesh. */
export function expectedIngress(spec: SandboxSpec): string[] {
  const operator = {
    namespaceSelector: { matchLabels: { ...SEED.operatorNamespaceLabels } },
  };
  const pairs = [pair(operator, 'TCP', SEED.ports.router)];
  if (spec.governance.enabled) {
    for (const port of [
      SEED.ports.router,
      SEED.ports.gateway,
      SEED.ports.gatewayWebSocket,
    ]) {
      pairs.push(pair(SEED.sandboxNamespacesPeer, 'TCP', port));
    }
  }
  return pairs;
}

/**
 * The egress the seed allows besides DNS: IMDS and 443 to public addresses (not RFC 1918), each
 * IP/CIDR allowlist entry on its port, and with governance the mesh port of sandbox namespaces.
 * Host-name entries are the router's, never NetworkPolicy rules.
 */
export function expectedEgress(spec: SandboxSpec): string[] {
  const pairs = [
    pair({ ipBlock: { cidr: SEED.imdsCidr } }, 'TCP', SEED.ports.imds),
    pair(
      { ipBlock: { cidr: '0.0.0.0/0', except: [...SEED.rfc1918] } },
      'TCP',
      SEED.ports.https,
    ),
  ];
  for (const e of spec.networkPolicy.allowedEndpoints) {
    if (!IPV4_ENTRY.test(e.host)) continue;
    const cidr = e.host.includes('/') ? e.host : `${e.host}/32`;
    pairs.push(pair({ ipBlock: { cidr } }, 'TCP', e.port));
  }
  if (spec.governance.enabled) {
    pairs.push(pair(SEED.sandboxNamespacesPeer, 'TCP', SEED.ports.router));
  }
  return pairs;
}

/** Judges a NetworkPolicy against the seed's network rules. */
export function judgeNetworkPolicy(
  policy: any,
  spec: SandboxSpec,
  checks: CheckList,
) {
  const s = policy?.spec ?? {};
  checks.none('network.default-deny', [
    ...(sameJson(s.podSelector ?? null, {})
      ? []
      : [
          `podSelector ${JSON.stringify(
            s.podSelector,
          )} does not select every pod`,
        ]),
    ...['Ingress', 'Egress']
      .filter(t => !(s.policyTypes ?? []).includes(t))
      .map(t => `policyTypes lacks ${t}`),
  ]);
  const ingress: any[] = s.ingress ?? [];
  checks.none(
    'network.ingress-has-from',
    ingress.flatMap((rule, i) =>
      rule.from && rule.from.length
        ? []
        : [
            `ingress[${i}] has no "from": ports ${JSON.stringify(
              rule.ports ?? 'all',
            )} accept any source`,
          ],
    ),
  );
  const ingressDiff = setDifference(
    ingress.flatMap(r => rulePairs(r, 'from')),
    expectedIngress(spec),
  );
  checks.none('network.ingress-exactly-the-seed', [
    ...ingressDiff.extra.map(p => `allows ${p}`),
    ...ingressDiff.missing.map(p => `lacks ${p}`),
  ]);

  const egress: any[] = s.egress ?? [];
  const egressPairs = egress.flatMap(r => rulePairs(r, 'to'));
  const isDns = (p: string) => / (UDP|TCP)\/53$/.test(p);
  const dnsPeer = canonicalPeer(SEED.clusterDnsPeer);
  checks.none('network.dns-only-to-cluster-dns', [
    ...egressPairs
      .filter(p => isDns(p) && !p.startsWith(`${dnsPeer} `))
      .map(p => `DNS egress to ${p.replace(/ (UDP|TCP)\/53$/, '')}`),
    ...['UDP', 'TCP']
      .filter(proto => !egressPairs.includes(`${dnsPeer} ${proto}/53`))
      .map(proto => `no ${proto}/53 to the cluster DNS`),
  ]);
  const egressDiff = setDifference(
    egressPairs.filter(p => !isDns(p)),
    expectedEgress(spec),
  );
  checks.none('network.egress-exactly-the-seed', [
    ...egressDiff.extra.map(p => `allows ${p}`),
    ...egressDiff.missing.map(p => `lacks ${p}`),
  ]);
}

/**
 * The OUTPUT rules of an egress-guard script, with their table, whether the script runs `iptables`
 * per rule or feeds `iptables-restore` (`*nat` … `COMMIT`).
 */
export function iptablesRules(
  script: string,
): Array<{ table: string; rule: string }> {
  const rules: Array<{ table: string; rule: string }> = [];
  let table = 'filter';
  const tokens =
    /\*nat|\*filter|COMMIT|(?:-t\s+(\w+)\s+)?-[AP]\s+OUTPUT\b[^'"\n\\]*/g;
  for (const m of script.matchAll(tokens)) {
    if (m[0] === '*nat') table = 'nat';
    else if (m[0] === '*filter' || m[0] === 'COMMIT') table = 'filter';
    else
      rules.push({
        table: m[1] ?? table,
        rule: m[0].replace(/^-t\s+\w+\s+/, '').trim(),
      });
  }
  return rules;
}

/** The egress-guard's rules, judged: the agent reaches only loopback, cluster DNS and the router's proxy. */
/** An IPv4 allowlist entry as the network it names: `198.51.100.7/24` is `198.51.100.0/24`, an address `/32`. */
export function ipv4Network(host: string): string {
  const [address, bits = '32'] = host.split('/');
  const prefix = Number(bits);
  const value = address
    .split('.')
    .reduce((n, octet) => n * 256 + Number(octet), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (value & mask) >>> 0;
  return `${[24, 16, 8, 0]
    .map(s => (network >>> s) & 255)
    .join('.')}/${prefix}`;
}

/** The IP and CIDR entries of an allowlist, as `network:port`: the agent may reach each of these directly. */
export function directEndpoints(spec: SandboxSpec): string[] {
  return spec.networkPolicy.allowedEndpoints
    .filter(e => IPV4_ENTRY.test(e.host))
    .map(e => `${ipv4Network(e.host)}:${e.port}`);
}

/**
 * Judges an egress-guard script: the agent's web traffic goes to the router's proxy, and nothing is
 * accepted beyond loopback, DNS to the resolvers, the router's own traffic and, for the agent, exactly
 * the allowlist's IP and CIDR entries (`direct`, as `network:port`; the router refuses IP
 * destinations, so those go straight out, on that address and port only).
 */
export function judgeEgressGuardScript(
  script: string,
  direct: string[] = [],
): string[] {
  const rules = iptablesRules(script);
  if (!rules.length) return ['no iptables rules found'];
  const problems: string[] = [];
  const agent = new RegExp(`--uid-owner ${SEED.uids.agent}\\b`);
  const proxy = new RegExp(`--to-ports ${SEED.ports.routerProxy}\\b`);
  for (const port of [80, 443]) {
    const redirected = rules.some(
      ({ table, rule }) =>
        table === 'nat' &&
        agent.test(rule) &&
        /REDIRECT/.test(rule) &&
        proxy.test(rule) &&
        new RegExp(`--dports? [^ ]*\\b${port}\\b`).test(rule),
    );
    if (!redirected) {
      problems.push(
        `the agent's (UID ${SEED.uids.agent}) port ${port} is not redirected to the router's proxy ${SEED.ports.routerProxy}`,
      );
    }
  }
  const filter = rules.filter(r => r.table === 'filter').map(r => r.rule);
  const last = filter[filter.length - 1] ?? '';
  const dropPolicy = filter.some(r => /^-P OUTPUT (DROP|REJECT)/.test(r));
  if (!dropPolicy && !/^-A OUTPUT\s+-j (REJECT|DROP)\s*$/.test(last)) {
    problems.push(`the last OUTPUT rule does not refuse the rest: "${last}"`);
  }
  for (const r of filter.filter(x => /-j ACCEPT/.test(x))) {
    if (/--ctstate ESTABLISHED,RELATED|--state ESTABLISHED,RELATED/.test(r))
      continue;
    if (/(^|\s)-o lo\b/.test(r) && !/!\s+-o lo/.test(r)) continue;
    if (/\s-d 127\.\d+\.\d+\.\d+(\/\d+)?\s/.test(r)) continue;
    if (new RegExp(`--uid-owner ${SEED.uids.router}\\b`).test(r)) continue;
    if (/--dport 53\b/.test(r)) {
      if (!/\s-d\s/.test(r)) problems.push(`DNS to any host: "${r}"`);
      continue;
    }
    const to = /\s-d (\d+\.\d+\.\d+\.\d+(?:\/\d+)?)\s.*--dport (\d+)\b/.exec(r);
    if (
      to &&
      agent.test(r) &&
      direct.includes(`${ipv4Network(to[1])}:${to[2]}`)
    ) {
      continue;
    }
    problems.push(`accepts more than loopback, DNS and the router: "${r}"`);
  }
  return problems;
}

function hardeningProblems(container: any, podSecurity: any): string[] {
  const sc = container.securityContext ?? {};
  const problems: string[] = [];
  const runAsNonRoot = sc.runAsNonRoot ?? podSecurity?.runAsNonRoot;
  const runAsUser = sc.runAsUser ?? podSecurity?.runAsUser;
  if (runAsNonRoot !== true) problems.push('runAsNonRoot is not true');
  if (runAsUser === 0) problems.push('runs as UID 0');
  if (sc.readOnlyRootFilesystem !== true)
    problems.push('root filesystem is writable');
  if (sc.allowPrivilegeEscalation !== false)
    problems.push('privilege escalation is not off');
  if (sc.privileged === true) problems.push('privileged');
  if (!(sc.capabilities?.drop ?? []).includes('ALL'))
    problems.push('does not drop ALL capabilities');
  if ((sc.capabilities?.add ?? []).length) {
    problems.push(`adds capabilities ${sc.capabilities.add.join(', ')}`);
  }
  if (sc.seccompProfile?.type === 'Unconfined')
    problems.push('seccomp Unconfined');
  if (
    !container.resources?.limits?.cpu ||
    !container.resources?.limits?.memory
  ) {
    problems.push('no CPU and memory limits');
  }
  return problems.map(p => `${container.name}: ${p}`);
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** Every seed invariant on one tenant's live objects. */
export function judgeTenant(e: TenantEvidence): Check[] {
  const { name, expected: spec } = e;
  const checks = new CheckList(name);
  const ns = `kars-${name}`;
  const inNs = e.cluster.filter(o => o.metadata.namespace === ns);
  const sandbox = find(e.cluster, 'KarsSandbox', SEED.operatorNamespace, name);
  const namespace = find(e.cluster, 'Namespace', undefined, ns);
  const isolation = spec.sandbox.isolation;

  // One namespace each, claimed by the backend.
  checks.add(
    'sandbox.exists',
    Boolean(sandbox),
    `no KarsSandbox ${SEED.operatorNamespace}/${name}`,
  );
  if (sandbox) {
    checks.add(
      'sandbox.finalizer',
      (sandbox.metadata.finalizers ?? []).includes(SEED.finalizer),
      `finalizers ${JSON.stringify(sandbox.metadata.finalizers ?? [])}`,
    );
    checks.add(
      'sandbox.inference-ref',
      sandbox.spec?.inferenceRef?.name === name,
      `spec.inferenceRef ${JSON.stringify(sandbox.spec?.inferenceRef)}`,
    );
    checks.none(
      'sandbox.spec-as-asked',
      deepSubsetDiff(spec, sandbox.spec).map(d => `spec.${d}`),
    );
    checks.add(
      'sandbox.reconciled',
      sandbox.status?.observedGeneration === sandbox.metadata.generation &&
        !['Failed', 'Degraded'].includes(sandbox.status?.phase),
      `phase ${sandbox.status?.phase}, observedGeneration ${sandbox.status?.observedGeneration} of ${sandbox.metadata.generation}`,
    );
  }
  checks.add('namespace.exists', Boolean(namespace), `no namespace ${ns}`);
  checks.none(
    'namespace.labels',
    missingEntries(namespace?.metadata.labels, {
      ...SEED.sandboxNamespaceLabels,
      [SEED.sandboxLabel]: name,
    }),
  );
  checks.none(
    'namespace.pod-security',
    missingEntries(namespace?.metadata.labels, SEED.podSecurity),
  );
  checks.none(
    'namespace.claimed',
    missingEntries(namespace?.metadata.annotations, {
      [SEED.claim.version]: 'v1',
      [SEED.claim.name]: name,
      [SEED.claim.namespace]: SEED.operatorNamespace,
      ...(sandbox?.metadata.uid
        ? { [SEED.claim.uid]: sandbox.metadata.uid }
        : {}),
    }),
  );
  checks.add(
    'namespace.production-label',
    (namespace?.metadata.labels?.[SEED.productionLabel] === 'true') ===
      e.production,
    `label ${SEED.productionLabel} is ${
      namespace?.metadata.labels?.[SEED.productionLabel] ?? 'absent'
    } on a ${e.production ? '' : 'non-'}production cluster`,
  );

  // Objects are linked by labels and live in the tenant's namespace.
  const made = (o: KubeObject) =>
    !(o.kind === 'ServiceAccount' && o.metadata.name === 'default') &&
    !(o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') &&
    !['Event', 'Pod', 'ReplicaSet', 'Lease'].includes(o.kind);
  checks.none(
    'objects.labelled',
    inNs
      .filter(made)
      .filter(
        o =>
          !(o.kind === 'NetworkPolicy' && o.metadata.name !== 'sandbox-policy'),
      )
      .filter(o => o.metadata.labels?.[SEED.sandboxLabel] !== name)
      .map(
        o => `${o.kind}/${o.metadata.name} lacks ${SEED.sandboxLabel}=${name}`,
      ),
  );
  checks.none(
    'objects.in-own-namespace',
    e.cluster
      .filter(o => o.metadata.labels?.[SEED.sandboxLabel] === name)
      .filter(o => !(o.kind === 'Namespace' && o.metadata.name === ns))
      .filter(o => o.metadata.namespace !== ns)
      .map(
        o =>
          `${o.kind} ${o.metadata.namespace ?? '(cluster)'}/${o.metadata.name}`,
      ),
  );

  // Network: default-deny, ingress only from the seed's peers, egress only to the seed's.
  const policies = inNs.filter(o => o.kind === 'NetworkPolicy');
  const policy = policies.find(p => p.metadata.name === 'sandbox-policy');
  checks.add(
    'network.policy-exists',
    Boolean(policy),
    `no NetworkPolicy ${ns}/sandbox-policy`,
  );
  if (policy) judgeNetworkPolicy(policy, spec, checks);
  const foreign = policies.filter(p => p.metadata.name !== 'sandbox-policy');
  const findings: any[] = e.health?.findings ?? [];
  checks.none(
    'network.foreign-policy-reported',
    foreign
      .filter(
        p =>
          !findings.some(f =>
            `${f.object ?? ''} ${f.message ?? ''}`.includes(p.metadata.name),
          ),
      )
      .map(
        p =>
          `NetworkPolicy ${p.metadata.name} is not named by a health finding`,
      ),
  );

  const hasCredentials =
    (e.apiSandbox?.credentialKeys ?? []).length > 0 ||
    (e.expectedCredentialKeys ?? []).length > 0;

  // What the API says it rendered is what the cluster holds.
  const rendered: any[] = e.manifests?.objects ?? [];
  checks.add(
    'manifests.readable',
    rendered.length > 0,
    'GET /manifests gave no objects',
  );
  const renderedDiffs: string[] = [];
  let policyDiff: string[] = [];
  for (const r of rendered) {
    const live = find(e.cluster, r.kind, r.metadata.namespace, r.metadata.name);
    const where = `${r.kind}/${r.metadata.name}`;
    // The credentials Secret is written by the credentials route only, once there are credentials.
    const credentialsShell =
      r.kind === 'Secret' && r.metadata.name === `${name}-credentials`;
    if (!live) {
      if (!(credentialsShell && !hasCredentials)) {
        renderedDiffs.push(`${where} is not on the cluster`);
      }
      continue;
    }
    const { metadata, status, ...body } = r;
    const diff =
      r.kind === 'Secret'
        ? deepSubsetDiff({ labels: metadata.labels }, live.metadata, 'metadata')
        : [
            ...deepSubsetDiff(body, live),
            ...deepSubsetDiff(
              { labels: metadata.labels, annotations: metadata.annotations },
              live.metadata,
              'metadata',
            ),
          ];
    if (r.kind === 'NetworkPolicy') policyDiff = diff;
    renderedDiffs.push(...diff.map(d => `${where} ${d}`));
  }
  checks.none('manifests.on-the-cluster', renderedDiffs);
  const networkLayer = (e.health?.layers ?? []).find(
    (l: any) => l.layer === 'network',
  );
  checks.add(
    'health.network-layer-truthful',
    Boolean(networkLayer) &&
      ((policyDiff.length === 0 && foreign.length === 0) ||
        networkLayer.state !== 'verified'),
    () =>
      `the network layer says ${
        networkLayer?.state ?? 'nothing'
      } while the live policy differs: ${[
        ...policyDiff,
        ...foreign.map(p => `foreign ${p.metadata.name}`),
      ].join('; ')}`,
  );

  // The workload: hardened, isolated per level, no token for the agent.
  const deployment = find(e.cluster, 'Deployment', ns, name);
  checks.add(
    'workload.exists',
    Boolean(deployment),
    `no Deployment ${ns}/${name}`,
  );
  const pod = deployment?.spec?.template;
  const podSpec = pod?.spec ?? {};
  const agentName = spec.runtime.kind === 'OpenClaw' ? 'openclaw' : 'agent';
  const containers: any[] = podSpec.containers ?? [];
  const inits: any[] = podSpec.initContainers ?? [];
  const agent = containers.find(c => c.name === agentName);
  const router = containers.find(c => c.name === SEED.containers.router);
  const guard = inits.find(c => c.name === SEED.containers.egressGuard);
  if (deployment) {
    checks.add(
      'workload.replicas',
      deployment.spec.replicas === (spec.suspended ? 0 : 1),
      `replicas ${deployment.spec.replicas} with suspended ${spec.suspended}`,
    );
    checks.none('workload.containers', [
      ...(agent ? [] : [`no agent container ${agentName}`]),
      ...(router ? [] : [`no ${SEED.containers.router} container`]),
      ...(guard ? [] : [`no ${SEED.containers.egressGuard} init container`]),
      ...containers
        .filter(c => c !== agent && c !== router)
        .map(c => `unexpected container ${c.name}`),
      ...inits
        .filter(c => c !== guard)
        .map(c => `unexpected init container ${c.name}`),
    ]);
    checks.add(
      'pod.service-account',
      podSpec.serviceAccountName === SEED.serviceAccount,
      `serviceAccountName ${podSpec.serviceAccountName}`,
    );
    checks.add(
      'pod.no-token-automount',
      podSpec.automountServiceAccountToken === false,
      `automountServiceAccountToken ${podSpec.automountServiceAccountToken}`,
    );
    const skip = String(
      pod?.metadata?.annotations?.[SEED.workloadIdentity.skipContainers] ?? '',
    ).split(';');
    checks.add(
      'pod.workload-identity-token-kept-from-agent',
      skip.includes(agentName) && !skip.includes(SEED.containers.router),
      `${SEED.workloadIdentity.skipContainers}: ${skip.join(';')}`,
    );
    checks.add(
      'pod.workload-identity-label',
      pod?.metadata?.labels?.[SEED.workloadIdentity.use] === 'true',
      `pod label ${SEED.workloadIdentity.use}=${
        pod?.metadata?.labels?.[SEED.workloadIdentity.use]
      }`,
    );
    const seccomp = podSpec.securityContext?.seccompProfile;
    const wantSeccomp =
      isolation === 'enhanced'
        ? { type: 'Localhost', localhostProfile: SEED.strictSeccompProfile }
        : { type: 'RuntimeDefault' };
    checks.add(
      'pod.seccomp-per-level',
      sameJson(seccomp, wantSeccomp),
      `${isolation}: seccompProfile ${JSON.stringify(seccomp)}`,
    );
    checks.add(
      'pod.runtime-class-per-level',
      isolation === 'confidential'
        ? podSpec.runtimeClassName === SEED.kataRuntimeClass
        : podSpec.runtimeClassName === undefined,
      `${isolation}: runtimeClassName ${podSpec.runtimeClassName}`,
    );
    checks.add(
      'pod.node-pool-per-level',
      podSpec.nodeSelector?.[SEED.poolLabel] === SEED.pools[isolation] &&
        (podSpec.tolerations ?? []).some((t: any) =>
          sameJson(t, SEED.toleration),
        ),
      `${isolation}: nodeSelector ${JSON.stringify(
        podSpec.nodeSelector,
      )}, tolerations ${JSON.stringify(podSpec.tolerations)}`,
    );
    checks.none('pod.no-host-access', [
      ...(['hostNetwork', 'hostPID', 'hostIPC'] as const)
        .filter(k => podSpec[k] === true)
        .map(k => `${k} is on`),
      ...(podSpec.volumes ?? [])
        .filter((v: any) => v.hostPath)
        .map((v: any) => `hostPath volume ${v.name}`),
    ]);
    checks.add(
      'pod.non-root',
      podSpec.securityContext?.runAsNonRoot === true,
      `pod runAsNonRoot ${podSpec.securityContext?.runAsNonRoot}`,
    );
    checks.none(
      'container.hardened',
      containers.flatMap(c => hardeningProblems(c, podSpec.securityContext)),
    );
    checks.none('container.uids', [
      ...(agent &&
      (agent.securityContext?.runAsUser ??
        podSpec.securityContext?.runAsUser) !== SEED.uids.agent
        ? [`agent runs as ${agent.securityContext?.runAsUser}`]
        : []),
      ...(router && router.securityContext?.runAsUser !== SEED.uids.router
        ? [`router runs as ${router.securityContext?.runAsUser}`]
        : []),
    ]);
    if (agent) {
      checks.add(
        'container.agent-limits-as-asked',
        sameJson(agent.resources?.limits, spec.resources.limits),
        `limits ${JSON.stringify(
          agent.resources?.limits,
        )}, asked ${JSON.stringify(spec.resources.limits)}`,
      );
      checks.add(
        'container.agent-credentials-by-envfrom',
        (agent.envFrom ?? []).some(
          (f: any) => f.secretRef?.name === `${name}-credentials`,
        ),
        `envFrom ${JSON.stringify(agent.envFrom)}`,
      );
      const tokenVolumes = (podSpec.volumes ?? [])
        .filter((v: any) =>
          (v.projected?.sources ?? []).some((s: any) => s.serviceAccountToken),
        )
        .map((v: any) => v.name);
      checks.none(
        'container.agent-no-service-account-token',
        (agent.volumeMounts ?? [])
          .filter(
            (m: any) =>
              tokenVolumes.includes(m.name) ||
              m.mountPath?.startsWith('/var/run/secrets/kubernetes.io'),
          )
          .map((m: any) => `mounts ${m.name} at ${m.mountPath}`),
      );
    }
    if (guard) {
      const sc = guard.securityContext ?? {};
      const add = [...(sc.capabilities?.add ?? [])].sort();
      checks.none('init.egress-guard-least-privilege', [
        ...(sameJson(add, ['NET_ADMIN', 'NET_RAW'])
          ? []
          : [
              `adds ${
                add.join(', ') || 'nothing'
              }, not exactly NET_ADMIN and NET_RAW`,
            ]),
        ...((sc.capabilities?.drop ?? []).includes('ALL')
          ? []
          : ['does not drop ALL']),
        ...(sc.privileged === true ? ['privileged'] : []),
        ...(sc.allowPrivilegeEscalation === false
          ? []
          : ['privilege escalation is not off']),
        ...(sc.readOnlyRootFilesystem === true
          ? []
          : ['root filesystem is writable']),
        ...(sc.seccompProfile?.type === 'Unconfined'
          ? ['seccomp Unconfined']
          : []),
      ]);
      checks.none(
        'init.egress-guard-rules',
        judgeEgressGuardScript(
          [...(guard.command ?? []), ...(guard.args ?? [])].join('\n'),
          directEndpoints(spec),
        ),
      );
    }
    if (router) {
      const env = Object.fromEntries(
        (router.env ?? []).map((v: any) => [v.name, v.value]),
      );
      checks.none('router.budget-and-model', [
        ...(env.TOKEN_BUDGET_DAILY === String(spec.tokenBudget.dailyTokens)
          ? []
          : [
              `TOKEN_BUDGET_DAILY ${env.TOKEN_BUDGET_DAILY}, spec ${spec.tokenBudget.dailyTokens}`,
            ]),
        ...(env.TOKEN_BUDGET_PER_REQUEST ===
        String(spec.tokenBudget.perRequestTokens)
          ? []
          : [
              `TOKEN_BUDGET_PER_REQUEST ${env.TOKEN_BUDGET_PER_REQUEST}, spec ${spec.tokenBudget.perRequestTokens}`,
            ]),
        ...(env.AZURE_OPENAI_DEPLOYMENT === spec.model
          ? []
          : [
              `AZURE_OPENAI_DEPLOYMENT ${env.AZURE_OPENAI_DEPLOYMENT}, spec ${spec.model}`,
            ]),
      ]);
    }
  }

  // Identity: a dedicated ServiceAccount with the workload-identity client id, no RBAC of its own.
  const sa = find(e.cluster, 'ServiceAccount', ns, SEED.serviceAccount);
  checks.add(
    'identity.service-account',
    Boolean(sa) && sa?.automountServiceAccountToken === false,
    sa
      ? `automountServiceAccountToken ${sa.automountServiceAccountToken}`
      : `no ServiceAccount ${ns}/${SEED.serviceAccount}`,
  );
  const clientId = sa?.metadata.annotations?.[SEED.workloadIdentity.clientId];
  const identityLayer = (e.health?.layers ?? []).find(
    (l: any) => l.layer === 'identity',
  );
  // The spec's client id, else the cluster default; with none, health must not claim the layer.
  const identityHolds = () => {
    if (spec.workloadIdentity)
      return clientId === spec.workloadIdentity.clientId;
    if (clientId === undefined) return identityLayer?.state !== 'verified';
    return UUID.test(clientId);
  };
  checks.add(
    'identity.workload-identity-annotation',
    identityHolds(),
    () =>
      `annotation ${clientId ?? 'absent'}, spec client id ${
        spec.workloadIdentity?.clientId ?? 'none'
      }, identity layer ${identityLayer?.state ?? 'absent'}`,
  );
  const subject = (s: any) =>
    (s.kind === 'ServiceAccount' &&
      s.namespace === ns &&
      s.name === SEED.serviceAccount) ||
    (s.kind === 'Group' &&
      ['system:serviceaccounts', `system:serviceaccounts:${ns}`].includes(
        s.name,
      ));
  // kube-apiserver's own defaults let every ServiceAccount read OIDC discovery documents (non-resource
  // URLs only) on every cluster; a binding that grants any resource is what this invariant looks for.
  const grantsNoResource = (binding: any) => {
    const role = find(
      e.cluster,
      binding.roleRef?.kind ?? 'ClusterRole',
      binding.roleRef?.kind === 'Role' ? binding.metadata.namespace : undefined,
      binding.roleRef?.name,
    ) as any;
    return (
      binding.metadata.labels?.['kubernetes.io/bootstrapping'] ===
        'rbac-defaults' &&
      Boolean(role) &&
      (role.rules ?? []).every((r: any) => !r.resources?.length)
    );
  };
  checks.none(
    'identity.no-rbac-for-the-agent',
    e.cluster
      .filter(o => ['RoleBinding', 'ClusterRoleBinding'].includes(o.kind))
      .filter(o => (o.subjects ?? []).some(subject))
      .filter(o => !grantsNoResource(o))
      .map(
        o =>
          `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} binds ${
            o.roleRef?.name
          }`,
      ),
  );

  // Credentials: their own Secret, key names only in the API, values nowhere in it.
  const secret = find(e.cluster, 'Secret', ns, `${name}-credentials`);
  checks.add(
    'credentials.secret-exists-when-set',
    Boolean(secret) || !hasCredentials,
    `credentials ${(e.apiSandbox?.credentialKeys ?? []).join(
      ', ',
    )} set, but no Secret ${ns}/${name}-credentials`,
  );
  const secretKeys = Object.keys(secret?.data ?? {}).sort();
  const apiKeys = [...(e.apiSandbox?.credentialKeys ?? [])].sort();
  checks.none('credentials.key-names', [
    ...(sameJson(secretKeys, apiKeys)
      ? []
      : [
          `Secret holds ${secretKeys.join(',')}, API says ${apiKeys.join(',')}`,
        ]),
    ...(e.expectedCredentialKeys &&
    !sameJson(secretKeys, [...e.expectedCredentialKeys].sort())
      ? [
          `Secret holds ${secretKeys.join(',')}, the suite set ${[
            ...e.expectedCredentialKeys,
          ]
            .sort()
            .join(',')}`,
        ]
      : []),
  ]);
  if (e.expectedCredentialValues) {
    checks.none(
      'credentials.values-as-set',
      Object.entries(e.expectedCredentialValues)
        .filter(
          ([k, v]) =>
            !secret?.data?.[k] || decode(String(secret.data[k])) !== v,
        )
        .map(([k]) => `${k} does not hold the value last set`),
    );
  }
  const tokens = Object.entries(SEED.generatedTokens).map(
    ([secretName, length]) => {
      const s = find(e.cluster, 'Secret', ns, secretName);
      const value = s?.data?.token ? decode(s.data.token) : '';
      return {
        secretName,
        value,
        ok: new RegExp(`^[0-9a-f]{${length}}$`).test(value),
        length,
      };
    },
  );
  checks.none(
    'credentials.generated-tokens',
    tokens
      .filter(t => !t.ok)
      .map(t => `${t.secretName} has no ${t.length}-hex-character token`),
  );
  const values = [
    ...Object.entries(secret?.data ?? {})
      .map(([k, v]) => ({ label: k, value: decode(String(v)) }))
      .filter(v => v.value.length >= 12),
    ...tokens
      .filter(t => t.value)
      .map(t => ({ label: t.secretName, value: t.value })),
  ];
  const leaks = values.filter(v =>
    e.apiTexts.some(
      text =>
        text.includes(v.value) ||
        text.includes(Buffer.from(v.value).toString('base64')),
    ),
  );
  checks.none(
    'credentials.not-readable-via-api',
    leaks.map(l => `the value of ${l.label} is in an API answer`),
  );
  const elsewhere = values.filter(v =>
    e.cluster
      .filter(o => o.kind === 'Secret' && o.metadata.namespace !== ns)
      .some(o =>
        Object.values(o.data ?? {}).some(d => decode(String(d)) === v.value),
      ),
  );
  checks.none(
    'credentials.not-shared',
    elsewhere.map(v => `the value of ${v.label} is also in another namespace`),
  );

  // Budgets and the content-safety floor, in the tenant's own InferencePolicy.
  const ip = find(e.cluster, 'InferencePolicy', ns, name);
  checks.add(
    'budget.inference-policy-exists',
    Boolean(ip),
    `no InferencePolicy ${ns}/${name}`,
  );
  if (ip) {
    checks.add(
      'budget.equals-spec',
      sameJson(ip.spec?.tokenBudget, spec.tokenBudget),
      `tokenBudget ${JSON.stringify(
        ip.spec?.tokenBudget,
      )}, spec ${JSON.stringify(spec.tokenBudget)}`,
    );
    checks.add(
      'budget.applies-to-this-sandbox-and-model',
      ip.spec?.appliesTo?.sandboxName === name &&
        ip.spec?.modelPreference?.primary?.deployment === spec.model,
      `appliesTo ${JSON.stringify(
        ip.spec?.appliesTo,
      )}, primary ${JSON.stringify(ip.spec?.modelPreference?.primary)}`,
    );
    const devOnly = ip.metadata.labels?.[SEED.devOnlyLabel] === 'true';
    const floor = SEED.severities.indexOf(e.floor as never);
    const above = SEED.categories.filter(
      c =>
        SEED.severities.indexOf(ip.spec?.contentSafety?.[c]) > floor ||
        ip.spec?.contentSafety?.[c] === undefined,
    );
    checks.none('content-safety.floor', [
      ...(devOnly
        ? []
        : above.map(
            c =>
              `${c} is ${ip.spec?.contentSafety?.[c]}, above the floor ${e.floor}`,
          )),
      ...(devOnly && e.production ? ['dev-only on a production cluster'] : []),
      ...(devOnly === spec.contentSafety.devOnly
        ? []
        : [
            `dev-only label ${devOnly}, spec devOnly ${spec.contentSafety.devOnly}`,
          ]),
    ]);
    checks.none(
      'content-safety.equals-spec',
      SEED.categories
        .filter(c => ip.spec?.contentSafety?.[c] !== spec.contentSafety[c])
        .map(
          c =>
            `${c} ${ip.spec?.contentSafety?.[c]}, spec ${spec.contentSafety[c]}`,
        ),
    );
  }

  // The router Service with governance or A2A (the card's in-cluster URL names it); the allowlist
  // in the router's ConfigMap; the card.
  const service = find(e.cluster, 'Service', ns, name);
  const wantService = spec.governance.enabled || spec.a2a.enabled;
  checks.add(
    'service.with-governance-or-a2a',
    wantService
      ? service?.spec?.type === 'ClusterIP' &&
          sameJson(
            (service.spec.ports ?? []).map((p: any) => p.port),
            [SEED.ports.router],
          )
      : !service,
    () =>
      `governance ${spec.governance.enabled}, a2a ${
        spec.a2a.enabled
      }: Service ${
        service
          ? `${service.spec?.type} ports ${JSON.stringify(
              service.spec?.ports?.map((p: any) => p.port),
            )}`
          : 'absent'
      }`,
  );
  const allowlist = find(
    e.cluster,
    'ConfigMap',
    ns,
    `karssandbox-${name}-egress-allowlist`,
  );
  const allowlistText = JSON.stringify(allowlist?.data ?? {});
  let listed: Array<{ host: string; port: number }> = [];
  try {
    const file = Object.values(allowlist?.data ?? {})[0];
    listed = file ? JSON.parse(String(file)).endpoints ?? [] : [];
  } catch {
    listed = [];
  }
  checks.none('egress.allowlist-in-router', [
    ...(allowlist ? [] : [`no ConfigMap karssandbox-${name}-egress-allowlist`]),
    ...spec.networkPolicy.allowedEndpoints
      .filter(a => !listed.some(l => l.host === a.host && l.port === a.port))
      .map(
        a =>
          `${a.host}:${a.port} is not in the router's allowlist ${allowlistText}`,
      ),
    ...listed
      .filter(
        l =>
          !spec.networkPolicy.allowedEndpoints.some(
            a => a.host === l.host && a.port === l.port,
          ),
      )
      .map(
        l =>
          `${l.host}:${l.port} is in the router's allowlist but not in the spec`,
      ),
  ]);
  const card = find(e.cluster, 'ConfigMap', ns, `a2aagent-${name}-card`);
  checks.add(
    'a2a.card-only-when-enabled',
    Boolean(card) === spec.a2a.enabled,
    `a2a ${spec.a2a.enabled}, card ConfigMap ${card ? 'present' : 'absent'}`,
  );

  return checks.checks;
}

/** The printer columns `kubectl get karssandbox -n kars-system` shows, judged for each tenant. */
export function judgePrinterColumns(
  table: string,
  tenants: Array<{ name: string; isolation: string; model: string }>,
): Check[] {
  const checks = new CheckList('kubectl get karssandbox');
  const [header, ...rows] = table.trim().split('\n');
  const columns = header.trim().split(/\s+/);
  checks.add(
    'printer-columns',
    ['NAME', 'PHASE', 'MODEL', 'ISOLATION'].every((c, i) => columns[i] === c),
    `columns ${columns.join(' ')}`,
  );
  const cells = rows.map(r => r.trim().split(/\s+/));
  for (const t of tenants) {
    const row = cells.find(c => c[0] === t.name);
    checks.add(
      `printer-row ${t.name}`,
      Boolean(row) &&
        row![1] === 'Running' &&
        row![2] === t.model &&
        row![3] === t.isolation,
      `row ${row?.join(' ') ?? 'absent'}, want Running ${t.model} ${
        t.isolation
      }`,
    );
  }
  return checks.checks;
}

/**
 * The cells of a kubectl table, read by the column positions of its header (a cell such as
 * RESTARTS `1 (5m ago)` holds spaces).
 */
export function readKubectlTable(table: string): Array<Record<string, string>> {
  const [header, ...rows] = table.replace(/\s+$/, '').split('\n');
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map(m => ({
    name: m[0],
    at: m.index!,
  }));
  return rows.map(row =>
    Object.fromEntries(
      starts.map((c, i) => [
        c.name,
        row.slice(c.at, starts[i + 1]?.at ?? row.length).trim(),
      ]),
    ),
  );
}

/**
 * `kubectl get pods -A -o wide` beside `kubectl get nodes -L kars.azure.com/pool`: each tenant's
 * namespace runs one Running pod, all its containers ready, on a node of its isolation's pool.
 */
export function judgeRunningPods(
  pods: string,
  nodes: string,
  tenants: Array<{ name: string; isolation: string }>,
): Check[] {
  const checks = new CheckList('kubectl get pods -A');
  const poolOf = new Map(
    readKubectlTable(nodes).map(n => [n.NAME, n.POOL] as const),
  );
  const rows = readKubectlTable(pods);
  for (const t of tenants) {
    const mine = rows.filter(r => r.NAMESPACE === sandboxNamespace(t.name));
    // Only the confidential level runs in a Kata VM, on the pool whose nodes offer the handler.
    const pool =
      t.isolation === 'confidential' ? NODE_POOLS.kata : NODE_POOLS.sandbox;
    const [ready, containers] = (mine[0]?.READY ?? '0/0').split('/');
    checks.add(
      `pod-running ${t.name}`,
      mine.length === 1 &&
        mine[0].STATUS === 'Running' &&
        ready === containers &&
        Number(containers) > 0 &&
        poolOf.get(mine[0].NODE) === pool,
      mine.length === 1
        ? `${mine[0].NAME} ${mine[0].STATUS} ${mine[0].READY} on ${
            mine[0].NODE
          } (pool ${
            poolOf.get(mine[0].NODE) ?? 'unknown'
          }), want Running, all ready, pool ${pool}`
        : `${mine.length} pods in ${sandboxNamespace(t.name)}, want 1`,
    );
  }
  return checks.checks;
}

/** Cluster-wide invariants: the operator namespace, the floor, the backend's RBAC, no orphans. */
export function judgeCluster(
  objects: KubeObject[],
  sandboxNames: string[],
): Check[] {
  const checks = new CheckList('cluster');
  const operator = find(
    objects,
    'Namespace',
    undefined,
    SEED.operatorNamespace,
  );
  checks.none(
    'cluster.operator-namespace-labels',
    missingEntries(operator?.metadata.labels, SEED.operatorNamespaceLabels),
  );
  const floor = find(
    objects,
    'ConfigMap',
    SEED.operatorNamespace,
    SEED.floorParameter.name,
  );
  checks.add(
    'cluster.content-safety-floor-parameter',
    SEED.severities.includes(floor?.data?.[SEED.floorParameter.key]),
    `ConfigMap ${SEED.floorParameter.name} minimum ${
      floor?.data?.[SEED.floorParameter.key]
    }`,
  );
  checks.add(
    'cluster.content-safety-floor-policy',
    Boolean(
      find(objects, 'ValidatingAdmissionPolicy', undefined, SEED.floorPolicy),
    ) &&
      objects.some(
        o =>
          o.kind === 'ValidatingAdmissionPolicyBinding' &&
          o.spec?.policyName === SEED.floorPolicy,
      ),
    `no ValidatingAdmissionPolicy ${SEED.floorPolicy} with a binding`,
  );
  checks.add(
    'cluster.seccomp-installer',
    Boolean(
      find(objects, 'DaemonSet', SEED.operatorNamespace, SEED.seccompInstaller),
    ),
    `no DaemonSet ${SEED.seccompInstaller}`,
  );
  checks.add(
    'cluster.kata-runtime-class',
    Boolean(find(objects, 'RuntimeClass', undefined, SEED.kataRuntimeClass)),
    `no RuntimeClass ${SEED.kataRuntimeClass}`,
  );

  const backend = (s: any) =>
    s.kind === 'ServiceAccount' &&
    s.namespace === SEED.backendServiceAccount.namespace &&
    s.name === SEED.backendServiceAccount.name;
  const grantsSecrets = (role: KubeObject | undefined) =>
    (role?.rules ?? []).some(
      (r: any) =>
        (r.apiGroups ?? []).some((g: string) => g === '' || g === '*') &&
        (r.resources ?? []).some((x: string) => x === 'secrets' || x === '*'),
    );
  checks.none(
    'cluster.backend-no-cluster-wide-secrets',
    objects
      .filter(
        o =>
          o.kind === 'ClusterRoleBinding' && (o.subjects ?? []).some(backend),
      )
      .filter(o =>
        grantsSecrets(find(objects, 'ClusterRole', undefined, o.roleRef?.name)),
      )
      .map(
        o =>
          `ClusterRoleBinding ${o.metadata.name} grants Secrets everywhere through ClusterRole ${o.roleRef?.name}`,
      ),
  );
  const tenantNamespaces = new Set(sandboxNames.map(n => `kars-${n}`));
  checks.none(
    'cluster.backend-secrets-only-in-tenant-namespaces',
    objects
      .filter(o => o.kind === 'RoleBinding' && (o.subjects ?? []).some(backend))
      .filter(o =>
        grantsSecrets(
          o.roleRef?.kind === 'ClusterRole'
            ? find(objects, 'ClusterRole', undefined, o.roleRef.name)
            : find(objects, 'Role', o.metadata.namespace, o.roleRef?.name),
        ),
      )
      .filter(
        o =>
          !tenantNamespaces.has(o.metadata.namespace ?? '') &&
          !isTerminating(objects, o.metadata.namespace),
      )
      .map(
        o =>
          `RoleBinding ${o.metadata.namespace}/${o.metadata.name} grants Secrets outside a tenant namespace`,
      ),
  );
  checks.none(
    'cluster.no-orphan-namespaces',
    objects
      .filter(
        o =>
          o.kind === 'Namespace' && o.metadata.annotations?.[SEED.claim.name],
      )
      .filter(
        o =>
          !tenantNamespaces.has(o.metadata.name) &&
          !o.metadata.deletionTimestamp &&
          o.status?.phase !== 'Terminating',
      )
      .map(
        o =>
          `namespace ${o.metadata.name} is claimed for ${
            o.metadata.annotations?.[SEED.claim.name]
          }, which does not exist`,
      ),
  );
  return checks.checks;
}

function isTerminating(objects: KubeObject[], namespace?: string) {
  const ns = namespace
    ? find(objects, 'Namespace', undefined, namespace)
    : undefined;
  return (
    Boolean(ns?.metadata.deletionTimestamp) ||
    ns?.status?.phase === 'Terminating'
  );
}
