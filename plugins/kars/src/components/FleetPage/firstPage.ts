import {
  ClusterInfo,
  KarsApi,
  ListSandboxesQuery,
  Page,
  SandboxListItem,
} from '@kars-portal/plugin-kars-common';

/** How many sandboxes the fleet page shows at a time. */
export const FLEET_PAGE_SIZE = 50;

/** The query of the fleet page as it opens: the first page by name, no search or filter. */
export const FIRST_PAGE_QUERY: ListSandboxesQuery = {
  limit: FLEET_PAGE_SIZE,
  sort: 'name',
  order: 'asc',
};

/** How long a prefetched answer stands in for a request the page would make itself. */
export const PREFETCH_FRESH_MS = 5000;

/** The same key for the same query, whatever the order of its fields. */
export function fleetQueryKey(query: ListSandboxesQuery): string {
  return JSON.stringify(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

const FIRST_PAGE_KEY = fleetQueryKey(FIRST_PAGE_QUERY);

interface Prefetched {
  at: number;
  list?: Promise<Page<SandboxListItem>>;
  cluster?: Promise<ClusterInfo>;
}

const prefetched = new WeakMap<KarsApi, Prefetched>();

/** A promise whose failure is reported to whoever takes it, not as an unhandled rejection. */
function kept<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Starts the fleet page's first requests, its first page and the clusters, so that they run while
 * the page's code loads and renders (the route's loader calls this beside the page's import); the
 * page takes the answers when it mounts, see {@link takePrefetched}.
 */
export function prefetchFleet(api: KarsApi, now: number = Date.now()): void {
  prefetched.set(api, {
    at: now,
    list: kept(api.listSandboxes(FIRST_PAGE_QUERY)),
    cluster: kept(api.getCluster()),
  });
}

/** The prefetched entry of `api` if it is fresh. */
function fresh(api: KarsApi, now: number): Prefetched | undefined {
  const entry = prefetched.get(api);
  return entry && now - entry.at <= PREFETCH_FRESH_MS ? entry : undefined;
}

/**
 * The prefetched answer to the list `query` from `api` if it is the first page's, started under
 * {@link PREFETCH_FRESH_MS} ago and not taken yet; undefined otherwise (the caller then asks).
 */
export function takeFirstPage(
  api: KarsApi,
  query: ListSandboxesQuery,
  now: number = Date.now(),
): Promise<Page<SandboxListItem>> | undefined {
  const entry = fresh(api, now);
  if (!entry || fleetQueryKey(query) !== FIRST_PAGE_KEY) return undefined;
  const list = entry.list;
  entry.list = undefined;
  return list;
}

/** The prefetched `GET /cluster` answer from `api`, like {@link takeFirstPage}. */
export function takeClusters(
  api: KarsApi,
  now: number = Date.now(),
): Promise<ClusterInfo> | undefined {
  const entry = fresh(api, now);
  if (!entry) return undefined;
  const cluster = entry.cluster;
  entry.cluster = undefined;
  return cluster;
}
