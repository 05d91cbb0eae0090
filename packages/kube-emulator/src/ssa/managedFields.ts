import { ApiError } from '../api/errors';
import { timestamp } from '../api/time';
import { JsonObject } from '../api/types';
import {
  appliedFieldSet,
  compare,
  difference,
  FieldSet,
  filterTracked,
  formatPath,
  fromFieldsV1,
  intersection,
  leadingElements,
  removePaths,
  Schema,
  SEP,
  splitPath,
  toFieldsV1,
  union,
} from './fieldSet';
import { fieldsVouchedByLastApplied, KUBECTL_MANAGER } from './lastApplied';
import { ssaMerge } from './merge';

/** One field manager as kept in metadata.managedFields. */
export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: FieldSet;
  /**
   * The FieldsV1 these fields were read from, while they are still those fields: a manager a
   * write leaves alone is written back as it was read, not encoded again.
   */
  readFrom?: { fields: FieldSet; fieldsV1: JsonObject };
}

/** Where a write happens: the main resource or its status subresource. */
export interface WriteContext {
  manager: string;
  apiVersion: string;
  subresource?: string;
  schema: Schema;
  implicitStructs?: string[][];
  /** Whether the type has a status subresource (then status is not tracked on the main resource). */
  statusSubresource: boolean;
}

const sameManager = (
  a: Manager,
  b: Pick<Manager, 'manager' | 'operation' | 'subresource'>,
) =>
  a.manager === b.manager &&
  a.operation === b.operation &&
  (a.subresource ?? '') === (b.subresource ?? '');

export function decodeManagers(obj: JsonObject | undefined): Manager[] {
  return (obj?.metadata?.managedFields ?? []).map((e: JsonObject) => {
    const fields = fromFieldsV1(e.fieldsV1);
    return {
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      subresource: e.subresource,
      fields,
      readFrom: e.fieldsV1 ? { fields, fieldsV1: e.fieldsV1 } : undefined,
    };
  });
}

/** Encodes managers in the server's order: Apply before Update, then by time and name. */
export function encodeManagers(managers: Manager[]): JsonObject[] {
  return managers
    .filter(m => m.fields.size > 0)
    .sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) ||
        Date.parse(a.time ?? '0') - Date.parse(b.time ?? '0') ||
        a.manager.localeCompare(b.manager) ||
        a.apiVersion.localeCompare(b.apiVersion) ||
        (a.subresource ?? '').localeCompare(b.subresource ?? ''),
    )
    .map(m => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1:
        m.readFrom?.fields === m.fields
          ? m.readFrom.fieldsV1
          : toFieldsV1(m.fields),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
}

/** The paths a write through this endpoint may own: status only via /status, the rest elsewhere. */
const ignoredFor = (ctx: WriteContext) => (path: string) => {
  const [top] = leadingElements(path, 1);
  if (ctx.subresource === 'status') return top !== 'f:status';
  return ctx.statusSubresource && top === 'f:status';
};

const withoutManagedFields = (obj: JsonObject | undefined): JsonObject => {
  if (!obj) return {};
  const { managedFields: _ignored, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
};

/**
 * The top-level fields of `obj` a write through this endpoint may own, without managedFields:
 * what comparing before and after needs to walk (a pod's status write leaves its spec alone).
 */
function trackedPart(
  obj: JsonObject | undefined,
  ignored: (path: string) => boolean,
): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(withoutManagedFields(obj))) {
    if (!ignored(`f:${key}`)) out[key] = value;
  }
  return out;
}

/**
 * Managers after a non-apply write (create, update, patch) by `ctx.manager`: it takes every field
 * the write changed; nobody keeps a field that was removed. Returns undefined when nothing changed.
 */
export function recordUpdate(
  oldObj: JsonObject | undefined,
  newObj: JsonObject,
  ctx: WriteContext,
  base: Manager[] = decodeManagers(oldObj),
): Manager[] | undefined {
  const ignored = ignoredFor(ctx);
  const cmp = compare(
    trackedPart(oldObj, ignored),
    trackedPart(newObj, ignored),
    ctx.schema,
    ctx.implicitStructs,
  );
  const changed = filterTracked(union(cmp.added, cmp.modified), ignored);
  const removed = filterTracked(cmp.removed, ignored);
  if (!changed.size && !removed.size) return undefined;
  const me = {
    manager: ctx.manager,
    operation: 'Update' as const,
    subresource: ctx.subresource,
  };
  const managers = base.map(m =>
    sameManager(m, me)
      ? m
      : { ...m, fields: difference(difference(m.fields, changed), removed) },
  );
  const mine = managers.find(m => sameManager(m, me));
  const fields = union(difference(mine?.fields ?? new Set(), removed), changed);
  const entry: Manager = {
    ...me,
    apiVersion: ctx.apiVersion,
    // The scale subresource's entries keep the time they had: none when new (ScaleHandler.ToParent).
    time: ctx.subresource === 'scale' ? mine?.time : timestamp(),
    fields,
  };
  return [...managers.filter(m => !sameManager(m, me)), entry].filter(
    m => m.fields.size > 0,
  );
}

