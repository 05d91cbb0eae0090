import { eachAtMost } from './eachAtMost';

describe('eachAtMost', () => {
  const tick = () => new Promise(resolve => setTimeout(resolve, 1));

  it('runs every item once, never more than the limit at a time, in order', async () => {
    const started: number[] = [];
    let running = 0;
    let most = 0;
    await eachAtMost(3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], async item => {
      started.push(item);
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
  });

  it('starts no more workers than there are items, and none for no items', async () => {
    const seen: string[] = [];
    await eachAtMost(8, ['a'], async item => {
      seen.push(item);
    });
    await eachAtMost(8, [], async () => {
      throw new Error('called for no item');
    });
    expect(seen).toEqual(['a']);
  });

  it('rejects with the first failure', async () => {
    await expect(
      eachAtMost(2, [1, 2, 3], async item => {
        if (item === 2) throw new Error('item 2 failed');
      }),
    ).rejects.toThrow('item 2 failed');
  });
});
