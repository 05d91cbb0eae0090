import { ClusterInfo, KarsApi, Page } from '@kars-portal/plugin-kars-common';
import {
  FIRST_PAGE_QUERY,
  PREFETCH_FRESH_MS,
  fleetQueryKey,
  prefetchFleet,
  takeClusters,
  takeFirstPage,
} from './firstPage';

const LIST: Page<never> = { items: [], totalCount: 0 };
const CLUSTERS: ClusterInfo = { clusters: [] };

/** A kars API that answers the list and the clusters, counting the calls. */
function stubApi(list: Promise<Page<never>> = Promise.resolve(LIST)) {
  return {
    listSandboxes: jest.fn(() => list),
    getCluster: jest.fn(() => Promise.resolve(CLUSTERS)),
  } as unknown as KarsApi & {
    listSandboxes: jest.Mock;
    getCluster: jest.Mock;
  };
}

describe('the fleet page prefetch', () => {
  it('asks for the first page and the clusters once, and gives each answer once', async () => {
    const api = stubApi();
    prefetchFleet(api, 1000);
    expect(api.listSandboxes).toHaveBeenCalledTimes(1);
    expect(api.listSandboxes).toHaveBeenCalledWith(FIRST_PAGE_QUERY);
    expect(api.getCluster).toHaveBeenCalledTimes(1);

    await expect(takeFirstPage(api, FIRST_PAGE_QUERY, 1001)).resolves.toBe(
      LIST,
    );
    expect(takeFirstPage(api, FIRST_PAGE_QUERY, 1002)).toBeUndefined();
    await expect(takeClusters(api, 1003)).resolves.toBe(CLUSTERS);
    expect(takeClusters(api, 1004)).toBeUndefined();
  });

  it('gives the first page for the same query in any field order, never for another query', async () => {
    const api = stubApi();
    prefetchFleet(api, 0);
    expect(
      takeFirstPage(api, { ...FIRST_PAGE_QUERY, q: 'tenant-42' }, 1),
    ).toBeUndefined();
    expect(
      takeFirstPage(api, { ...FIRST_PAGE_QUERY, order: 'desc' }, 1),
    ).toBeUndefined();
    expect(
      takeFirstPage(api, { ...FIRST_PAGE_QUERY, limit: 20 }, 1),
    ).toBeUndefined();
    await expect(
      takeFirstPage(api, { order: 'asc', sort: 'name', limit: 50 }, 2),
    ).resolves.toBe(LIST);
  });

  it('gives nothing once the answers are older than the freshness window, or to another API', () => {
    const api = stubApi();
    prefetchFleet(api, 0);
    expect(takeFirstPage(stubApi(), FIRST_PAGE_QUERY, 1)).toBeUndefined();
    expect(
      takeFirstPage(api, FIRST_PAGE_QUERY, PREFETCH_FRESH_MS + 1),
    ).toBeUndefined();
    expect(takeClusters(api, PREFETCH_FRESH_MS + 1)).toBeUndefined();
  });

  it('hands a failed request to the page that takes it, not to the unhandled rejections', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const api = stubApi(Promise.reject(new Error('down')));
      prefetchFleet(api, 0);
      await new Promise(r => setTimeout(r, 10));
      expect(unhandled).not.toHaveBeenCalled();
      await expect(takeFirstPage(api, FIRST_PAGE_QUERY, 1)).rejects.toThrow(
        'down',
      );
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('keys a query by its fields whatever their order, without undefined ones', () => {
    expect(fleetQueryKey({ sort: 'name', limit: 50, q: undefined })).toBe(
      fleetQueryKey({ limit: 50, sort: 'name' }),
    );
    expect(fleetQueryKey({ limit: 50 })).not.toBe(
      fleetQueryKey({ limit: 50, q: 'a' }),
    );
  });
});
