import { z } from 'zod';
import type { z as zv3 } from 'zod/v3';

/** The zod the actions registry hands an action's schemas (the v3 API). */
export type InjectedZod = typeof zv3;

type JsonSchema = { [key: string]: unknown };

const STRING_KEYWORDS = ['pattern', 'minLength', 'maxLength', 'format'];

/**
 * The zod v3 schema of a JSON Schema: the actions registry takes zod v3 (it makes each action's
 * JSON Schema and checks input and output with it), kars-common's contract is zod v4. Covers the
 * keywords `z.toJSONSchema` writes for the contract (types, enums, constants, string, number and
 * array bounds, objects strict or open, records, unions, nullables, `allOf` of patterns, defaults,
 * descriptions); anything else is refused, so a schema never silently loses a rule. Pure.
 */
export function fromJsonSchema(
  zod: InjectedZod,
  schema: JsonSchema,
): zv3.ZodTypeAny {
  const described = (built: zv3.ZodTypeAny) => {
    let out = built;
    if (typeof schema.description === 'string') {
      out = out.describe(schema.description);
    }
    if (schema.default !== undefined) out = out.default(schema.default);
    return out;
  };
  if (schema.$ref !== undefined || schema.oneOf !== undefined) {
    throw new Error(
      `fromJsonSchema: unsupported keyword in ${JSON.stringify(schema).slice(
        0,
        200,
      )}`,
    );
  }
  if (schema.anyOf) {
    const options = (schema.anyOf as JsonSchema[]).filter(
      o => o.type !== 'null',
    );
    const nullable = options.length < (schema.anyOf as JsonSchema[]).length;
    const inner =
      options.length === 1
        ? fromJsonSchema(zod, options[0])
        : zod.union(
            options.map(o => fromJsonSchema(zod, o)) as [
              zv3.ZodTypeAny,
              zv3.ZodTypeAny,
              ...zv3.ZodTypeAny[],
            ],
          );
    return described(nullable ? inner.nullable() : inner);
  }
  if (schema.const !== undefined) {
    return described(zod.literal(schema.const as zv3.Primitive));
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum as zv3.Primitive[];
    if (values.every(v => typeof v === 'string')) {
      return described(zod.enum(values as [string, ...string[]]));
    }
    return described(
      values.length === 1
        ? zod.literal(values[0])
        : zod.union(
            values.map(v => zod.literal(v)) as unknown as [
              zv3.ZodTypeAny,
              zv3.ZodTypeAny,
              ...zv3.ZodTypeAny[],
            ],
          ),
    );
  }
  const type =
    schema.type ??
    (STRING_KEYWORDS.some(k => k in schema) ? 'string' : undefined);
  if (Array.isArray(type)) {
    return fromJsonSchema(zod, {
      ...schema,
      type: undefined,
      anyOf: type.map(t => ({ ...schema, type: t, description: undefined })),
    });
  }
  switch (type) {
    case 'string':
      return described(stringOf(zod, schema));
    case 'integer':
    case 'number':
      return described(numberOf(zod, schema, type === 'integer'));
    case 'boolean':
      return described(zod.boolean());
    case 'null':
      return described(zod.null());
    case 'array': {
      let array = zod.array(
        schema.items
          ? fromJsonSchema(zod, schema.items as JsonSchema)
          : zod.unknown(),
      );
      if (typeof schema.minItems === 'number')
        array = array.min(schema.minItems);
      if (typeof schema.maxItems === 'number')
        array = array.max(schema.maxItems);
      return described(array);
    }
    case 'object':
      return described(objectOf(zod, schema));
    case undefined:
      return described(zod.unknown());
    default:
      throw new Error(`fromJsonSchema: unsupported type ${String(type)}`);
  }
}

function stringOf(zod: InjectedZod, schema: JsonSchema) {
  let string = zod.string();
  if (typeof schema.minLength === 'number')
    string = string.min(schema.minLength);
  if (typeof schema.maxLength === 'number')
    string = string.max(schema.maxLength);
  const patterns = [
    schema.pattern,
    ...((schema.allOf as JsonSchema[] | undefined) ?? []).map(part => {
      if (Object.keys(part).some(k => k !== 'pattern')) {
        throw new Error('fromJsonSchema: allOf holds more than patterns');
      }
      return part.pattern;
    }),
  ].filter((p): p is string => typeof p === 'string');
  for (const pattern of patterns) string = string.regex(new RegExp(pattern));
  return string;
}

function numberOf(zod: InjectedZod, schema: JsonSchema, integer: boolean) {
  let number = zod.number();
  if (integer) number = number.int();
  if (typeof schema.minimum === 'number') number = number.min(schema.minimum);
  if (typeof schema.maximum === 'number') number = number.max(schema.maximum);
  if (typeof schema.exclusiveMinimum === 'number') {
    number = number.gt(schema.exclusiveMinimum);
  }
  if (typeof schema.exclusiveMaximum === 'number') {
    number = number.lt(schema.exclusiveMaximum);
  }
  return number;
}

function objectOf(zod: InjectedZod, schema: JsonSchema) {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const extra = schema.additionalProperties;
  if (!schema.properties && extra && typeof extra === 'object') {
    const keys = schema.propertyNames
      ? fromJsonSchema(zod, {
          type: 'string',
          ...(schema.propertyNames as JsonSchema),
        })
      : zod.string();
    return zod.record(
      keys as zv3.ZodString,
      fromJsonSchema(zod, extra as JsonSchema),
    );
  }
  const object = zod.object(
    Object.fromEntries(
      Object.entries(properties).map(([key, property]) => {
        const built = fromJsonSchema(zod, property);
        return [
          key,
          required.has(key) || property.default !== undefined
            ? built
            : built.optional(),
        ];
      }),
    ),
  );
  if (extra === false) return object.strict();
  if (extra && typeof extra === 'object') {
    return object.catchall(fromJsonSchema(zod, extra as JsonSchema));
  }
  return object.passthrough();
}

/**
 * The zod v3 schema of one of kars-common's zod v4 schemas, as a client sends it (`input`: fields
 * with defaults optional) or as the backend answers it (`output`). Pure.
 */
export function fromContract(
  zod: InjectedZod,
  schema: z.ZodType,
  io: 'input' | 'output',
): zv3.ZodTypeAny {
  const { $schema: _draft, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return fromJsonSchema(zod, json);
}
