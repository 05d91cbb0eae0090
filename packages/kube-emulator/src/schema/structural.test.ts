import {
  applyDefaults,
  listTypeFromSchema,
  prune,
  validateSchema,
} from './structural';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
        size: { type: 'integer', minimum: 1, maximum: 3, default: 1 },
        mode: { type: 'string', enum: ['a', 'b'] },
        nested: {
          type: 'object',
          default: {},
          properties: { on: { type: 'boolean', default: true } },
        },
        items: {
          type: 'array',
          maxItems: 2,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['id'],
          items: { type: 'object', properties: { id: { type: 'string' } } },
        },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

describe('structural schemas', () => {
  it('prunes unknown fields except under x-kubernetes-preserve-unknown-fields', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n' },
      spec: { name: 'a', junk: 1, free: { any: 1 } },
      top: 1,
    };
    expect(prune(obj, schema)).toEqual(['spec.junk', 'top']);
    expect(obj).toEqual({
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n' },
      spec: { name: 'a', free: { any: 1 } },
    });
  });

  it('applies defaults top-down, into defaulted objects too', () => {
    const obj = { spec: { name: 'a' } };
    applyDefaults(obj, schema);
    expect(obj).toEqual({ spec: { name: 'a', size: 1, nested: { on: true } } });
  });

  it('reports type, pattern, bounds, enum, required and list-map duplicates', () => {
    const causes = validateSchema(
      {
        spec: {
          name: 'ABCDEFG',
          size: 5,
          mode: 'c',
          items: [{ id: 'x' }, { id: 'x' }, { id: 'y' }],
          nested: { on: 'yes' },
        },
      },
      schema,
    );
    expect(causes.map(c => [c.field, c.reason])).toEqual([
      ['spec.name', 'FieldValueTooLong'],
      ['spec.name', 'FieldValueInvalid'],
      ['spec.size', 'FieldValueInvalid'],
      ['spec.mode', 'FieldValueNotSupported'],
      ['spec.items', 'FieldValueTooMany'],
      ['spec.items[1]', 'FieldValueDuplicate'],
      ['spec.nested.on', 'FieldValueTypeInvalid'],
    ]);
    expect(validateSchema({ spec: {} }, schema)).toEqual([
      {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'spec.name',
      },
    ]);
  });

  it('reads list types (atomic unless declared)', () => {
    expect(listTypeFromSchema(schema, ['spec', 'items'])).toEqual({
      type: 'map',
      keys: ['id'],
      mergeKey: 'id',
    });
    expect(
      listTypeFromSchema(
        { type: 'object', properties: { l: { type: 'array' } } },
        ['l'],
      ),
    ).toEqual({ type: 'atomic' });
  });
});
