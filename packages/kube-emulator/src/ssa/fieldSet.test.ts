import { ListType } from '../api/types';
import {
  appliedFieldSet,
  compare,
  difference,
  formatPath,
  fromFieldsV1,
  leadingElements,
  Schema,
  toFieldsV1,
  union,
} from './fieldSet';
import { applyConfig } from './managedFields';

const schema: Schema = {
  listTypeAt: (path): ListType | undefined => {
    const p = path.join('.');
    if (p === 'spec.containers') return { type: 'map', keys: ['name'] };
    if (p === 'spec.containers.ports')
      return { type: 'map', keys: ['containerPort', 'protocol'] };
    if (p === 'metadata.finalizers') return { type: 'set' };
    return undefined;
  },
  keyDefault: (_path, key) => (key === 'protocol' ? 'TCP' : undefined),
};

describe('field sets', () => {
  it('records applied leaves and list items, and round-trips FieldsV1', () => {
    const set = appliedFieldSet(
      {
        metadata: { labels: { a: '1' }, finalizers: ['x'] },
        spec: {
          containers: [
            { name: 'c', image: 'i', ports: [{ containerPort: 80 }] },
          ],
        },
      },
      schema,
    );
    const fields = toFieldsV1(set);
    expect(fields).toEqual({
      'f:metadata': {
        'f:finalizers': { 'v:"x"': {} },
        'f:labels': { 'f:a': {} },
      },
      'f:spec': {
        'f:containers': {
          'k:{"name":"c"}': {
            '.': {},
            'f:image': {},
            'f:name': {},
            'f:ports': {
              'k:{"containerPort":80,"protocol":"TCP"}': {
                '.': {},
                'f:containerPort': {},
              },
            },
          },
        },
      },
    });
    expect(fromFieldsV1(fields)).toEqual(set);
  });

  it('gives back a set itself when an operation leaves its members as they were', () => {
    const set = new Set(['f:spec\nf:replicas', 'f:metadata\nf:labels\nf:a']);
    const other = new Set(['f:status\nf:phase']);
    expect(difference(set, other)).toBe(set);
    expect(difference(set, new Set())).toBe(set);
    expect(union(set, new Set())).toBe(set);
    expect(difference(set, new Set(['f:spec\nf:replicas']))).toEqual(
      new Set(['f:metadata\nf:labels\nf:a']),
    );
    expect(union(set, other)).toEqual(new Set([...set, ...other]));
    expect(set.size).toBe(2);
  });

  it('reads the leading elements of a path without splitting the rest', () => {
    expect(leadingElements('f:metadata\nf:labels\nf:a', 2)).toEqual([
      'f:metadata',
      'f:labels',
    ]);
    expect(leadingElements('f:metadata', 2)).toEqual(['f:metadata']);
    expect(leadingElements('f:spec\nk:{"name":"c"}', 1)).toEqual(['f:spec']);
  });

  it('compares objects into added, modified and removed fields', () => {
    const cmp = compare(
      { data: { a: '1', b: '2' } },
      { data: { a: '9', c: '3' } },
      schema,
    );
    expect([...cmp.modified].map(formatPath)).toEqual(['.data.a']);
    expect([...cmp.added].map(formatPath)).toEqual(['.data.c']);
    expect([...cmp.removed].map(formatPath)).toEqual(['.data.b']);
  });

  it('formats paths like apply conflict messages', () => {
    expect(formatPath('f:spec\nf:containers\nk:{"name":"app"}\nf:image')).toBe(
      '.spec.containers[name="app"].image',
    );
  });
});

describe('server-side apply', () => {
  const ctx = {
    manager: 'a',
    apiVersion: 'v1',
    schema,
    statusSubresource: false,
  };

  it('shares fields applied with equal values and conflicts on different ones', () => {
    const first = applyConfig(undefined, { data: { k: 'v' } }, ctx, false);
    const live = {
      metadata: {
        managedFields: first.managers.map(m => ({
          ...m,
          fieldsType: 'FieldsV1',
          fieldsV1: toFieldsV1(m.fields),
        })),
      },
      ...first.object,
    };
    const shared = applyConfig(
      live,
      { data: { k: 'v' } },
      { ...ctx, manager: 'b' },
      false,
    );
    expect(shared.managers.map(m => m.manager).sort()).toEqual(['a', 'b']);
    expect(() =>
      applyConfig(
        live,
        { data: { k: 'other' } },
        { ...ctx, manager: 'b' },
        false,
      ),
    ).toThrow('Apply failed with 1 conflict: conflict with "a": .data.k');
  });
});
