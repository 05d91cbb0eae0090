import { WorkQueue } from './WorkQueue';

/** A process function that records the order of keys and holds each until released. */
function gated() {
  const order: string[] = [];
  const waiting = new Map<string, () => void>();
  const process = (key: string) =>
    new Promise<void>(resolve => {
      order.push(key);
      waiting.set(key, () => {
        waiting.delete(key);
        resolve();
      });
    });
  const release = async (key: string) => {
    for (let i = 0; i < 50 && !waiting.has(key); i++) {
      await new Promise(r => setImmediate(r));
    }
    const done = waiting.get(key);
    if (!done) throw new Error(`${key} is not being processed`);
    done();
    await new Promise(r => setImmediate(r));
  };
  return { order, process, release, waiting };
}

describe('WorkQueue', () => {
  it('processes a key queued twice once, and never one key twice at once', async () => {
    const { order, process, release } = gated();
    const queue = new WorkQueue(process, { concurrency: 4 });
    queue.add('a');
    queue.add('a');
    expect(order).toEqual(['a']);
    queue.add('a'); // while processing: once more afterwards
    queue.add('a');
    expect(order).toEqual(['a']);
    await release('a');
    expect(order).toEqual(['a', 'a']);
    await release('a');
    await queue.whenIdle();
    expect(order).toEqual(['a', 'a']);
  });

  it('takes urgent keys before the others, each lane in the order queued', async () => {
    const { order, process, release } = gated();
    const queue = new WorkQueue(process, { concurrency: 1 });
    queue.add('first');
    queue.add('new-1');
    queue.add('new-2');
    queue.add('status-1', true);
    queue.add('new-3');
    queue.add('new-2', true); // already queued: moves to the urgent lane
    queue.add('status-2', true);
    for (const key of [
      'first',
      'status-1',
      'new-2',
      'status-2',
      'new-1',
      'new-3',
    ]) {
      await release(key);
    }
    await queue.whenIdle();
    expect(order).toEqual([
      'first',
      'status-1',
      'new-2',
      'status-2',
      'new-1',
      'new-3',
    ]);
  });

  it('queues a key changed urgently while processing in the urgent lane', async () => {
    const { order, process, release } = gated();
    const queue = new WorkQueue(process, { concurrency: 1 });
    queue.add('a');
    queue.add('b');
    queue.add('a', true);
    await release('a');
    await release('a');
    await release('b');
    await queue.whenIdle();
    expect(order).toEqual(['a', 'a', 'b']);
  });

  it('works on at most `concurrency` keys at once', async () => {
    const { process, release, waiting } = gated();
    const queue = new WorkQueue(process, { concurrency: 2 });
    for (const key of ['a', 'b', 'c']) queue.add(key);
    expect([...waiting.keys()]).toEqual(['a', 'b']);
    await release('a');
    expect([...waiting.keys()]).toEqual(['b', 'c']);
    await release('b');
    await release('c');
    await queue.whenIdle();
  });

  it('retries a failure with growing delays, and forgets it after a success', async () => {
    const attempts: number[] = [];
    let failures = 2;
    const errors: number[] = [];
    const queue = new WorkQueue(
      async () => {
        attempts.push(Date.now());
        if (failures-- > 0) throw new Error('boom');
      },
      {
        baseDelayMs: 40,
        onError: (_key, _error, attempt) => errors.push(attempt),
      },
    );
    queue.add('a');
    for (let i = 0; i < 100 && attempts.length < 3; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(errors).toEqual([1, 2]);
    expect(attempts).toHaveLength(3);
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(35);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(75);
    queue.stop();
  });

  it('drops what is queued when stopped', async () => {
    const { order, process, release } = gated();
    const queue = new WorkQueue(process, { concurrency: 1 });
    queue.add('a');
    queue.add('b', true);
    queue.add('c');
    queue.stop();
    await release('a');
    queue.add('d');
    expect(order).toEqual(['a']);
  });
});