const printManager = (m: Manager) => {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
};

function conflictError(
  conflicts: { manager: Manager; fields: FieldSet }[],
): ApiError {
  const list = conflicts.flatMap(c =>
    [...c.fields]
      .sort()
      .map(f => ({ manager: c.manager, field: formatPath(f) })),
  );
  const causes = list.map(c => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: c.field,
  }));
  let message: string;
  if (list.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(
      list[0].manager,
    )}: ${list[0].field}`;
  } else {
    const lines = conflicts
      .slice()
      .sort((a, b) =>
        printManager(a.manager).localeCompare(printManager(b.manager)),
      )
      .flatMap(c => [
        `conflicts with ${printManager(c.manager)}:`,
        ...[...c.fields].sort().map(f => `- ${formatPath(f)}`),
      ]);
    message = `Apply failed with ${list.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

/** Every proper ancestor of the paths of a set. */
function ancestors(set: FieldSet): FieldSet {
  const out: FieldSet = new Set();
  for (const path of set) {
    const els = splitPath(path);
    for (let i = 1; i < els.length; i++) out.add(els.slice(0, i).join(SEP));
  }
  return out;
}

/**
 * What an apply removes: what the manager applied last time and not this time, unless another
 * manager owns it or anything under it is still owned (structured-merge-diff's prune adds owned
 * items back, so a map a client-side apply marked with "." stays while its keys are owned).
 */
function prunedPaths(
  previous: FieldSet,
  applied: FieldSet,
  ownedByOthers: FieldSet,
): FieldSet {
  const kept = union(applied, ownedByOthers);
  const keptParents = ancestors(kept);
  return new Set(
    [...difference(previous, kept)].filter(p => !keptParents.has(p)),
  );
}

/**
 * Server-side apply of `config` by `ctx.manager` onto `live` (undefined on create). Returns the
 * merged object (before defaulting) and the managers, or throws 409 on conflicts unless forced.
 * Conflicts of an apply by `kubectl` with fields the last-applied annotation vouches for are
 * forced (an upgrade from client-side apply). The manager's time changes only when the object does.
 */
export function applyConfig(
  live: JsonObject | undefined,
  config: JsonObject,
  ctx: WriteContext,
  force: boolean,
): { object: JsonObject; managers: Manager[] } {
  const liveObj = withoutManagedFields(live);
  const merged = ssaMerge(liveObj, config, ctx.schema) as JsonObject;
  const managers = decodeManagers(live);
  const me = {
    manager: ctx.manager,
    operation: 'Apply' as const,
    subresource: ctx.subresource,
  };
  const previous = managers.find(m => sameManager(m, me));
  const ignored = ignoredFor(ctx);
  const applied = filterTracked(
    appliedFieldSet(withoutManagedFields(config), ctx.schema),
    ignored,
  );
  const others = managers.filter(m => !sameManager(m, me));
  removePaths(
    merged,
    prunedPaths(
      previous?.fields ?? new Set(),
      applied,
      union(...others.map(m => m.fields)),
    ),
    ctx.schema,
  );

  const cmp = compare(
    trackedPart(liveObj, ignored),
    trackedPart(merged, ignored),
    ctx.schema,
    ctx.implicitStructs,
  );
  const changed = filterTracked(union(cmp.added, cmp.modified), ignored);
  const removed = filterTracked(cmp.removed, ignored);
  const vouched =
    ctx.manager === KUBECTL_MANAGER && live
      ? fieldsVouchedByLastApplied(live, ctx.apiVersion, ctx.schema)
      : new Set<string>();
  const conflicts = others
    .map(m => ({
      manager: m,
      fields: difference(intersection(m.fields, changed), vouched),
    }))
    .filter(c => c.fields.size > 0);
  if (conflicts.length && !force) throw conflictError(conflicts);
  const updatedOthers = others.map(m => ({
    ...m,
    fields: difference(difference(m.fields, changed), removed),
  }));
  const entry: Manager = {
    ...me,
    apiVersion: ctx.apiVersion,
    time:
      (changed.size || removed.size) && ctx.subresource !== 'scale'
        ? timestamp()
        : previous?.time,
    fields: applied,
  };
  return {
    object: merged,
    managers: [...updatedOthers, entry].filter(m => m.fields.size > 0),
  };
}
