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

/** A parsed `GET /sandboxes` query. */
export type ListQuery = z.output<typeof listSandboxesQuerySchema>;
type Query = ListQuery;

/** The sort keys of the listing. */
export type SortKey = Query['sort'];

const budgetKey = (s: SandboxSummary) =>
  Math.max(s.budget.dailyFraction ?? -1, s.budget.monthlyFraction ?? -1);

const sortKeys: Record<SortKey, (s: SandboxSummary) => string | number> = {
  name: s => s.name,
  owner: s => s.owner ?? '',
  phase: s => s.phase ?? '',
  isolation: s => ['standard', 'enhanced', 'confidential'].indexOf(s.isolation),
  model: s => s.model.toLowerCase(),
  budget: budgetKey,
  lastReconciled: s => s.lastReconciledAt ?? '',
};

/** Orders rows ascending by a sort key, ties by name. Pure. */
export function ascending(
  sort: SortKey,
): (a: SandboxSummary, b: SandboxSummary) => number {
  const key = sortKeys[sort];
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    return a.name.localeCompare(b.name, 'en');
  };
}

/** Whether a row has trouble: not ready (and not suspended or deleting), or channel trouble. */
export function hasTrouble(s: SandboxSummary) {
  return (
    s.channelTrouble.length > 0 ||
    s.phase === 'Failed' ||
    s.phase === 'Degraded' ||
    (!s.ready && !s.suspended && !s.deleting)
  );
}

/** The query's owner filter in canonical form, as the permission rule compares (undefined: none). */
export const ownerOf = (query: Query) =>
  query.owner ? canonicalEntityRef(query.owner) : undefined;

/** Whether a row passes the query's filters and search (the caller's permissions aside). Pure. */
export function rowFilter(query: Query): (s: SandboxSummary) => boolean {
  const needle = query.q?.toLowerCase();
  const owner = ownerOf(query);
  return s =>
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
      (s.owner ?? '').toLowerCase().includes(needle));
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

/** The page the query's cursor and limit ask for, of rows already filtered and sorted. Pure. */
export function pageOf<T>(sorted: readonly T[], query: Query): Page<T> {
  const offset = query.cursor ? decodeCursor(query.cursor, query) : 0;
  const items = sorted.slice(offset, offset + query.limit);
  const next = offset + query.limit;
  return {
    items,
    totalCount: sorted.length,
    ...(next < sorted.length
      ? {
          nextCursor: encodeCursor({
            offset: next,
            fingerprint: fingerprint(query),
          }),
        }
      : {}),
  };
}

/** Filters, sorts and pages fleet rows. Pure. */
export function pageSummaries(
  rows: SandboxSummary[],
  rawQuery: ListSandboxesQuery | Query,
): Page<SandboxSummary> {
  const query = listSandboxesQuerySchema.parse(rawQuery);
  const compare = ascending(query.sort);
  const direction = query.order === 'asc' ? 1 : -1;
  const filtered = rows
    .filter(rowFilter(query))
    .sort((a, b) => direction * compare(a, b));
  return pageOf(filtered, query);
}

/**
 * The items of a page with what `include` asks for: the spec and the agent card the backend serves
 * (null with A2A off) of each item's sandbox. Pure.
 */
export function withIncludes(
  page: Page<SandboxSummary>,
  includes: ListQuery['include'],
  sandboxOf: (item: SandboxSummary) => Sandbox,
  agentCard: (sandbox: Sandbox) => AgentCard | undefined,
): Page<SandboxListItem> {
  const include = new Set(includes);
  if (include.size === 0) return page;
  return {
    ...page,
    items: page.items.map(item => {
      const sandbox = sandboxOf(item);
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
  const key = (s: { cluster: string; name: string }) =>
    `${s.cluster}/${s.name}`;
  const byKey = new Map(sandboxes.map(s => [key(s), s]));
  return withIncludes(page, includes, item => byKey.get(key(item))!, agentCard);
}
