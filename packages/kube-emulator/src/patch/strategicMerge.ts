import { badRequest } from '../api/errors';
import { JsonObject, ListType } from '../api/types';

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type ListTypeAt = (path: string[]) => ListType | undefined;

const ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/**
 * Applies a strategic merge patch (the subset kubectl and controllers send): map merge, null
 * deletion, merge-keyed lists, `$patch: replace|delete|merge`, `$retainKeys`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: unknown,
  listTypeAt: ListTypeAt,
): JsonObject {
  if (!isObject(patch))
    throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(original, patch, [], listTypeAt) ?? {};
}

function mergeMap(
  original: unknown,
  patch: JsonObject,
  path: string[],
  listTypeAt: ListTypeAt,
): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  const base: JsonObject =
    directive === 'replace' || !isObject(original) ? {} : { ...original };
  const retainKeys: string[] | undefined = patch.$retainKeys;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(ORDER))
      continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const remove = new Set(
        (value ?? []).map((v: unknown) => JSON.stringify(v)),
      );
      if (Array.isArray(base[field])) {
        base[field] = base[field].filter(
          (v: unknown) => !remove.has(JSON.stringify(v)),
        );
      }
      continue;
    }
    const childPath = [...path, key];
    if (value === null) {
      delete base[key];
    } else if (isObject(value)) {
      const merged = mergeMap(base[key], value, childPath, listTypeAt);
      if (merged === undefined) delete base[key];
      else base[key] = merged;
    } else if (Array.isArray(value)) {
      base[key] = mergeList(
        base[key],
        value,
        childPath,
        listTypeAt,
        patch[`${ORDER}${key}`],
      );
    } else {
      base[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(ORDER)) continue;
    const field = key.slice(ORDER.length);
    if (patch[field] === undefined && Array.isArray(base[field])) {
      base[field] = reorder(
        base[field],
        order as unknown[],
        listTypeAt([...path, field]),
      );
    }
  }
  if (retainKeys) {
    for (const key of Object.keys(base))
      if (!retainKeys.includes(key)) delete base[key];
  }
  return base;
}

const keyOf = (item: unknown, mergeKey: string) =>
  isObject(item) ? JSON.stringify(item[mergeKey]) : JSON.stringify(item);

function reorder(
  list: unknown[],
  order: unknown[],
  lt: ListType | undefined,
): unknown[] {
  const mergeKey = lt?.type === 'map' ? lt.mergeKey ?? lt.keys[0] : undefined;
  const id = (v: unknown) =>
    mergeKey ? keyOf(v, mergeKey) : JSON.stringify(v);
  const rank = new Map(order.map((o, i) => [id(o), i]));
  const ordered = list
    .filter(v => rank.has(id(v)))
    .sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  return [...ordered, ...list.filter(v => !rank.has(id(v)))];
}

function mergeList(
  original: unknown,
  patch: unknown[],
  path: string[],
  listTypeAt: ListTypeAt,
  order: unknown[] | undefined,
): unknown[] {
  const lt = listTypeAt(path);
  const base = Array.isArray(original) ? original : [];
  if (patch.some(p => isObject(p) && p.$patch === 'replace')) {
    return patch.filter(p => !(isObject(p) && p.$patch === 'replace'));
  }
  let out: unknown[];
  if (lt?.type === 'map') {
    const mergeKey = lt.mergeKey ?? lt.keys[0];
    out = [...base];
    for (const item of patch) {
      if (!isObject(item)) continue;
      const idx = out.findIndex(
        o => keyOf(o, mergeKey) === keyOf(item, mergeKey),
      );
      if (item.$patch === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
      } else if (idx >= 0) {
        out[idx] = mergeMap(out[idx], item, path, listTypeAt) ?? out[idx];
      } else {
        out.push(mergeMap({}, item, path, listTypeAt));
      }
    }
  } else if (lt?.type === 'set') {
    const seen = new Set(base.map(v => JSON.stringify(v)));
    out = [...base, ...patch.filter(v => !seen.has(JSON.stringify(v)))];
  } else {
    return patch;
  }
  return order ? reorder(out, order, lt) : out;
}
