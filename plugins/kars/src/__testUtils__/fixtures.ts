/**
 * Test fixtures, parsed at import by the kars-common schemas so they cannot drift from the API.
 */
import {
  AgentCard,
  AuditEvent,
  AuditEventsResponse,
  AuditPage,
  ClusterInfo,
  Page,
  Sandbox,
  SandboxHealth,
  SandboxSummary,
  agentCardSchema,
  AUDIT_ACTIONS,
  auditPageSchema,
  buildAgentCard,
  conditionSchema,
  sandboxSpecSchema,
  sandboxStatusSchema,
  ISOLATION_LAYERS,
} from '@kars-portal/plugin-kars-common';

const spec = sandboxSpecSchema.parse({
  owner: 'group:default/team-a',
  sandbox: { isolation: 'enhanced' },
  model: 'gpt-4.1',
  tokenBudget: {
    perRequestTokens: 8000,
    dailyTokens: 100000,
    monthlyTokens: 2000000,
  },
  channels: [{ type: 'telegram' }, { type: 'slack' }],
  networkPolicy: {
    allowedEndpoints: [
      { host: 'api.github.com', port: 443 },
      { host: '203.0.113.0/24', port: 8443 },
    ],
  },
  a2a: {
    description: 'Answers questions about team A',
    skills: [
      {
        id: 'triage',
        name: 'Triage',
        description: 'Sorts incoming issues',
        tags: ['issues', 'ops'],
      },
    ],
  },
});

const status = sandboxStatusSchema.parse({
  phase: 'Running',
  observedGeneration: 3,
  namespace: 'kars-tenant-a',
  lastReconciledAt: '2026-11-29T10:00:00Z',
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Available',
      message: 'sandbox is ready',
      lastTransitionTime: '2026-11-29T09:00:00Z',
    },
    {
      type: 'CredentialsConfigured',
      status: 'False',
      reason: 'MissingKeys',
      message: 'SLACK_BOT_TOKEN is not set',
      lastTransitionTime: '2026-11-29T09:00:00Z',
    },
  ],
});

export const sandbox: Sandbox = {
  name: 'tenant-a',
  cluster: 'dev',
  namespace: 'kars-tenant-a',
  spec,
  status,
  credentialKeys: ['TELEGRAM_BOT_TOKEN'],
  uid: '6a1c3f7e-2b7d-4c1e-9f59-0c2c7f5f0a11',
  generation: 3,
  createdAt: '2026-11-28T09:00:00Z',
  deleting: false,
};

export const suspendedSandbox: Sandbox = {
  ...sandbox,
  spec: sandboxSpecSchema.parse({ ...spec, suspended: true }),
};

const layerState = (l: (typeof ISOLATION_LAYERS)[number]) => {
  if (l === 'kata') return 'missing' as const;
  if (l === 'seccomp') return 'declared' as const;
  return 'verified' as const;
};

export const health: SandboxHealth = {
  name: 'tenant-a',
  phase: 'Running',
  conditions: status.conditions.map(c => conditionSchema.parse(c)),
  layers: ISOLATION_LAYERS.map(layer => ({
    layer,
    required: layer !== 'kata',
    state: layerState(layer),
    summary: `${layer} summary`,
    evidence:
      layer === 'network' ? ['NetworkPolicy kars-tenant-a/default-deny'] : [],
  })),
  budget: {
    source: 'prometheus',
    state: 'ok',
    windows: [
      {
        window: 'perRequest',
        limit: 8000,
        used: null,
        headroom: null,
        fraction: null,
      },
      {
        window: 'daily',
        limit: 100000,
        used: 30000,
        headroom: 70000,
        fraction: 0.3,
      },
      {
        window: 'monthly',
        limit: 2000000,
        used: 500000,
        headroom: 1500000,
        fraction: 0.25,
      },
    ],
  },
  channels: [
    {
      channel: 'telegram',
      state: 'configured',
      workload: 'ready',
      connection: 'unknown',
    },
    {
      channel: 'slack',
      state: 'credentials-missing',
      workload: 'ready',
      connection: 'unknown',
    },
  ],
  workload: {
    desiredReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    restarts: 0,
    state: 'ready',
  },
  identity: {
    serviceAccount: 'tenant-a',
    namespace: 'kars-tenant-a',
    federatedCredentialSubject: 'system:serviceaccount:kars-tenant-a:tenant-a',
  },
  findings: [],
  simulated: true,
};

