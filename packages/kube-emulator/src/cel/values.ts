import { JsonObject } from '../api/types';

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON number as CEL sees it without a schema: whole numbers are `int`, others `double`. */
const numberValue = (n: number): number | bigint =>
  Number.isInteger(n) ? BigInt(n) : n;

/**
 * A JSON value as a CEL value without a schema (how admission policies see objects, params and
 * requests): whole numbers become `int` (BigInt), everything else stays as it is.
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return numberValue(value);
  // Array.from, not map: an array of another realm (structuredClone's, under jest) stays foreign
  // through map, and cel-js knows only this realm's Array.
  if (Array.isArray(value)) return Array.from(value, toCel);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out;
  }
  return value;
}

/** Of an embedded object's metadata, CEL sees only these fields. */
const EMBEDDED_METADATA = ['name', 'generateName'];

/**
 * A JSON value as a CEL value typed by a structural schema, like kube-apiserver's
 * UnstructuredToVal: `integer` fields are `int`, `number` fields `double`; the root of a custom
 * resource (and any embedded resource) exposes only `metadata.name` and `metadata.generateName`.
 */
export function toCelTyped(
  value: unknown,
  schema: JsonObject | undefined,
  resourceRoot = false,
): unknown {
  if (value === null || value === undefined || !schema) return toCel(value);
  if (typeof value === 'number') {
    if (schema.type === 'number') return value;
    if (schema.type === 'integer') return BigInt(Math.trunc(value));
    return numberValue(value);
  }
  if (Array.isArray(value))
    return Array.from(value, item => toCelTyped(item, schema.items));
  if (!isObject(value)) return value;
  const embedded = resourceRoot || schema['x-kubernetes-embedded-resource'];
  const props: JsonObject | undefined = schema.properties;
  const additional = isObject(schema.additionalProperties)
    ? schema.additionalProperties
    : undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (embedded && k === 'metadata' && isObject(v)) {
      const meta: JsonObject = {};
      for (const f of EMBEDDED_METADATA) if (f in v) meta[f] = v[f];
      out.metadata = meta;
    } else {
      out[k] = toCelTyped(v, props?.[k] ?? additional);
    }
  }
  return out;
}
