/** A URL as CEL's Kubernetes `url` library sees it: the parts Go's url.ParseRequestURI keeps. */
export class CelUrl {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly path: string,
    readonly rawQuery: string,
  ) {}
}

/** Parses like Go's url.ParseRequestURI: an absolute URI or an absolute path; the error text is Go's. */
export function parseRequestUri(raw: string): CelUrl | string {
  const invalid = `parse ${JSON.stringify(raw)}: invalid URI for request`;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw);
  let rest = scheme ? raw.slice(scheme[0].length) : raw;
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) return invalid;
  let host = '';
  if (scheme && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end >= 0 ? rest.slice(2, end) : rest.slice(2);
    rest = end >= 0 ? rest.slice(end) : '';
    host = authority.slice(authority.lastIndexOf('@') + 1);
  }
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    return invalid;
  }
  return new CelUrl(
    scheme ? scheme[1].toLowerCase() : '',
    host,
    path,
    rawQuery,
  );
}

/** Go's URL.Hostname(): the host without port and without IPv6 brackets. */
export function hostname(u: CelUrl): string {
  const h = u.host;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end >= 0 ? h.slice(1, end) : h.slice(1);
  }
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** Go's URL.Port(): the digits after the host's last colon, or "". */
export function port(u: CelUrl): string {
  const m = /:([0-9]*)$/.exec(u.host.replace(/^\[[^\]]*\]/, ''));
  return m ? m[1] : '';
}

/** Go's URL.EscapedPath() for a path that needs no escaping beyond encodeURI's. */
export const escapedPath = (u: CelUrl): string =>
  encodeURI(u.path).replace(/%5B/g, '[').replace(/%5D/g, ']');

/** Go's URL.Query(): the query string's values by key, `+` as a space; malformed pairs dropped. */
export function query(u: CelUrl): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const pair of u.rawQuery.split('&')) {
    if (!pair || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const unescape = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    try {
      const key = unescape(eq >= 0 ? pair.slice(0, eq) : pair);
      const value = unescape(eq >= 0 ? pair.slice(eq + 1) : '');
      (out[key] ??= []).push(value);
    } catch {
      continue;
    }
  }
  return out;
}
