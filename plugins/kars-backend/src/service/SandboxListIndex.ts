import { randomBytes } from 'crypto';
import {
  canonicalEntityRef,
  ChannelType,
  Page,
  Sandbox,
  SandboxSummary,
  SANDBOX_SORT_KEYS,
} from '@kars-portal/plugin-kars-common';
import { InformerEvent } from '../kube/Informer';
import { ClusterConnection } from './ClusterConnection';
import {
  ascending,
  BudgetFractions,
  ListQuery,
  ownerOf,
  pageOf,
  rowFilter,
  SortKey,
  toSummary,
} from './listing';
import { KarsSandboxObject, toSandbox } from './sandboxObject';

/** Where the rows' budget use and channel trouble come from, besides the sandboxes themselves. */
export interface RowSources {
  fractions(sandbox: Sandbox): BudgetFractions;
  failing(sandbox: Sandbox): readonly ChannelType[];
  /**
   * Values that change (by identity) whenever what `fractions` or `failing` answer for a cluster's
   * sandboxes may change: the cluster's last usage snapshot, the count of its channel checks.
   */
  versions(cluster: ClusterConnection): readonly unknown[];
}

/** A sandbox of the index with its fleet row. */
export interface ListedSandbox {
  readonly sandbox: Sandbox;
  readonly summary: SandboxSummary;
}

/** A row of the index: a sandbox, its fleet row and its owner in canonical form (undefined: none). */
interface Row extends ListedSandbox {
  summary: SandboxSummary;
  readonly owner: string | undefined;
}

/** The rows of one cluster, and the versions of the sources their fleet rows were made from. */
interface ClusterRows {
  readonly cluster: ClusterConnection;
  readonly rows: Map<string, Row>;
  versions: readonly unknown[];
}

/** Below this share of the fleet, a listing narrowed to some owners gathers their rows and sorts those. */
const GATHER_SHARE = 1 / 8;

const sameVersions = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether two rows of a sandbox agree in what the sources give: budget use and channel trouble. */
const sameSources = (a: SandboxSummary, b: SandboxSummary) =>
  a.budget.dailyFraction === b.budget.dailyFraction &&
  a.budget.monthlyFraction === b.budget.monthlyFraction &&
  a.channelTrouble.length === b.channelTrouble.length &&
  a.channelTrouble.every((type, i) => type === b.channelTrouble[i]);

/**
 * The fleet list kept from the clusters' watch caches: each sandbox's fleet row is made once per
 * version of its object (and again when its cluster's usage snapshot or channel check changes),
 * the rows are kept sorted by each sort key asked for (sorted once, then kept in order as objects
 * change), by owner and by name, so a `GET /sandboxes` filters and slices instead of mapping and
 * sorting the fleet. Its generation changes with every row.
 */
export class SandboxListIndex {
  /** A random name of this index: generations of two indexes never compare equal. */
  readonly instance = randomBytes(9).toString('base64url');
  private readonly clusters: ClusterRows[];
  private readonly byOwner = new Map<string | undefined, Set<Row>>();
  private readonly sorted = new Map<SortKey, Row[]>();
  private readonly compare = new Map(
    SANDBOX_SORT_KEYS.map(sort => {
      const compare = ascending(sort);
      return [sort, (a: Row, b: Row) => compare(a.summary, b.summary)];
    }),
  );
  private changes = 0;

  constructor(
    clusters: readonly ClusterConnection[],
    private readonly sources: RowSources,
  ) {
    this.clusters = clusters.map(cluster => {
      const state: ClusterRows = {
        cluster,
        rows: new Map(),
        versions: sources.versions(cluster),
      };
      for (const object of cluster.sandboxes.list()) this.put(state, object);
      cluster.sandboxes.onChange(event => this.apply(state, event));
      return state;
    });
  }

  /** A number that changes whenever any row of the listing does. */
  get generation(): number {
    this.refresh();
    return this.changes;
  }

  /** How many sandboxes the index holds. */
  get size(): number {
    return this.clusters.reduce((n, c) => n + c.rows.size, 0);
  }

