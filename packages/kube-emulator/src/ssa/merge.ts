import { JsonObject } from '../api/types';
import { keyElement, Schema } from './fieldSet';

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges an applied configuration into a live object by the schema's list and map semantics. */
export function ssaMerge(
  live: unknown,
  config: unknown,
  schema: Schema,
  names: string[] = [],
): unknown {
  if (isObject(config)) {
    if (!isObject(live) || schema.isAtomicMap?.(names)) return config;
    const out: JsonObject = { ...live };
    for (const [key, value] of Object.entries(config)) {
      if (value === null) delete out[key];
      else out[key] = ssaMerge(live[key], value, schema, [...names, key]);
    }
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const lt = schema.listTypeAt(names);
    if (lt?.type === 'map') {
      const out = [...live];
      for (const item of config) {
        if (!isObject(item)) continue;
        const id = keyElement(item, lt, names, schema);
        const idx = out.findIndex(
          o => isObject(o) && keyElement(o, lt, names, schema) === id,
        );
        if (idx >= 0) out[idx] = ssaMerge(out[idx], item, schema, names);
        else out.push(item);
      }
      return out;
    }
    if (lt?.type === 'set') {
      const seen = new Set(live.map(v => JSON.stringify(v)));
      return [...live, ...config.filter(v => !seen.has(JSON.stringify(v)))];
    }
  }
  return config;
}
