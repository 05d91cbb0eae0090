import { JsonObject } from '../../api/types';

/** Map-typed fields of built-in kinds (Go maps with omitempty: an empty one is not stored). */
const GO_MAPS = new Set([
  'labels',
  'annotations',
  'data',
  'binaryData',
  'stringData',
  'matchLabels',
  'nodeSelector',
  'limits',
  'requests',
  'podFixed',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
]);

/** Slices serialised even when empty (no omitempty in the Go type). */
const KEEP_EMPTY_LISTS = new Set(['rules', 'containers']);

/** Time fields of Events that Go serialises as null when unset (a struct, not a pointer). */
const KEEP_NULL = new Set([
  'firstTimestamp',
  'lastTimestamp',
  'eventTime',
  'deprecatedFirstTimestamp',
  'deprecatedLastTimestamp',
]);

/** Raw JSON values (a CRD schema's `default` and `example`), kept exactly as sent. */
const RAW_JSON = new Set(['default', 'example']);

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Drops what Go's `omitempty` would not serialise for built-in kinds: empty lists, empty maps and
 * nulls, so a read returns what kube-apiserver's typed storage returns.
 */
export function omitEmpty(value: unknown) {
  if (Array.isArray(value)) {
    value.forEach(omitEmpty);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (RAW_JSON.has(k)) continue;
    if (v === null) {
      if (!KEEP_NULL.has(k)) delete value[k];
    } else if (Array.isArray(v) && v.length === 0 && !KEEP_EMPTY_LISTS.has(k))
      delete value[k];
    else if (isObject(v) && Object.keys(v).length === 0 && GO_MAPS.has(k))
      delete value[k];
    else omitEmpty(v);
  }
}
