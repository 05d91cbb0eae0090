import { JsonObject } from '../api/types';
import {
  appliedFieldSet,
  compare,
  difference,
  FieldSet,
  Schema,
} from './fieldSet';

/** The annotation `kubectl apply` (client side) keeps its last configuration in. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The field manager of `kubectl apply --server-side`: only its applies take over what a
 * client-side apply owns and keep the annotation up to date (kube-apiserver's lastAppliedManager
 * and lastAppliedUpdater).
 */
export const KUBECTL_MANAGER = 'kubectl';

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields the live object's last-applied annotation vouches for: those it sets to the value
 * the live object has. An apply by `kubectl` may take them from other managers without a conflict.
 */
export function fieldsVouchedByLastApplied(
  live: JsonObject,
  apiVersion: string,
  schema: Schema,
): FieldSet {
  const text = live.metadata?.annotations?.[LAST_APPLIED];
  if (typeof text !== 'string' || !text) return new Set();
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return new Set();
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion)
    return new Set();
  const cmp = compare(lastApplied, live, schema);
  return difference(
    difference(
      difference(appliedFieldSet(lastApplied, schema), cmp.modified),
      cmp.added,
    ),
    cmp.removed,
  );
}

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON as Go's encoding/json writes a map: keys sorted, HTML characters escaped, a final newline. */
export function goJsonEncode(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (!isObject(v)) return v;
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) out[k] = sorted(v[k]);
    return out;
  };
  return `${JSON.stringify(sorted(value)).replace(
    /[<>&\u2028\u2029]/g,
    c => GO_ESCAPES[c],
  )}\n`;
}

/**
 * After an apply by `kubectl`, an object that carries the last-applied annotation gets the
 * applied configuration (without that annotation) as its new value.
 */
export function syncLastApplied(
  result: JsonObject,
  patch: JsonObject,
  manager: string,
) {
  const annotations = result.metadata?.annotations;
  if (manager !== KUBECTL_MANAGER || !annotations?.[LAST_APPLIED]) return;
  const applied = structuredClone(patch);
  const appliedAnnotations = applied.metadata?.annotations;
  if (isObject(appliedAnnotations)) delete appliedAnnotations[LAST_APPLIED];
  annotations[LAST_APPLIED] = goJsonEncode(applied);
}
