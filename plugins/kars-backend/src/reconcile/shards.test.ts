import {
  leaseView,
  LeaseView,
  memberLeaseName,
  planShards,
  shardLeaseName,
  shardOf,
  shardOfLease,
  shareOf,
} from './shards';

const names = Array.from({ length: 600 }, (_, i) => `tenant-${i}`);

describe('shardOf', () => {
  it('gives a name the same shard every time, as FNV-1a of its UTF-8 bytes', () => {
    // The FNV-1a 32 test vectors: "a" is 0xe40c292c, "foobar" 0xbf9cf968.
    expect(shardOf('a', 2 ** 32)).toBe(0xe40c292c);
    expect(shardOf('foobar', 2 ** 32)).toBe(0xbf9cf968);
    expect(shardOf('foobar', 16)).toBe(0x8);
    expect(names.map(n => shardOf(n, 16))).toEqual(
      names.map(n => shardOf(n, 16)),
    );
  });

  it('spreads names over every shard, none with more than twice its part', () => {
    const counts = new Array(16).fill(0);
    for (const n of names) counts[shardOf(n, 16)]++;
    expect(Math.min(...counts)).toBeGreaterThan(600 / 16 / 2);
    expect(Math.max(...counts)).toBeLessThan((600 / 16) * 2);
  });

  it('puts everything in shard 0 when there is one shard', () => {
    expect(new Set(names.map(n => shardOf(n, 1)))).toEqual(new Set([0]));
  });
});

describe('lease names', () => {
  it('names shard leases and reads the shard back', () => {
    expect(shardLeaseName(7)).toBe('kars-portal-reconciler-shard-7');
    expect(shardOfLease('kars-portal-reconciler-shard-7')).toBe(7);
    expect(shardOfLease('kars-portal-reconciler')).toBeUndefined();
    expect(shardOfLease('kars-portal-reconciler-member-x')).toBeUndefined();
  });

  it('makes a DNS subdomain name of a replica identity', () => {
    expect(memberLeaseName('Portal_7f9c-0.Example-4711-a1b2c3')).toBe(
      'kars-portal-reconciler-member-portal-7f9c-0.example-4711-a1b2c3',
    );
    expect(memberLeaseName('x'.repeat(400))).toHaveLength(253);
  });
});