/** A degraded sandbox: a missing required layer, a failed workload, a foreign NetworkPolicy. */
export const degradedHealth: SandboxHealth = {
  ...health,
  phase: 'Degraded',
  layers: health.layers.map(l =>
    l.layer === 'network'
      ? {
          ...l,
          state: 'missing',
          summary: 'the default-deny NetworkPolicy is gone',
        }
      : l,
  ),
  workload: { ...health.workload, readyReplicas: 0, state: 'failed' },
  findings: [
    {
      severity: 'warning',
      code: 'ForeignNetworkPolicy',
      message: 'NetworkPolicy allow-all was not made by kars portal',
      object: 'kars-tenant-a/allow-all',
    },
  ],
};

/** The budget source (Prometheus) is down. */
export const unknownBudgetHealth: SandboxHealth = {
  ...health,
  budget: {
    source: 'prometheus',
    state: 'unknown',
    message: 'connection refused',
    windows: health.budget.windows.map(w => ({
      ...w,
      used: null,
      headroom: null,
      fraction: null,
    })),
  },
};

export const agentCard: AgentCard = agentCardSchema.parse(
  buildAgentCard('tenant-a', spec),
);

export const events: AuditEventsResponse = {
  items: [
    {
      id: '1',
      sandbox: 'tenant-a',
      cluster: 'dev',
      actor: 'user:default/jane',
      action: 'create',
      outcome: 'succeeded',
      at: '2026-11-28T09:00:00Z',
      message: 'created',
    },
  ],
};

export const embeddedCluster: ClusterInfo = {
  clusters: [
    {
      name: 'dev',
      embedded: true,
      simulated: true,
      production: false,
      default: true,
      reconciling: true,
      preflight: [],
    },
  ],
};

export const realCluster: ClusterInfo = {
  clusters: [
    { ...embeddedCluster.clusters[0], embedded: false, simulated: false },
  ],
};

export function summary(
  i: number,
  overrides: Partial<SandboxSummary> = {},
): SandboxSummary {
  const name = `tenant-${String(i).padStart(4, '0')}`;
  return {
    name,
    cluster: 'dev',
    owner: 'group:default/team-a',
    isolation: 'enhanced',
    model: 'gpt-4.1',
    phase: 'Running',
    ready: true,
    suspended: false,
    deleting: false,
    budget: { dailyFraction: 0.3, monthlyFraction: 0.25 },
    channelTrouble: [],
    lastReconciledAt: '2026-11-29T10:00:00Z',
    ...overrides,
  };
}

/** A fleet of `total` sandboxes, served a page at a time like the backend does. */
export function fleetPage(
  total: number,
  params: URLSearchParams,
): Page<SandboxSummary> {
  const limit = Number(params.get('limit') ?? 50);
  const offset = Number(params.get('cursor') ?? 0);
  const q = params.get('q') ?? '';
  let all = Array.from({ length: total }, (_, i) =>
    summary(i, i % 7 === 3 ? { channelTrouble: ['slack'] } : {}),
  );
  if (q) all = all.filter(s => s.name.includes(q));
  if (params.get('trouble') === 'true') {
    all = all.filter(s => s.channelTrouble.length > 0);
  }
  if (params.get('order') === 'desc') all.reverse();
  const items = all.slice(offset, offset + limit);
  return {
    items,
    totalCount: all.length,
    nextCursor:
      offset + limit < all.length ? String(offset + limit) : undefined,
  };
}

/** The `n`th event of a fleet-wide audit trail (ids 1..n, oldest first); tenant-d was deleted. */
export function auditEvent(id: number): AuditEvent {
  return {
    id: String(id),
    sandbox: ['tenant-a', 'tenant-b', 'tenant-d'][id % 3],
    cluster: 'dev',
    actor: id % 4 === 0 ? 'service:acceptance' : 'user:default/jane',
    action: AUDIT_ACTIONS[id % 4],
    outcome: id % 5 === 0 ? 'denied' : 'succeeded',
    at: new Date(Date.UTC(2026, 10, 28, 9, 0, id)).toISOString(),
    message: id % 5 === 0 ? 'not permitted' : `event ${id}`,
  };
}

/** A trail of `total` events, filtered and served a page at a time, newest first, like the backend. */
export function auditTrail(total: number, params: URLSearchParams): AuditPage {
  const limit = Number(params.get('limit') ?? 50);
  const cursor = Number(params.get('cursor') ?? total + 1);
  const matches = (e: AuditEvent) =>
    (['sandbox', 'actor', 'action', 'outcome'] as const).every(
      key => !params.has(key) || e[key] === params.get(key),
    ) &&
    (!params.has('since') ||
      Date.parse(e.at) >= Date.parse(params.get('since')!));
  const all = Array.from({ length: total }, (_, i) =>
    auditEvent(total - i),
  ).filter(matches);
  const after = all.filter(e => Number(e.id) < cursor);
  const items = after.slice(0, limit);
  return auditPageSchema.parse({
    items,
    totalCount: all.length,
    ...(after.length > limit ? { nextCursor: items[items.length - 1].id } : {}),
  });
}
