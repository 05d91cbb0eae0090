import {
  canonicalEntityRef,
  channelHasCredentials,
  ListSandboxesQuery,
  listSandboxesQuerySchema,
  Page,
  Sandbox,
  SandboxHealth,
  SandboxSummary,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';

type Query = z.output<typeof listSandboxesQuerySchema>;

/** The fleet row of a sandbox, its budget fractions read from its health, as the backend makes it. */
export function toSummary(
  sandbox: Sandbox,
  health: SandboxHealth,
): SandboxSummary {
  const fraction = (window: 'daily' | 'monthly') =>
    health.budget.windows.find(w => w.window === window)?.fraction ?? null;
  return {
    name: sandbox.name,
    cluster: sandbox.cluster,
    owner: sandbox.spec.owner,
    isolation: sandbox.spec.sandbox.isolation,
    model: sandbox.spec.model,
    phase: sandbox.status.phase,
    ready:
      sandbox.status.conditions.find(c => c.type === 'Ready')?.status ===
      'True',
    suspended: sandbox.spec.suspended,
    deleting: sandbox.deleting,
    budget: {
      dailyFraction: fraction('daily'),
      monthlyFraction: fraction('monthly'),
    },
    channelTrouble: sandbox.spec.channels
      .map(c => c.type)
      .filter(type => !channelHasCredentials(type, sandbox.credentialKeys)),
    lastReconciledAt: sandbox.status.lastReconciledAt,
  };
}

const sortKeys: Record<Query['sort'], (s: SandboxSummary) => string | number> =
  {
    name: s => s.name,
    owner: s => s.owner ?? '',
    phase: s => s.phase ?? '',
    isolation: s =>
      ['standard', 'enhanced', 'confidential'].indexOf(s.isolation),
    model: s => s.model.toLowerCase(),
    budget: s =>
      Math.max(s.budget.dailyFraction ?? -1, s.budget.monthlyFraction ?? -1),
    lastReconciled: s => s.lastReconciledAt ?? '',
  };

const hasTrouble = (s: SandboxSummary) =>
  s.channelTrouble.length > 0 ||
  s.phase === 'Failed' ||
  s.phase === 'Degraded' ||
  (!s.ready && !s.suspended && !s.deleting);

/**
 * Filters, sorts and pages fleet rows with the backend's rules. The cursor is the offset of the
 * page (the backend's is opaque, so clients cannot tell).
 */
export function pageSummaries(
  rows: SandboxSummary[],
  rawQuery: ListSandboxesQuery | Query,
): Page<SandboxSummary> {
  const query = listSandboxesQuerySchema.parse(rawQuery);
  const needle = query.q?.toLowerCase();
  const owner = query.owner ? canonicalEntityRef(query.owner) : undefined;
  const filtered = rows.filter(
    s =>
      (!owner ||
        (s.owner !== undefined && canonicalEntityRef(s.owner) === owner)) &&
      (!query.cluster || s.cluster === query.cluster) &&
      (!query.phase || s.phase === query.phase) &&
      (!query.isolation || s.isolation === query.isolation) &&
      (!query.model || s.model === query.model) &&
      (!query.name || s.name === query.name) &&
      (query.trouble === undefined ||
        hasTrouble(s) === (query.trouble === 'true')) &&
      (!needle ||
        s.name.includes(needle) ||
        s.model.toLowerCase().includes(needle) ||
        (s.owner ?? '').toLowerCase().includes(needle)),
  );
  const key = sortKeys[query.sort];
  const direction = query.order === 'asc' ? 1 : -1;
  filtered.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -direction;
    if (ka > kb) return direction;
    return direction * a.name.localeCompare(b.name, 'en');
  });
  const offset = Number(query.cursor ?? 0);
  const next = offset + query.limit;
  return {
    items: filtered.slice(offset, next),
    totalCount: filtered.length,
    ...(next < filtered.length ? { nextCursor: String(next) } : {}),
  };
}
