import { JsonObject, ListType } from '../api/types';

/**
 * Field paths in the structured-merge-diff vocabulary: a path is its elements (`f:name`,
 * `k:{"name":"x"}`, `v:"value"`) joined by newlines, which JSON-encoded elements never contain.
 */
export type FieldPath = string;
export type FieldSet = Set<FieldPath>;

export interface Schema {
  listTypeAt: (names: string[]) => ListType | undefined;
  isAtomicMap?: (names: string[]) => boolean;
  /** Values of list-map keys to assume when an element omits them (e.g. protocol TCP). */
  keyDefault?: (names: string[], key: string) => unknown;
}

export const SEP = '\n';
export const joinPath = (parent: FieldPath, element: string) =>
  parent ? `${parent}${SEP}${element}` : element;
export const splitPath = (path: FieldPath) => (path ? path.split(SEP) : []);

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const sortedJson = (o: JsonObject) =>
  `{${Object.keys(o)
    .sort()
    .map(k => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`)
    .join(',')}}`;

/** The `k:{...}` element of one associative-list item. */
export function keyElement(
  item: JsonObject,
  lt: Extract<ListType, { type: 'map' }>,
  names: string[],
  schema: Schema,
) {
  const keys: JsonObject = {};
  for (const k of lt.keys) {
    const v = item[k] ?? schema.keyDefault?.(names, k);
    if (v !== undefined) keys[k] = v;
  }
  return `k:${sortedJson(keys)}`;
}

/** One node of an object's tree: `leaf` nodes carry their JSON value for comparison. */
export interface FieldNode {
  leaf: boolean;
  value?: string;
  /** Whether the node is a struct Go always serialises (gets no "." marker when added). */
  implicit?: boolean;
}

/**
 * Every node (maps, list items, leaves) of `obj`, keyed by path. The field names leading to a node
 * are one stack, pushed and popped on the way (the schema's lookups read it, none keeps it).
 */
export function fieldNodes(
  obj: JsonObject,
  schema: Schema,
  implicitStructs: string[][] = [],
): Map<FieldPath, FieldNode> {
  const out = new Map<FieldPath, FieldNode>();
  const names: string[] = [];
  const deepestImplicit = Math.max(0, ...implicitStructs.map(p => p.length));
  const isImplicit = () =>
    names.length <= deepestImplicit &&
    implicitStructs.some(
      p => p.length === names.length && p.every((s, i) => s === names[i]),
    );
  function walkMap(m: JsonObject, path: FieldPath) {
    for (const key of Object.keys(m)) {
      const value = m[key];
      if (value === undefined) continue;
      names.push(key);
      walkValue(value, joinPath(path, `f:${key}`));
      names.pop();
    }
  }
  function walkValue(value: unknown, path: FieldPath) {
    if (isObject(value) && !schema.isAtomicMap?.(names)) {
      const empty = Object.keys(value).length === 0;
      out.set(path, {
        leaf: empty,
        value: empty ? '{}' : undefined,
        implicit: isImplicit(),
      });
      walkMap(value, path);
      return;
    }
    if (Array.isArray(value)) {
      const lt = schema.listTypeAt(names);
      if (lt?.type === 'map' && value.length) {
        out.set(path, { leaf: false, implicit: isImplicit() });
        for (const item of value) {
          if (!isObject(item)) continue;
          const el = joinPath(path, keyElement(item, lt, names, schema));
          out.set(el, { leaf: false });
          walkMap(item, el);
        }
        return;
      }
      if (lt?.type === 'set' && value.length) {
        out.set(path, { leaf: false, implicit: isImplicit() });
        for (const item of value)
          out.set(joinPath(path, `v:${JSON.stringify(item)}`), {
            leaf: true,
            value: JSON.stringify(item),
          });
        return;
      }
    }
    out.set(path, {
      leaf: true,
      value: JSON.stringify(value),
      implicit: isImplicit(),
    });
  }
  walkMap(obj, '');
  return out;
}

/** ObjectMeta fields never tracked by field managers (structured-merge-diff strips them). */
const STRIPPED_META = new Set([
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'generation',
  'managedFields',
  'resourceVersion',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

/** The first `count` elements of a path, without splitting all of it. */
export function leadingElements(path: FieldPath, count: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < count && start <= path.length) {
    const end = path.indexOf(SEP, start);
    out.push(path.slice(start, end < 0 ? path.length : end));
    if (end < 0) break;
    start = end + 1;
  }
  return out;
}

const isStripped = (path: FieldPath) => {
  const [top, second] = leadingElements(path, 2);
  if (top === 'f:apiVersion' || top === 'f:kind') return true;
  if (top !== 'f:metadata') return false;
  return second === undefined || STRIPPED_META.has(second.slice(2));
};

/** Drops stripped paths and those under any of `ignored` top-level fields. */
export function filterTracked(
  set: FieldSet,
  ignored: (path: FieldPath) => boolean,
): FieldSet {
  return new Set([...set].filter(p => !isStripped(p) && !ignored(p)));
}

/** The fields an applied configuration sets: leaves, list items and empty maps. */
export function appliedFieldSet(config: JsonObject, schema: Schema): FieldSet {
  const set: FieldSet = new Set();
  for (const [path, node] of fieldNodes(config, schema)) {
    const last = splitPath(path).pop() ?? '';
    if (node.leaf || last.startsWith('k:')) set.add(path);
  }
  return set;
}

/** What changed between two objects, as field sets (structured-merge-diff's Compare). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compare(
  oldObj: JsonObject,
  newObj: JsonObject,
  schema: Schema,
  implicitStructs: string[][] = [],
): Comparison {
  const before = fieldNodes(oldObj, schema, implicitStructs);
  const after = fieldNodes(newObj, schema, implicitStructs);
  const added: FieldSet = new Set();
  const modified: FieldSet = new Set();
  const removed: FieldSet = new Set();
  for (const [path, node] of after) {
    const prev = before.get(path);
    if (!prev) {
      // A struct Go always serialises was there before, empty: only a non-empty value is new.
      if (node.implicit && !(node.leaf && node.value !== '{}')) continue;
      added.add(path);
    } else if (node.leaf && prev.value !== node.value) {
      modified.add(path);
    } else if (
      node.leaf !== prev.leaf &&
      !(prev.value === '{}' || node.value === '{}')
    ) {
      modified.add(path);
    }
  }
  for (const path of before.keys()) if (!after.has(path)) removed.add(path);
  return { added, modified, removed };
}

/*
 * Field sets are never changed once made. The operations below give back an input set itself when
 * the result has the same members, so a manager a write did not touch keeps its set (and with it
 * the FieldsV1 it was read from, see managedFields.ts).
 */

export function union(...sets: FieldSet[]): FieldSet {
  const nonEmpty = sets.filter(s => s.size > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? new Set();
  return new Set(nonEmpty.flatMap(s => [...s]));
}

export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (!b.size) return a;
  let kept = 0;
  for (const p of a) if (!b.has(p)) kept++;
  return kept === a.size ? a : new Set([...a].filter(p => !b.has(p)));
}

export const intersection = (a: FieldSet, b: FieldSet): FieldSet =>
  new Set([...a].filter(p => b.has(p)));

/** Serialises a field set as FieldsV1 JSON. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const members: JsonObject[] = [];
  for (const path of set) {
    let node = root;
    for (const el of splitPath(path)) node = node[el] ??= {};
    members.push(node);
  }
  // A member with fields below it is marked "." (the keys are sorted at the end).
  for (const node of members) {
    for (const k in node) {
      if (k !== '.') {
        node['.'] = {};
        break;
      }
    }
  }
  return sortKeys(root);
}

function sortKeys(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(node).sort()) out[k] = sortKeys(node[k]);
  return out;
}

/** Parses FieldsV1 JSON into a field set. */
export function fromFieldsV1(fields: JsonObject | undefined): FieldSet {
  const set: FieldSet = new Set();
  if (fields) decodeFieldsV1(fields, '', set);
  return set;
}

function decodeFieldsV1(fields: JsonObject, prefix: FieldPath, set: FieldSet) {
  for (const [key, child] of Object.entries(fields)) {
    if (key === '.') {
      if (prefix) set.add(prefix);
      continue;
    }
    const path = joinPath(prefix, key);
    if (!isObject(child) || Object.keys(child).length === 0) set.add(path);
    else decodeFieldsV1(child, path, set);
  }
}

/** Renders a path like `.spec.containers[name="app"].image`, as in apply conflict messages. */
export function formatPath(path: FieldPath): string {
  return splitPath(path)
    .map(el => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      if (el.startsWith('k:')) {
        const keys = JSON.parse(el.slice(2));
        return `[${Object.entries(keys)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return el;
    })
    .join('');
}

