/** JSON with sorted keys: the same template always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 32-bit FNV-1a, as Go's hash/fnv New32a. */
export function fnv32a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery's rand.SafeEncodeString: no vowels, no 0/1/3, so no words and no look-alikes. */
export const safeEncodeString = (s: string) =>
  [...s].map(c => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');

/**
 * The `pod-template-hash` of a Deployment's pod template, as the Deployment controller's
 * ComputeHash builds it: FNV-32a of the template (here its canonical JSON; Go hashes a spew dump,
 * so the value differs from a real controller's but has its form and changes with the template),
 * then the collision count as 8 little-endian bytes, printed in decimal and safe-encoded.
 */
export function podTemplateHash(template: unknown, collisionCount?: number) {
  const bytes = Buffer.from(canonicalJson(template), 'utf8');
  let data: Uint8Array = bytes;
  if (collisionCount !== undefined) {
    const extra = Buffer.alloc(8);
    extra.writeUInt32LE(collisionCount >>> 0, 0);
    data = Buffer.concat([bytes, extra]);
  }
  return safeEncodeString(String(fnv32a(data)));
}
