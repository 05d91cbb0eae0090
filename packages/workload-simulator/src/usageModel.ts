const DAY_S = 86_400;

/**
 * A deterministic number in [0, 1) from the seed and a key, spread evenly over keys that differ in
 * a character: FNV-1a over the key's UTF-16 units, then MurmurHash3's finalizer so that every input
 * bit reaches every output bit. Not cryptographic; cheap, because a simulated log line takes four
 * or five of them. Pure.
 */
export function unitHash(seed: number, key: string): number {
  const text = `${seed}:${key}`;
  let h = 0x811c9dc5;
  for (let c = 0; c < text.length; c++) {
    h = Math.imul(h ^ text.charCodeAt(c), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

export type Direction = 'input' | 'output';

/**
 * The simulated `kars_tokens_total` of one sandbox: a steady daily rate chosen from the seed and
 * the sandbox name (20k–200k input tokens a day, output about a third of that), modulated over the
 * day so graphs are not flat, counting from `startS` (the Deployment's creation). Monotonic.
 */
export function tokensTotal(
  seed: number,
  sandbox: string,
  direction: Direction,
  startS: number,
  atS: number,
): number {
  const elapsed = Math.max(0, atS - startS);
  const inputPerDay = 20_000 + unitHash(seed, `${sandbox}/rate`) * 180_000;
  const outputShare = 0.25 + unitHash(seed, `${sandbox}/share`) * 0.2;
  const perDay =
    direction === 'input' ? inputPerDay : inputPerDay * outputShare;
  const amplitude = 0.6;
  const phase = unitHash(seed, `${sandbox}/phase`) * 2 * Math.PI;
  const omega = (2 * Math.PI) / DAY_S;
  const wave =
    (amplitude / omega) * (Math.cos(phase) - Math.cos(omega * elapsed + phase));
  return Math.floor((perDay / DAY_S) * (elapsed + wave));
}
