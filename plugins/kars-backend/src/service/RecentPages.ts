/** How many pages are kept: a page of 50 rows is 30–60 KB of JSON. */
const DEFAULT_CAPACITY = 64;

/**
 * The fleet list's pages as last sent, as JSON, by their ETag (listingETag.ts: the listing's
 * version, the query, the caller and their decision), the least recently sent dropped first. A
 * client that polls without If-None-Match, or many tabs of one user, get the page built and
 * serialized once per change of the fleet instead of on every request. Nothing else can be
 * answered from it: any change of the listing, query, caller or decision is another ETag.
 */
export class RecentPages {
  private readonly bodies = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The page's JSON under `etag`, made by `build` when it is not kept. */
  bodyOf(etag: string, build: () => unknown): string {
    const kept = this.bodies.get(etag);
    if (kept !== undefined) {
      this.bodies.delete(etag);
      this.bodies.set(etag, kept);
      return kept;
    }
    const body = JSON.stringify(build());
    this.bodies.set(etag, body);
    if (this.bodies.size > this.capacity) {
      this.bodies.delete(this.bodies.keys().next().value!);
    }
    return body;
  }
}
