import { z as zv3 } from 'zod/v3';
import { z } from 'zod';
import {
  createSandboxRequestSchema,
  listSandboxesQuerySchema,
  sandboxHealthSchema,
  sandboxSchema,
} from '@kars-portal/plugin-kars-common';
import { fromContract, fromJsonSchema } from './zodV3';

describe('fromJsonSchema', () => {
  it('keeps strings, numbers, enums, constants, arrays, nullables and defaults', () => {
    const schema = fromJsonSchema(zv3, {
      type: 'object',
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 5,
          pattern: '^[a-z]+$',
        },
        count: { type: 'integer', minimum: 1, maximum: 3, default: 2 },
        mode: { type: 'string', enum: ['a', 'b'] },
        kind: { const: 'x' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 1 },
        used: { anyOf: [{ type: 'number' }, { type: 'null' }] },
        token: {
          type: 'string',
          allOf: [{ pattern: '^\\S+$' }, { pattern: '^xoxb-' }],
        },
      },
      required: ['name', 'kind', 'used'],
      additionalProperties: false,
    });
    expect(schema.parse({ name: 'ab', kind: 'x', used: null })).toEqual({
      name: 'ab',
      kind: 'x',
      used: null,
      count: 2,
    });
    for (const bad of [
      { name: '', kind: 'x', used: 1 },
      { name: 'AB', kind: 'x', used: 1 },
      { name: 'ab', kind: 'y', used: 1 },
      { name: 'ab', kind: 'x', used: 1, count: 4 },
      { name: 'ab', kind: 'x', used: 1, count: 1.5 },
      { name: 'ab', kind: 'x', used: 1, mode: 'c' },
      { name: 'ab', kind: 'x', used: 1, tags: ['a', 'b'] },
      { name: 'ab', kind: 'x', used: 1, token: 'xoxp-1' },
      { name: 'ab', kind: 'x', used: 1, other: true },
    ]) {
      expect(schema.safeParse(bad).success).toBe(false);
    }
  });

  it('makes records of maps and keeps open objects open', () => {
    const schema = fromJsonSchema(zv3, {
      type: 'object',
      properties: {
        labels: {
          type: 'object',
          propertyNames: { pattern: '^[a-z]+$' },
          additionalProperties: { type: 'string' },
        },
        meta: { type: 'object', properties: { a: { type: 'string' } } },
      },
    });
    expect(
      schema.parse({ labels: { a: 'b' }, meta: { a: 'x', b: 1 } }),
    ).toEqual({ labels: { a: 'b' }, meta: { a: 'x', b: 1 } });
    expect(schema.safeParse({ labels: { A: 'b' } }).success).toBe(false);
  });

  it('refuses what it does not cover instead of dropping a rule', () => {
    expect(() => fromJsonSchema(zv3, { $ref: '#/$defs/x' })).toThrow(
      'unsupported keyword',
    );
    expect(() =>
      fromJsonSchema(zv3, {
        type: 'string',
        allOf: [{ minLength: 2, pattern: 'a' }],
      }),
    ).toThrow('allOf holds more than patterns');
  });
});

describe('fromContract', () => {
  it('takes what the contract takes and refuses what it refuses', () => {
    const create = fromContract(zv3, createSandboxRequestSchema, 'input');
    const body = {
      name: 'tenant-z',
      spec: {
        owner: 'group:default/team-a',
        sandbox: { isolation: 'enhanced' },
      },
      credentials: { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' },
    };
    expect(create.safeParse(body).success).toBe(true);
    expect(createSandboxRequestSchema.safeParse(body).success).toBe(true);
    for (const bad of [
      { ...body, name: 'Tenant Z' },
      { ...body, spec: { sandbox: { isolation: 'paranoid' } } },
      { ...body, credentials: { SLACK_BOT_TOKEN: 'not a token' } },
      { ...body, extra: 1 },
    ]) {
      expect(create.safeParse(bad).success).toBe(false);
      expect(createSandboxRequestSchema.safeParse(bad).success).toBe(false);
    }
    const list = fromContract(zv3, listSandboxesQuerySchema, 'input');
    expect(list.parse({})).toEqual(listSandboxesQuerySchema.parse({}));
  });

  it('describes each answer with the contract fields, strictly', () => {
    const sandbox = fromContract(zv3, sandboxSchema, 'output');
    const json = z.toJSONSchema(sandboxSchema, { io: 'output' }) as {
      properties: object;
    };
    expect(Object.keys((sandbox as zv3.AnyZodObject).shape).sort()).toEqual(
      Object.keys(json.properties).sort(),
    );
    const health = fromContract(zv3, sandboxHealthSchema, 'output');
    expect(health.safeParse({ name: 'x' }).success).toBe(false);
  });
});
