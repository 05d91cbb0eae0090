import { SandboxPatch, SandboxSpec } from '@kars-portal/plugin-kars-common';

function mergeObject(base: object, patch: object): object {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      typeof out[k] === 'object'
        ? mergeObject(out[k] as object, v)
        : v;
  }
  return out;
}

/**
 * A spec with a PATCH body merged in, as `PATCH /sandboxes/:name` takes it: a top-level null removes
 * the field (and a null inside an object removes that key), an object merges into the object it meets, anything else (arrays included) replaces.
 * The result is for the spec schema to judge. Pure.
 */
export function mergeSpecPatch(
  spec: SandboxSpec,
  patch: SandboxPatch,
): unknown {
  const merged: Record<string, unknown> = { ...spec };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete merged[key];
    } else if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof merged[key] === 'object' &&
      merged[key] !== null
    ) {
      merged[key] = mergeObject(merged[key] as object, value as object);
    } else {
      merged[key] = value;
    }
  }
  return merged;
}
