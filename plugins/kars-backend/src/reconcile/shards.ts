/** The Leases of the sharded reconciler: one per shard, one per live backend replica. */
export const RECONCILER_LEASE_PREFIX = 'kars-portal-reconciler';

/** The label that marks a reconciler Lease and says which kind it is (`shard` or `member`). */
export const RECONCILER_LEASE_LABEL = 'kars.azure.com/reconciler-lease';

/** The Lease that a replica holds while it reconciles the sandboxes of a shard. */
export function shardLeaseName(shard: number): string {
  return `${RECONCILER_LEASE_PREFIX}-shard-${shard}`;
}

/** The shard a shard Lease is for, or undefined for any other name. */
export function shardOfLease(name: string): number | undefined {
  const match = /^kars-portal-reconciler-shard-(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The Lease a replica renews while it runs, so the others count it: a DNS subdomain name made of
 * its identity (lower case, anything else than letters, digits, `-` and `.` made `-`).
 */
export function memberLeaseName(identity: string): string {
  const safe = identity
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `${RECONCILER_LEASE_PREFIX}-member-${safe}`.slice(0, 253);
}

/**
 * The shard of a sandbox: FNV-1a (32 bit) of its name's UTF-8 bytes, modulo the shard count. Every
 * replica computes the same shard for a name, whatever its version of Node or its locale.
 */
export function shardOf(name: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * How many shards a replica aims to hold: the live replicas, ordered by identity, share the shards
 * evenly, the first ones one more each while the division leaves some over. The shares add up to
 * the shard count, so a balanced fleet leaves no shard unheld and no replica waiting for one.
 */
export function shareOf(
  identity: string,
  members: readonly string[],
  shards: number,
): number {
  const ordered = [...new Set([...members, identity])].sort();
  const index = ordered.indexOf(identity);
  return (
    Math.floor(shards / ordered.length) +
    (index < shards % ordered.length ? 1 : 0)
  );
}

/** What a replica knows of a Lease from its last list: who holds it, and whether it lapsed. */
export interface LeaseView {
  holder: string;
  /** No holder, or not renewed within its duration: any replica may take it. */
  free: boolean;
}

/** Reads a Lease's spec as of `now`. */
export function leaseView(
  spec:
    | {
        holderIdentity?: string;
        renewTime?: string;
        leaseDurationSeconds?: number;
      }
    | undefined,
  now: number,
): LeaseView {
  const holder = spec?.holderIdentity ?? '';
  const renewed = Date.parse(spec?.renewTime ?? '') || 0;
  const duration = (spec?.leaseDurationSeconds ?? 0) * 1000;
  return { holder, free: !holder || now - renewed > duration };
}

/** Which shard elections to start (to take a shard) and to stop (to give a shard up). */
export interface ShardPlan {
  start: number[];
  stop: number[];
}

/**
 * One rebalancing step of a replica. `electors` are its running shard elections (true: it holds
 * the shard); `leases` the shard Leases as listed (a shard without one is free); `members` the
 * live replicas. A replica above its share gives up its highest shards; one below it tries for
 * free shards, starting at a point that depends on its place among the members so that replicas
 * seldom race for the same one; an election for a shard another replica holds is stopped.
 */
export function planShards(input: {
  identity: string;
  members: readonly string[];
  shards: number;
  leases: ReadonlyMap<number, LeaseView>;
  electors: ReadonlyMap<number, boolean>;
}): ShardPlan {
  const { identity, members, shards, leases, electors } = input;
  const share = shareOf(identity, members, shards);
  const held = [...electors]
    .filter(([, leading]) => leading)
    .map(([shard]) => shard)
    .sort((a, b) => a - b);
  const stop = held.slice(share);
  const wanted = Math.max(0, share - held.length);
  const isFree = (shard: number) => {
    const lease = leases.get(shard);
    return !lease || lease.free || lease.holder === identity;
  };
  const trying = [...electors]
    .filter(([, leading]) => !leading)
    .map(([shard]) => shard)
    .sort((a, b) => a - b);
  const keepTrying = trying.filter(isFree).slice(0, wanted);
  stop.push(...trying.filter(s => !keepTrying.includes(s)));

  const ordered = [...new Set([...members, identity])].sort();
  const offset = Math.floor(
    (ordered.indexOf(identity) * shards) / ordered.length,
  );
  const start: number[] = [];
  for (let i = 0; i < shards; i++) {
    if (keepTrying.length + start.length >= wanted) break;
    const shard = (offset + i) % shards;
    if (!electors.has(shard) && isFree(shard)) start.push(shard);
  }
  return { start, stop };
}
