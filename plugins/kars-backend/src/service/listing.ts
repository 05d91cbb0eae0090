import {
  AgentCard,
  canonicalEntityRef,
  channelHasCredentials,
  ChannelType,
  ListSandboxesQuery,
  listSandboxesQuerySchema,
  Page,
  Sandbox,
  SandboxListItem,
  SandboxSummary,
} from '@kars-portal/plugin-kars-common';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Budget use of a sandbox as fractions of its limits (null: unlimited or unknown). */
export interface BudgetFractions {
  dailyFraction: number | null;
  monthlyFraction: number | null;
}

/**
 * The fleet row of a sandbox; its channel trouble is each enabled channel without credentials or
 * among `failing` (those the last channel check saw failing). Pure.
 */
export function toSummary(
  sandbox: Sandbox,
  budget: BudgetFractions = { dailyFraction: null, monthlyFraction: null },
  failing: readonly ChannelType[] = [],
): SandboxSummary {
  const ready =
    sandbox.status.conditions.find(c => c.type === 'Ready')?.status === 'True';
  return {
    name: sandbox.name,
    cluster: sandbox.cluster,
    owner: sandbox.spec.owner,
    isolation: sandbox.spec.sandbox.isolation,
    model: sandbox.spec.model,
    phase: sandbox.status.phase,
    ready,
    suspended: sandbox.spec.suspended,
    deleting: sandbox.deleting,
    budget,
    channelTrouble: sandbox.spec.channels
      .map(c => c.type)
      .filter(
        type =>
          !channelHasCredentials(type, sandbox.credentialKeys) ||
          failing.includes(type),
      ),
    lastReconciledAt: sandbox.status.lastReconciledAt,
  };
}

type Query = z.output<typeof listSandboxesQuerySchema>;

const budgetKey = (s: SandboxSummary) =>
  Math.max(s.budget.dailyFraction ?? -1, s.budget.monthlyFraction ?? -1);

const sortKeys: Record<Query['sort'], (s: SandboxSummary) => string | number> =
  {
    name: s => s.name,
    owner: s => s.owner ?? '',
    phase: s => s.phase ?? '',
    isolation: s =>
      ['standard', 'enhanced', 'confidential'].indexOf(s.isolation),
    model: s => s.model.toLowerCase(),
    budget: budgetKey,
    lastReconciled: s => s.lastReconciledAt ?? '',
  };

/** Whether a row has trouble: not ready (and not suspended or deleting), or channel trouble. */
export function hasTrouble(s: SandboxSummary) {
  return (
    s.channelTrouble.length > 0 ||
    s.phase === 'Failed' ||
    s.phase === 'Degraded' ||
    (!s.ready && !s.suspended && !s.deleting)
  );
}

interface Cursor {
  offset: number;
  fingerprint: string;
}

const fingerprint = (q: Query) =>
  JSON.stringify([
    q.sort,
    q.order,
    q.owner,
    q.cluster,
    q.phase,
    q.isolation,
    q.model,
    q.trouble,
    q.q,
    q.name,
  ]);

const encodeCursor = (c: Cursor) =>
  Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(token: string, q: Query): number {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as Cursor;
    if (
      Number.isInteger(c.offset) &&
      c.offset >= 0 &&
      c.fingerprint === fingerprint(q)
    ) {
      return c.offset;
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError(
    'cursor is not a cursor of this listing (it must come from nextCursor of the same query) [cursor]',
  );
}

/** Filters, sorts and pages fleet rows. Pure. */
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
  const offset = query.cursor ? decodeCursor(query.cursor, query) : 0;
  const items = filtered.slice(offset, offset + query.limit);
  const next = offset + query.limit;
  return {
    items,
    totalCount: filtered.length,
    ...(next < filtered.length
      ? {
          nextCursor: encodeCursor({
            offset: next,
            fingerprint: fingerprint(query),
          }),
        }
      : {}),
  };
}

/**
 * `GET /sandboxes`: the fleet rows of the sandboxes, filtered, sorted and paged, each item with what
 * `include` asks for (the spec, the agent card the backend serves); `failing` gives the channels
 * last seen failing. Pure.
 */
export function listPage(
  sandboxes: Sandbox[],
  query: Query,
  fractions: (sandbox: Sandbox) => BudgetFractions,
  agentCard: (sandbox: Sandbox) => AgentCard | undefined,
  failing: (sandbox: Sandbox) => readonly ChannelType[] = () => [],
): Page<SandboxListItem> {
  const { include: includes, ...paging } = query;
  const page = pageSummaries(
    sandboxes.map(s => toSummary(s, fractions(s), failing(s))),
    paging,
  );
  const include = new Set(includes);
  if (include.size === 0) return page;
  const key = (s: { cluster: string; name: string }) =>
    `${s.cluster}/${s.name}`;
  const byKey = new Map(sandboxes.map(s => [key(s), s]));
  return {
    ...page,
    items: page.items.map(item => {
      const sandbox = byKey.get(key(item))!;
      return {
        ...item,
        ...(include.has('spec') ? { spec: sandbox.spec } : {}),
        ...(include.has('agentCard')
          ? { agentCard: agentCard(sandbox) ?? null }
          : {}),
      };
    }),
  };
}
