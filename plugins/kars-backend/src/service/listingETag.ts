import { createHash } from 'crypto';

/**
 * A weak ETag of one caller's view of the fleet list: a hash of the listing's version, the parsed
 * query, the caller and their permission decision, so it changes with any of them and one caller's
 * tag never stands for another's answer. Pure.
 */
export function listingETag(view: {
  listing: string;
  query: unknown;
  caller: string;
  decision: unknown;
}): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([view.listing, view.query, view.caller, view.decision]),
    )
    .digest('base64url');
  return `W/"${hash.slice(0, 32)}"`;
}

/** Whether an If-None-Match header names this ETag (compared weakly) or is `*`. Pure. */
export function matchesETag(header: string | undefined, etag: string) {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header
    .split(',')
    .some(tag => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
