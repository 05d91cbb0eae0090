import { causes } from '../api/errors';
import { FieldCause, JsonObject, ListType } from '../api/types';

/** An OpenAPI v3 structural schema node as written in a CRD. */
export type Schema = JsonObject;

const clone = <T>(v: T): T =>
  v === undefined ? v : JSON.parse(JSON.stringify(v));
const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Drops fields the schema does not know (unless it preserves unknown fields) and nulls the schema
 * does not allow, mutating `value`. Returns the dropped paths, for strict validation and warnings.
 */
export function prune(
  value: unknown,
  schema: Schema | undefined,
  path = '',
  root = true,
): string[] {
  if (
    !schema ||
    (schema['x-kubernetes-preserve-unknown-fields'] === true &&
      !schema.properties)
  )
    return [];
  const dropped: string[] = [];
  if (isObject(value)) {
    const props: JsonObject | undefined = schema.properties;
    const additional = schema.additionalProperties;
    for (const key of Object.keys(value)) {
      if (
        root &&
        (key === 'apiVersion' || key === 'kind' || key === 'metadata')
      )
        continue;
      const child =
        props?.[key] ?? (isObject(additional) ? additional : undefined);
      if (
        !child &&
        !(additional === true) &&
        !schema['x-kubernetes-preserve-unknown-fields']
      ) {
        if (props || isObject(additional) || schema.type === 'object') {
          delete value[key];
          dropped.push(join(path, key));
          continue;
        }
      }
      if (value[key] === null && child && !child.nullable) {
        delete value[key];
        continue;
      }
      if (child && !child['x-kubernetes-embedded-resource']) {
        dropped.push(...prune(value[key], child, join(path, key), false));
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      dropped.push(...prune(item, schema.items, `${path}[${i}]`, false)),
    );
  }
  return dropped;
}

/**
 * Whether a node above the field at `path` (a path {@link prune} returns) keeps unknown fields
 * (`x-kubernetes-preserve-unknown-fields`). Server-side apply's typed conversion, as kube-apiserver
 * builds it from a CRD, accepts any field below such a node; pruning then drops the ones a closer
 * node does not declare, silently. Pure.
 */
export function belowOpenNode(schema: Schema, path: string): boolean {
  const parts = path
    .replace(/\[\d+\]/g, '.[]')
    .split('.')
    .filter(Boolean);
  let node: Schema | undefined = schema;
  for (const part of parts.slice(0, -1)) {
    if (!node) return false;
    if (node['x-kubernetes-preserve-unknown-fields'] === true) return true;
    node =
      part === '[]'
        ? node.items
        : node.properties?.[part] ??
          (isObject(node.additionalProperties)
            ? node.additionalProperties
            : undefined);
  }
  return false;
}

/** Applies `default`s top-down, mutating `value`: a defaulted object gets its own defaults too. */
export function applyDefaults(value: unknown, schema: Schema | undefined) {
  if (!schema) return;
  if (isObject(value)) {
    const props: JsonObject = schema.properties ?? {};
    for (const [key, child] of Object.entries<Schema>(props)) {
      if (value[key] === undefined && child.default !== undefined)
        value[key] = clone(child.default);
      if (value[key] !== undefined) applyDefaults(value[key], child);
    }
    if (isObject(schema.additionalProperties)) {
      for (const key of Object.keys(value)) {
        if (!(key in props))
          applyDefaults(value[key], schema.additionalProperties);
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    for (const item of value) applyDefaults(item, schema.items);
  }
}

const typeOf = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
};

const typeMatches = (schema: Schema, v: unknown): boolean => {
  if (schema['x-kubernetes-int-or-string']) {
    return (
      typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))
    );
  }
  const actual = typeOf(v);
  switch (schema.type) {
    case undefined:
      return true;
    case 'number':
      return actual === 'number' || actual === 'integer';
    default:
      return actual === schema.type;
  }
};

