import { crdRuleCauses } from './crdRules';

const schema = {
  type: 'object',
  'x-kubernetes-validations': [
    { rule: "self.metadata.name != 'system'", message: 'reserved' },
    { rule: 'has(self.metadata.name) && !has(self.metadata.labels)' },
  ],
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': [
        {
          rule: 'self.min <= self.max',
          message: 'min above max',
          fieldPath: '.min',
        },
      ],
      properties: {
        min: { type: 'integer' },
        max: { type: 'integer' },
        ratio: {
          type: 'number',
          'x-kubernetes-validations': [{ rule: 'self == 1.0 || self < 0.5' }],
        },
        name: {
          type: 'string',
          'x-kubernetes-validations': [
            { rule: 'self == oldSelf', message: 'immutable' },
          ],
        },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            'x-kubernetes-validations': [
              { rule: 'self.port >= oldSelf.port', message: 'port went down' },
            ],
            properties: { name: { type: 'string' }, port: { type: 'integer' } },
          },
        },
      },
    },
  },
};

const obj = (name: string, spec: object) => ({
  apiVersion: 'x/v1',
  kind: 'X',
  metadata: { name, labels: { a: 'b' } },
  spec,
});

const run = (o: object, old?: object) => {
  const warnings: string[] = [];
  const causes = crdRuleCauses(schema, o, old, [], warnings);
  return { causes, warnings };
};

describe('crdRuleCauses', () => {
  it('shows the root only metadata.name and generateName, and puts a cause at a rule’s fieldPath', () => {
    expect(run(obj('system', { min: 2, max: 1 })).causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: reserved',
        field: '<nil>',
      },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: min above max',
        field: 'spec.min',
      },
    ]);
  });

  it('types a number field as double, so a whole number compares with 1.0', () => {
    expect(run(obj('a', { min: 1, max: 1, ratio: 1 })).causes).toEqual([]);
    expect(run(obj('a', { min: 1, max: 1, ratio: 0.75 })).causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 0.75: failed rule: self == 1.0 || self < 0.5',
        field: 'spec.ratio',
      },
    ]);
  });

  it('runs transition rules on update only, pairing map-list items by key', () => {
    const before = obj('a', {
      min: 1,
      max: 2,
      name: 'n',
      ports: [
        { name: 'x', port: 80 },
        { name: 'y', port: 90 },
      ],
    });
    const after = obj('a', {
      min: 1,
      max: 2,
      name: 'm',
      ports: [
        { name: 'y', port: 91 },
        { name: 'x', port: 79 },
        { name: 'z', port: 1 },
      ],
    });
    expect(run(after).causes).toEqual([]);
    expect(run(after, before).causes.map(c => [c.field, c.message])).toEqual([
      ['spec.name', 'Invalid value: "m": immutable'],
      ['spec.ports[1]', 'Invalid value: port went down'],
    ]);
  });

  it('ratchets: a failing rule on an unchanged value is a warning, on a changed one a cause', () => {
    const before = obj('a', { min: 3, max: 2, name: 'n' });
    const after = { ...before, metadata: { ...before.metadata, name: 'a' } };
    const { causes, warnings } = run(
      { ...after, spec: { ...after.spec } },
      before,
    );
    expect(causes).toEqual([]);
    expect(warnings).toEqual(['spec.min: Invalid value: min above max']);
    expect(run(obj('a', { min: 4, max: 2, name: 'n' }), before).causes).toEqual(
      [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: min above max',
          field: 'spec.min',
        },
      ],
    );
  });

  it('runs no rule after a blocking schema error', () => {
    const causes = crdRuleCauses(
      schema,
      obj('system', {}),
      undefined,
      [
        {
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: 'spec.x',
        },
      ],
      [],
    );
    expect(causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        field: '<nil>',
      },
    ]);
  });
});