  /**
   * One page of the listing: the rows that pass the query's filters and whose canonical owner
   * `visibleOwner` lets through (every row without it), sorted and paged as the query asks.
   */
  page(
    query: ListQuery,
    visibleOwner?: (owner: string | undefined) => boolean,
  ): Page<ListedSandbox> {
    this.refresh();
    const owner = ownerOf(query);
    const matches = rowFilter({ ...query, owner: undefined });
    let owners: Array<string | undefined> | undefined;
    if (owner !== undefined) owners = [owner];
    if (visibleOwner) {
      owners = (owners ?? [...this.byOwner.keys()]).filter(visibleOwner);
    }
    const allowed = owners && new Set(owners);
    const direction = query.order === 'asc' ? 1 : -1;
    const compare = this.compare.get(query.sort)!;
    const pass = (rows: Iterable<Row>, owned?: Set<string | undefined>) =>
      [...rows]
        .filter(row => (!owned || owned.has(row.owner)) && matches(row.summary))
        .sort((a, b) => direction * compare(a, b));
    if (query.name) {
      // One sandbox by name (the catalog reads each changed sandbox so): its row in each cluster.
      const named = this.clusters.flatMap(c => c.rows.get(query.name!) ?? []);
      return pageOf(pass(named, allowed), query);
    }
    const ownerRows = owners?.map(o => this.byOwner.get(o) ?? new Set<Row>());
    if (
      ownerRows &&
      ownerRows.reduce((n, rows) => n + rows.size, 0) < this.size * GATHER_SHARE
    ) {
      return pageOf(pass(ownerRows.flatMap(rows => [...rows])), query);
    }
    const sorted = this.sortedBy(query.sort);
    const found: Row[] = [];
    const take = (row: Row) => {
      if ((!allowed || allowed.has(row.owner)) && matches(row.summary)) {
        found.push(row);
      }
    };
    if (direction === 1) {
      for (let i = 0; i < sorted.length; i++) take(sorted[i]);
    } else {
      for (let i = sorted.length - 1; i >= 0; i--) take(sorted[i]);
    }
    return pageOf(found, query);
  }

  /** The rows sorted ascending by a key: sorted on first use, kept in order after. */
  private sortedBy(sort: SortKey): Row[] {
    let rows = this.sorted.get(sort);
    if (!rows) {
      rows = this.clusters
        .flatMap(c => [...c.rows.values()])
        .sort(this.compare.get(sort));
      this.sorted.set(sort, rows);
    }
    return rows;
  }

  /**
   * Remakes the rows of each cluster whose usage snapshot or channel check changed; the listing
   * changes (and its generation with it) only if a row's budget use or channel trouble did.
   */
  private refresh() {
    for (const state of this.clusters) {
      const versions = this.sources.versions(state.cluster);
      if (sameVersions(versions, state.versions)) continue;
      state.versions = versions;
      let changed = false;
      for (const row of state.rows.values()) {
        const summary = this.summaryOf(row.sandbox);
        if (!sameSources(summary, row.summary)) {
          row.summary = summary;
          changed = true;
        }
      }
      if (changed) {
        this.sorted.delete('budget');
        this.changes++;
      }
    }
  }

  private apply(state: ClusterRows, event: InformerEvent<KarsSandboxObject>) {
    if (event.type === 'resync') return;
    this.remove(state, event.object.metadata.name);
    if (event.type === 'upsert') this.put(state, event.object);
    this.changes++;
  }

  private summaryOf(sandbox: Sandbox) {
    return toSummary(
      sandbox,
      this.sources.fractions(sandbox),
      this.sources.failing(sandbox),
    );
  }

  private put(state: ClusterRows, object: KarsSandboxObject) {
    const sandbox = toSandbox(object, state.cluster.name);
    const owner = sandbox.spec.owner;
    const row: Row = {
      sandbox,
      summary: this.summaryOf(sandbox),
      owner: owner === undefined ? undefined : canonicalEntityRef(owner),
    };
    state.rows.set(sandbox.name, row);
    let owned = this.byOwner.get(row.owner);
    if (!owned) {
      owned = new Set();
      this.byOwner.set(row.owner, owned);
    }
    owned.add(row);
    for (const [sort, rows] of this.sorted) {
      rows.splice(this.firstNotBefore(sort, rows, row), 0, row);
    }
  }

  private remove(state: ClusterRows, name: string) {
    const row = state.rows.get(name);
    if (!row) return;
    state.rows.delete(name);
    const owned = this.byOwner.get(row.owner)!;
    owned.delete(row);
    if (owned.size === 0) this.byOwner.delete(row.owner);
    for (const [sort, rows] of this.sorted) {
      let i = this.firstNotBefore(sort, rows, row);
      while (i < rows.length && rows[i] !== row) i++;
      rows.splice(i, 1);
    }
  }

  /** The index of the first row not ordered before `row` (a binary search). */
  private firstNotBefore(sort: SortKey, rows: Row[], row: Row) {
    const compare = this.compare.get(sort)!;
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(rows[mid], row) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