/** Validates `value` against a structural schema, returning causes like kube-apiserver's. */
export function validateSchema(
  value: unknown,
  schema: Schema | undefined,
  path = '',
): FieldCause[] {
  if (!schema) return [];
  const out: FieldCause[] = [];
  const at = path || '<nil>';
  if (value === null) {
    if (!schema.nullable && schema.type) {
      out.push(
        causes.typeInvalid(
          at,
          'null',
          `${path} in body must be of type ${schema.type}: "null"`,
        ),
      );
    }
    return out;
  }
  if (!typeMatches(schema, value)) {
    const t = schema['x-kubernetes-int-or-string']
      ? 'integer,string'
      : schema.type;
    out.push(
      causes.typeInvalid(
        at,
        typeOf(value),
        `${path} in body must be of type ${t}: "${typeOf(value)}"`,
      ),
    );
    return out;
  }
  if (
    schema.enum &&
    !schema.enum.some(
      (e: unknown) => JSON.stringify(e) === JSON.stringify(value),
    )
  ) {
    out.push(causes.unsupported(at, value, schema.enum));
  }
  if (typeof value === 'string') {
    if (
      schema.maxLength !== undefined &&
      [...value].length > schema.maxLength
    ) {
      out.push({
        reason: 'FieldValueTooLong',
        message: `Too long: may not be more than ${schema.maxLength} bytes`,
        field: at,
      });
    }
    if (
      schema.minLength !== undefined &&
      [...value].length < schema.minLength
    ) {
      out.push(
        causes.invalid(
          at,
          value,
          `${path} in body should be at least ${schema.minLength} chars long`,
        ),
      );
    }
    if (
      schema.pattern !== undefined &&
      !new RegExp(schema.pattern, 'u').test(value)
    ) {
      out.push(
        causes.invalid(
          at,
          value,
          `${path} in body should match '${schema.pattern}'`,
        ),
      );
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined) {
      const bad = schema.exclusiveMinimum
        ? value <= schema.minimum
        : value < schema.minimum;
      if (bad) {
        out.push(
          causes.invalid(
            at,
            value,
            `${path} in body should be greater than ${
              schema.exclusiveMinimum ? '' : 'or equal to '
            }${schema.minimum}`,
          ),
        );
      }
    }
    if (schema.maximum !== undefined) {
      const bad = schema.exclusiveMaximum
        ? value >= schema.maximum
        : value > schema.maximum;
      if (bad) {
        out.push(
          causes.invalid(
            at,
            value,
            `${path} in body should be less than ${
              schema.exclusiveMaximum ? '' : 'or equal to '
            }${schema.maximum}`,
          ),
        );
      }
    }
    if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0) {
      out.push(
        causes.invalid(
          at,
          value,
          `${path} in body should be a multiple of ${schema.multipleOf}`,
        ),
      );
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      out.push(causes.tooMany(at, value.length, schema.maxItems));
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      out.push(
        causes.invalid(
          at,
          value.length,
          `${path} in body should have at least ${schema.minItems} items`,
        ),
      );
    }
    value.forEach((item, i) =>
      out.push(...validateSchema(item, schema.items, `${path}[${i}]`)),
    );
    out.push(...listUniqueness(value, schema, path));
  }
  if (isObject(value)) {
    for (const req of schema.required ?? []) {
      if (value[req] === undefined) out.push(causes.required(join(path, req)));
    }
    const props: JsonObject = schema.properties ?? {};
    for (const [key, child] of Object.entries(value)) {
      if (
        !path &&
        (key === 'metadata' || key === 'apiVersion' || key === 'kind')
      )
        continue;
      const childSchema =
        props[key] ??
        (isObject(schema.additionalProperties)
          ? schema.additionalProperties
          : undefined);
      out.push(...validateSchema(child, childSchema, join(path, key)));
    }
    const count = Object.keys(value).length;
    if (schema.maxProperties !== undefined && count > schema.maxProperties) {
      out.push(causes.tooMany(at, count, schema.maxProperties));
    }
    if (schema.minProperties !== undefined && count < schema.minProperties) {
      out.push(
        causes.invalid(
          at,
          count,
          `${path} in body should have at least ${schema.minProperties} properties`,
        ),
      );
    }
  }
  return out;
}

function listUniqueness(
  value: unknown[],
  schema: Schema,
  path: string,
): FieldCause[] {
  const out: FieldCause[] = [];
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set') {
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const k = JSON.stringify(item);
      if (seen.has(k)) out.push(causes.duplicate(`${path}[${i}]`, item));
      seen.add(k);
    });
  }
  if (listType === 'map') {
    const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      if (!isObject(item)) return;
      const keyValues: JsonObject = {};
      for (const k of keys) {
        keyValues[k] = item[k] ?? schema.items?.properties?.[k]?.default;
      }
      const id = JSON.stringify(keyValues);
      if (seen.has(id)) {
        out.push({
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${JSON.stringify(keyValues)}`,
          field: `${path}[${i}]`,
        });
      }
      seen.add(id);
    });
  }
  return out;
}

/** Whether the schema (anywhere) carries CEL validation rules. */
export function hasCelRules(schema: Schema | undefined): boolean {
  if (!isObject(schema)) return false;
  if (
    Array.isArray(schema['x-kubernetes-validations']) &&
    schema['x-kubernetes-validations'].length
  )
    return true;
  return (
    Object.values<Schema>(schema.properties ?? {}).some(hasCelRules) ||
    hasCelRules(schema.items) ||
    hasCelRules(
      isObject(schema.additionalProperties)
        ? schema.additionalProperties
        : undefined,
    )
  );
}

/** The sub-schema at a path of field names (list items are traversed implicitly). */
export function schemaAt(
  schema: Schema | undefined,
  path: string[],
): Schema | undefined {
  let s = schema;
  for (const key of path) {
    while (s?.type === 'array') s = s.items;
    if (!s) return undefined;
    s =
      s.properties?.[key] ??
      (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
  }
  return s;
}

/** The list semantics of the list at `path`, per x-kubernetes-list-type (atomic by default). */
export function listTypeFromSchema(
  schema: Schema | undefined,
  path: string[],
): ListType | undefined {
  const s = schemaAt(schema, path);
  if (!s || s.type !== 'array') return undefined;
  const t = s['x-kubernetes-list-type'];
  if (t === 'set') return { type: 'set' };
  if (t === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    return { type: 'map', keys, mergeKey: keys[0] };
  }
  return { type: 'atomic' };
}

/** Whether the map (object) at `path` is atomic (x-kubernetes-map-type: atomic). */
export function isAtomicMap(
  schema: Schema | undefined,
  path: string[],
): boolean {
  return schemaAt(schema, path)?.['x-kubernetes-map-type'] === 'atomic';
}
