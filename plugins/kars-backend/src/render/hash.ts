import { createHash } from 'crypto';

/** Keys as JSON strings, kept for the keys objects share (field names, label keys). */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, text);
  }
  return text;
}

/**
 * JSON with object keys sorted, so equal values always serialise the same. Properties whose value
 * is undefined are left out; an undefined array item leaves its place empty (`[1,]`), as the
 * desired-hash annotations on live objects were computed. Built in one string, without a copy of
 * each object's entries: a reconcile pass hashes every object it renders.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item = canonicalJson(value[i]);
      if (item !== undefined) out += item;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${quoted(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/** sha256 of the canonical JSON, hex. */
export function sha256Hex(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