/** Removes the given paths (leaves, list items, set values) from `obj`, mutating it. */
export function removePaths(obj: JsonObject, paths: FieldSet, schema: Schema) {
  for (const path of paths) {
    const els = splitPath(path);
    let parent: unknown = obj;
    const names: string[] = [];
    for (let i = 0; i < els.length - 1 && parent !== undefined; i++) {
      parent = step(parent, els[i], names, schema);
    }
    const last = els[els.length - 1];
    if (isObject(parent) && last.startsWith('f:')) {
      delete parent[last.slice(2)];
    } else if (Array.isArray(parent)) {
      const idx = parent.findIndex(item =>
        matchesElement(item, last, names, schema),
      );
      if (idx >= 0) parent.splice(idx, 1);
    }
  }
}

function matchesElement(
  item: unknown,
  el: string,
  names: string[],
  schema: Schema,
) {
  if (el.startsWith('v:')) return JSON.stringify(item) === el.slice(2);
  const lt = schema.listTypeAt(names);
  return (
    isObject(item) &&
    lt?.type === 'map' &&
    keyElement(item, lt, names, schema) === el
  );
}

function step(
  node: unknown,
  el: string,
  names: string[],
  schema: Schema,
): unknown {
  if (el.startsWith('f:') && isObject(node)) {
    names.push(el.slice(2));
    return node[el.slice(2)];
  }
  if (Array.isArray(node)) {
    return node.find(item => matchesElement(item, el, names, schema));
  }
  return undefined;
}
