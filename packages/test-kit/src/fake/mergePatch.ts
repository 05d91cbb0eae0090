import { SandboxPatch, SandboxSpec } from '@kars-portal/plugin-kars-common';

/**
 * A change applied to a spec as the backend's PATCH applies it: objects merge, arrays and scalars
 * replace, a null removes the field (at the top or inside an object).
 */
export function mergePatch(spec: SandboxSpec, patch: SandboxPatch): unknown {
  const merged: Record<string, unknown> = { ...spec };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete merged[key];
    } else if (isObject(value) && isObject(merged[key])) {
      merged[key] = mergeObject(merged[key], value);
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeObject(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    out[key] =
      isObject(value) && isObject(out[key])
        ? mergeObject(out[key], value)
        : value;
  }
  return out;
}