describe('shareOf', () => {
  it('shares the shards so that the shares add up, the first members by identity one more', () => {
    const members = ['replica-c', 'replica-a', 'replica-b'];
    expect(members.map(m => [m, shareOf(m, members, 16)])).toEqual([
      ['replica-c', 5],
      ['replica-a', 6],
      ['replica-b', 5],
    ]);
    expect(shareOf('replica-a', ['replica-a', 'replica-b'], 16)).toBe(8);
  });

  it('counts the replica itself when its member lease is not listed yet', () => {
    expect(shareOf('replica-b', [], 16)).toBe(16);
    expect(shareOf('replica-b', ['replica-a'], 3)).toBe(1);
  });

  it('gives nothing to the members past the shard count', () => {
    const members = ['a', 'b', 'c', 'd', 'e'];
    expect(members.map(m => shareOf(m, members, 3))).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('leaseView', () => {
  const now = Date.parse('2026-12-05T12:00:10Z');
  it.each([
    [
      'held and renewed within its duration',
      'r1',
      '2026-12-05T12:00:00.000000Z',
      15,
      false,
    ],
    [
      'not renewed within its duration',
      'r1',
      '2026-12-05T12:00:00.000000Z',
      5,
      true,
    ],
    ['released (no holder)', '', '2026-12-05T12:00:09.000000Z', 1, true],
    ['never renewed', 'r1', undefined, 15, true],
  ])('a lease %s is free: %p', (_what, holder, renewTime, duration, free) => {
    expect(
      leaseView(
        {
          holderIdentity: holder,
          renewTime,
          leaseDurationSeconds: duration,
        },
        now,
      ),
    ).toEqual({ holder, free });
  });
});

/** Leases as listed: shard to holder ('' for released), lapsed ones marked free. */
function leases(
  held: Record<number, string>,
  lapsed: number[] = [],
): Map<number, LeaseView> {
  return new Map(
    Object.entries(held).map(([shard, holder]) => [
      Number(shard),
      { holder, free: !holder || lapsed.includes(Number(shard)) },
    ]),
  );
}

const all = (holder: string, shards: number[]) =>
  Object.fromEntries(shards.map(s => [s, holder]));
const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe('planShards', () => {
  it('takes every shard when it is the only replica', () => {
    expect(
      planShards({
        identity: 'r1',
        members: ['r1'],
        shards: 4,
        leases: new Map(),
        electors: new Map(),
      }),
    ).toEqual({ start: [0, 1, 2, 3], stop: [] });
  });

  it('gives up its highest shards above its share when a replica joins', () => {
    expect(
      planShards({
        identity: 'r1',
        members: ['r1', 'r2'],
        shards: 8,
        leases: leases(all('r1', range(0, 8))),
        electors: new Map(range(0, 8).map(s => [s, true])),
      }),
    ).toEqual({ start: [], stop: [4, 5, 6, 7] });
  });

  it('a joining replica waits while the shards are held, then takes released ones', () => {
    const held = leases(all('r1', range(0, 8)));
    expect(
      planShards({
        identity: 'r2',
        members: ['r1', 'r2'],
        shards: 8,
        leases: held,
        electors: new Map(),
      }),
    ).toEqual({ start: [], stop: [] });
    expect(
      planShards({
        identity: 'r2',
        members: ['r1', 'r2'],
        shards: 8,
        leases: leases({ ...all('r1', range(0, 6)), 6: '', 7: '' }),
        electors: new Map(),
      }),
    ).toEqual({ start: [6, 7], stop: [] });
  });

  it('takes the lapsed shards of a replica that died, up to its share', () => {
    // r3 died holding 10 to 15; r1 (share 8) holds 0 to 5, r2 (share 8) 6 to 9.
    const listed = leases(
      {
        ...all('r1', range(0, 6)),
        ...all('r2', range(6, 10)),
        ...all('r3', range(10, 16)),
      },
      range(10, 16),
    );
    const r1 = planShards({
      identity: 'r1',
      members: ['r1', 'r2'],
      shards: 16,
      leases: listed,
      electors: new Map(range(0, 6).map(s => [s, true])),
    });
    const r2 = planShards({
      identity: 'r2',
      members: ['r1', 'r2'],
      shards: 16,
      leases: listed,
      electors: new Map(range(6, 10).map(s => [s, true])),
    });
    expect(r1).toEqual({ start: [10, 11], stop: [] });
    // r2 starts further on; both try for 10 and 11, and their Lease elections decide.
    expect(r2).toEqual({ start: [10, 11, 12, 13], stop: [] });
    expect(r2.start.filter(s => r1.start.includes(s))).toEqual([10, 11]);
  });

  it('keeps trying for a shard still free, and stops trying for one another replica took', () => {
    expect(
      planShards({
        identity: 'r2',
        members: ['r1', 'r2'],
        shards: 4,
        leases: leases({ 0: 'r1', 1: 'r1', 2: '', 3: 'r1' }),
        electors: new Map([
          [2, false],
          [3, false],
        ]),
      }),
    ).toEqual({ start: [], stop: [3] });
  });

  it('stops the elections it no longer needs once at its share', () => {
    expect(
      planShards({
        identity: 'r1',
        members: ['r1', 'r2'],
        shards: 4,
        leases: leases({ 0: 'r1', 1: 'r1', 2: '', 3: '' }),
        electors: new Map([
          [0, true],
          [1, true],
          [2, false],
        ]),
      }),
    ).toEqual({ start: [], stop: [2] });
  });

  it('changes nothing when balanced', () => {
    const listed = leases({
      ...all('r1', range(0, 6)),
      ...all('r2', range(6, 11)),
      ...all('r3', range(11, 16)),
    });
    expect(
      ['r1', 'r2', 'r3'].map(identity =>
        planShards({
          identity,
          members: ['r1', 'r2', 'r3'],
          shards: 16,
          leases: listed,
          electors: new Map(
            [...listed]
              .filter(([, l]) => l.holder === identity)
              .map(([s]) => [s, true]),
          ),
        }),
      ),
    ).toEqual([
      { start: [], stop: [] },
      { start: [], stop: [] },
      { start: [], stop: [] },
    ]);
  });

  it('reaches the even shares from any start, each shard held once', () => {
    // Replicas acting in turn on what they list, as they would each period.
    const members = ['r1', 'r2', 'r3'];
    const holders = new Map<number, string>(range(0, 16).map(s => [s, 'r1']));
    for (let round = 0; round < 4; round++) {
      for (const identity of members) {
        const plan = planShards({
          identity,
          members,
          shards: 16,
          leases: new Map(
            [...holders].map(([s, h]) => [s, { holder: h, free: !h }]),
          ),
          electors: new Map(
            [...holders]
              .filter(([, h]) => h === identity)
              .map(([s]) => [s, true]),
          ),
        });
        for (const s of plan.stop) holders.set(s, '');
        for (const s of plan.start) holders.set(s, identity);
      }
    }
    const counts = members.map(
      m => [...holders.values()].filter(h => h === m).length,
    );
    expect(counts).toEqual([6, 5, 5]);
  });
});
