import { badRequest } from '../api/errors';
import { JsonObject, ListType } from '../api/types';

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type ListTypeAt = (path: string[]) => ListType | undefined;

const ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/**
 * Applies a strategic merge patch as kube-apiserver does (apimachinery's strategicpatch, with the
 * server's merge options): map merge, null deletion, merge-keyed lists and merged scalar lists in
 * upstream's order, `$patch: replace|delete`, `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>`.
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

/** A patch value without its directives; undefined when the value itself is one. */
function removeDirectives(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(removeDirectives).filter(v => v !== undefined);
  if (!isObject(value)) return value;
  if ('$patch' in value) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = removeDirectives(v);
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}

function mergeMap(
  original: unknown,
  patch: JsonObject,
  path: string[],
  listTypeAt: ListTypeAt,
): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { $patch: _replace, ...rest } = patch;
    return removeDirectives(rest) as JsonObject;
  }
  const base: JsonObject = isObject(original) ? { ...original } : {};
  const retainKeys: string[] | undefined = patch.$retainKeys;
  if (retainKeys) {
    for (const key of Object.keys(base))
      if (!retainKeys.includes(key)) delete base[key];
  }
  const ordered = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(ORDER) || !Array.isArray(order)) continue;
    const field = key.slice(ORDER.length);
    const lt = listTypeAt([...path, field]);
    const live = base[field];
    const sent = patch[field];
    if (!Array.isArray(sent) && !Array.isArray(live)) continue;
    let merged: unknown[];
    if (!Array.isArray(sent)) merged = live;
    else if (!Array.isArray(live)) merged = removeDirectives(sent) as unknown[];
    else if (lt) merged = mergeList(live, sent, [...path, field], listTypeAt);
    else merged = sent;
    base[field] = orderBy(merged, order, Array.isArray(live) ? live : [], lt);
    ordered.add(field);
  }
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
    if (ordered.has(key)) continue;
    const childPath = [...path, key];
    const live = base[key];
    if (value === null) {
      delete base[key];
    } else if (isObject(value) && isObject(live)) {
      const merged = mergeMap(live, value, childPath, listTypeAt);
      if (merged === undefined) delete base[key];
      else base[key] = merged;
    } else if (Array.isArray(value) && Array.isArray(live)) {
      base[key] = listTypeAt(childPath)
        ? mergeList(live, value, childPath, listTypeAt)
        : value;
    } else {
      const kept = removeDirectives(value);
      if (kept === undefined) delete base[key];
      else base[key] = kept;
    }
  }
  return base;
}

/** What identifies an item of a list: its merge key's value, or the scalar itself. */
function identity(lt: ListType | undefined) {
  const mergeKey = lt?.type === 'map' ? lt.mergeKey ?? lt.keys[0] : undefined;
  return (item: unknown) =>
    JSON.stringify(mergeKey && isObject(item) ? item[mergeKey] : item);
}

/** Merges a patch list into a live list with merge semantics, then orders it as upstream does. */
function mergeList(
  live: unknown[],
  patch: unknown[],
  path: string[],
  listTypeAt: ListTypeAt,
): unknown[] {
  if (!live.length && !patch.length) return live;
  const lt = listTypeAt(path);
  const id = identity(lt);
  if (lt?.type !== 'map') {
    const seen = new Set<string>();
    const merged = [...live, ...patch].filter(v => {
      const key = JSON.stringify(v);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return orderBy(merged, patch, live, lt);
  }
  let original = [...live];
  const items: JsonObject[] = [];
  let replace = false;
  for (const item of patch) {
    if (!isObject(item)) continue;
    if (item.$patch === 'delete')
      original = original.filter(o => id(o) !== id(item));
    else if (item.$patch === 'replace') replace = true;
    else items.push(item);
  }
  if (replace) return items.map(removeDirectives);
  const merged = [...original];
  for (const item of items) {
    const idx = merged.findIndex(o => id(o) === id(item));
    if (idx >= 0)
      merged[idx] = mergeMap(merged[idx], item, path, listTypeAt) ?? {};
    else merged.push(mergeMap({}, item, path, listTypeAt));
  }
  return orderBy(merged, items, original, lt);
}

/**
 * Upstream's normalizeElementOrder: the items `order` names follow its order, the others the live
 * order, and the two are interleaved so that each keeps its place relative to the live list.
 */
function orderBy(
  merged: unknown[],
  order: unknown[],
  live: unknown[],
  lt: ListType | undefined,
): unknown[] {
  const id = identity(lt);
  const rank = (list: unknown[]) => {
    const out = new Map<string, number>();
    list.forEach((v, i) => {
      if (!out.has(id(v))) out.set(id(v), i);
    });
    return out;
  };
  const patchRank = rank(order);
  const liveRank = rank(live);
  const byRank = (r: Map<string, number>) => (a: unknown, b: unknown) =>
    (r.get(id(a)) ?? 0) - (r.get(id(b)) ?? 0);
  const named = merged
    .filter(v => patchRank.has(id(v)))
    .sort(byRank(patchRank));
  const others = merged
    .filter(v => !patchRank.has(id(v)))
    .sort(byRank(liveRank));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < others.length || j < named.length) {
    const left = liveRank.get(id(others[i]));
    const right = liveRank.get(id(named[j]));
    const takeLeft =
      j >= named.length ||
      (i < others.length &&
        left !== undefined &&
        right !== undefined &&
        left < right);
    out.push(takeLeft ? others[i++] : named[j++]);
  }
  return out;
}
