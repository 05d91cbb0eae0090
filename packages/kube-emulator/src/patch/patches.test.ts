import { ListType } from '../api/types';
import { ApiError } from '../api/errors';
import { applyJsonPatch } from './jsonPatch';
import { applyMergePatch } from './mergePatch';
import { applyStrategicMergePatch } from './strategicMerge';

const listTypes = (path: string[]): ListType | undefined => {
  const p = path.join('.');
  if (p === 'spec.containers')
    return { type: 'map', keys: ['name'], mergeKey: 'name' };
  if (p === 'metadata.finalizers') return { type: 'set' };
  return undefined;
};

describe('JSON merge patch', () => {
  it('merges objects, deletes on null and replaces lists', () => {
    expect(
      applyMergePatch(
        { a: { b: 1, c: 2 }, l: [1, 2] },
        { a: { b: null, d: 3 }, l: [3] },
      ),
    ).toEqual({ a: { c: 2, d: 3 }, l: [3] });
  });
});

describe('JSON patch', () => {
  it('adds, replaces, removes and tests', () => {
    const doc = { metadata: { labels: { a: '1' } }, items: [1, 2] };
    expect(
      applyJsonPatch(doc, [
        { op: 'add', path: '/metadata/labels/b~1c', value: '2' },
        { op: 'replace', path: '/items/0', value: 9 },
        { op: 'remove', path: '/metadata/labels/a' },
        { op: 'add', path: '/items/-', value: 3 },
        { op: 'test', path: '/items/1', value: 2 },
      ]),
    ).toEqual({ metadata: { labels: { 'b/c': '2' } }, items: [9, 2, 3] });
    expect(doc.items).toEqual([1, 2]);
  });

  it('fails with 422 when an operation does not apply', () => {
    expect(() => applyJsonPatch({}, [{ op: 'remove', path: '/x' }])).toThrow(
      ApiError,
    );
    expect(() =>
      applyJsonPatch({ l: [] }, [{ op: 'replace', path: '/l/3', value: 1 }]),
    ).toThrow(ApiError);
  });

  it('replaces a missing object key by adding it, as kube-apiserver does', () => {
    expect(
      applyJsonPatch({ data: {} }, [
        { op: 'replace', path: '/data/k', value: 'v' },
      ]),
    ).toEqual({ data: { k: 'v' } });
  });
});

describe('strategic merge patch', () => {
  const original = {
    metadata: { finalizers: ['a'] },
    spec: {
      containers: [
        { name: 'app', image: 'v1', env: [{ name: 'X' }] },
        { name: 'side', image: 's1' },
      ],
    },
  };

  it('merges keyed lists by merge key and sets unions (a new item before the live ones, as upstream)', () => {
    expect(
      applyStrategicMergePatch(
        original,
        {
          metadata: { finalizers: ['b'] },
          spec: { containers: [{ name: 'app', image: 'v2' }] },
        },
        listTypes,
      ),
    ).toEqual({
      metadata: { finalizers: ['b', 'a'] },
      spec: {
        containers: [
          { name: 'app', image: 'v2', env: [{ name: 'X' }] },
          { name: 'side', image: 's1' },
        ],
      },
    });
  });

  it('honours $patch: delete, $setElementOrder, $deleteFromPrimitiveList and $retainKeys', () => {
    const patched = applyStrategicMergePatch(
      original,
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: {
          '$setElementOrder/containers': [{ name: 'side' }, { name: 'new' }],
          containers: [
            { name: 'app', $patch: 'delete' },
            { name: 'new', image: 'n' },
          ],
        },
      },
      listTypes,
    );
    expect(patched).toEqual({
      metadata: { finalizers: [] },
      spec: {
        containers: [
          { name: 'side', image: 's1' },
          { name: 'new', image: 'n' },
        ],
      },
    });
    expect(
      applyStrategicMergePatch(
        { s: { type: 'A', a: 1 } },
        { s: { $retainKeys: ['type'], type: 'B' } },
        listTypes,
      ),
    ).toEqual({ s: { type: 'B' } });
  });
});
