import { clone, deepEqual } from './objects';

describe('clone', () => {
  it('copies JSON deeply: changing the copy leaves the original as it was', () => {
    const original = {
      metadata: { name: 'a', labels: { x: '1' } },
      spec: { containers: [{ name: 'c', args: ['--a', null, 3, true] }] },
    };
    const copy = clone(original);
    expect(copy).toEqual(original);
    copy.metadata.labels.x = '2';
    (copy.spec.containers[0].args as unknown[]).push('--b');
    expect(original.metadata.labels.x).toBe('1');
    expect(original.spec.containers[0].args).toHaveLength(4);
  });

  it('keeps keys set to undefined and objects without a prototype, as structuredClone does', () => {
    const bare = Object.assign(Object.create(null), { a: 1 });
    const copy = clone({ gone: undefined, bare });
    expect(Object.keys(copy)).toEqual(['gone', 'bare']);
    expect(Object.getPrototypeOf(copy.bare)).toBeNull();
    expect(copy.bare).not.toBe(bare);
    expect(deepEqual(copy.bare, bare)).toBe(true);
  });

  it('copies what is not plain JSON through structuredClone', () => {
    const at = new Date(0);
    const copy = clone({ at, bytes: new Uint8Array([1, 2]) });
    expect(copy.at).not.toBe(at);
    expect(copy.at.getTime()).toBe(0);
    expect([...copy.bytes]).toEqual([1, 2]);
  });
});
