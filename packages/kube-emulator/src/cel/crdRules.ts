import { Optional } from '@marcbachmann/cel-js';
import { formatValue } from '../api/errors';
import { FieldCause, JsonObject } from '../api/types';
import { hasCelRules } from '../schema/structural';
import { deepEqual } from '../server/objects';
import { CelCompileError, CelEvalError, compileCel } from './environment';
import { toCelTyped } from './values';

/** One `x-kubernetes-validations` entry of a CRD schema. */
interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Errors of the OpenAPI schema that keep kube-apiserver from running the CEL rules at all. */
const BLOCKING = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

/** A field path as Go's field.Path prints it (`<nil>` for the root). */
class Path {
  constructor(private readonly text = '') {}
  child(name: string) {
    return new Path(this.text ? `${this.text}.${name}` : name);
  }
  key(k: string) {
    return new Path(`${this.text}[${k}]`);
  }
  toString() {
    return this.text || '<nil>';
  }
}

/**
 * A rule's fieldPath (`.a.b`, `['x.y']`) normalized like kube-apiserver's ValidFieldPath: a name
 * under `properties` is a child (`a.b`), one under `additionalProperties` a key (`a[k]`).
 */
function normalizedFieldPath(fieldPath: string, schema: JsonObject): string {
  let out = '';
  let s: JsonObject | undefined = schema;
  const re = /\.([^.[]+)|\['((?:[^'\\]|\\.)*)'\]/g;
  for (let m = re.exec(fieldPath); m; m = re.exec(fieldPath)) {
    const name = m[1] ?? m[2].replace(/\\(.)/g, '$1');
    if (s?.properties) {
      out += out ? `.${name}` : name;
      s = s.properties[name];
    } else {
      out += `[${name}]`;
      s = isObject(s?.additionalProperties)
        ? s?.additionalProperties
        : undefined;
    }
  }
  return out;
}

/** The old value of a map-list item: the old item with the same key fields. */
function correlatedItem(
  schema: JsonObject,
  oldList: unknown,
  item: unknown,
): unknown {
  if (
    schema['x-kubernetes-list-type'] !== 'map' ||
    !Array.isArray(oldList) ||
    !isObject(item)
  )
    return undefined;
  const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
  return oldList.find(
    old => isObject(old) && keys.every(k => deepEqual(old[k], item[k])),
  );
}

const childSchema = (schema: JsonObject, key: string): JsonObject | undefined =>
  schema.properties?.[key] ??
  (isObject(schema.additionalProperties)
    ? schema.additionalProperties
    : undefined);

/**
 * Whether a value equals its old value, correlated as kube-apiserver's ratcheting does: maps by
 * key (a key without a schema never equals), map lists by their keys, other lists in order.
 */
function unchanged(value: unknown, old: unknown, schema: JsonObject): boolean {
  if (value === undefined || value === null)
    return old === undefined || old === null;
  if (old === undefined || old === null) return false;
  if (Array.isArray(value) && Array.isArray(old)) {
    if (value.length !== old.length) return false;
    if (schema['x-kubernetes-list-type'] !== 'map' || !schema.items)
      return deepEqual(value, old);
    return value.every(item => {
      const before = correlatedItem(schema, old, item);
      return before !== undefined && unchanged(item, before, schema.items);
    });
  }
  if (isObject(value) && isObject(old)) {
    const keys = Object.keys(value);
    if (keys.length !== Object.keys(old).length) return false;
    return keys.every(k => {
      const s = childSchema(schema, k);
      return s !== undefined && k in old && unchanged(value[k], old[k], s);
    });
  }
  if (Array.isArray(value) !== Array.isArray(old)) return false;
  return deepEqual(value, old);
}

/** What ratcheting compares at a node: its own old value, or the nearest correlated parent's. */
interface Correlation {
  value: unknown;
  old: unknown;
  schema: JsonObject;
}
interface Ratchet {
  current?: Correlation;
  parent?: Correlation;
}

function ratchetKey(r: Ratchet, key: string, root: boolean): Ratchet {
  const c = r.current;
  if (!c) return r;
  if (root && (key === 'apiVersion' || key === 'kind')) return {};
  const s = childSchema(c.schema, key);
  const { value, old } = c;
  const ok =
    s && isObject(value) && isObject(old) && key in value && key in old;
  return {
    current: ok ? { value: value[key], old: old[key], schema: s } : undefined,
    parent: c,
  };
}

function ratchetIndex(r: Ratchet, i: number): Ratchet {
  const c = r.current;
  if (!c) return r;
  const item = Array.isArray(c.value) ? c.value[i] : undefined;
  const old = correlatedItem(c.schema, c.old, item);
  return {
    current:
      old !== undefined && c.schema.items
        ? { value: item, old, schema: c.schema.items }
        : undefined,
    parent: c,
  };
}

function ratchets(r: Ratchet): boolean {
  const c = r.current ?? r.parent;
  return c ? unchanged(c.value, c.old, c.schema) : false;
}

/** A field error as kube-apiserver's field.Error renders it (`omit` leaves the value out). */
function fieldError(
  field: string,
  reason: string | undefined,
  detail: string,
  value: unknown,
  omit: boolean,
): FieldCause {
  const shown = omit ? '' : `: ${formatValue(value)}`;
  switch (reason) {
    case 'FieldValueForbidden':
      return { reason, message: `Forbidden: ${detail}`, field };
    case 'FieldValueRequired':
      return { reason, message: `Required value: ${detail}`, field };
    case 'FieldValueDuplicate':
      return { reason, message: `Duplicate value${shown}`, field };
    default:
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value${shown}: ${detail}`,
        field,
      };
  }
}

const ruleText = (r: ValidationRule) =>
  r.message?.trim() ? r.message.trim() : r.rule.trim();

/** The message of a failed rule: its messageExpression's string if that works, else message. */
function messageOf(rule: ValidationRule, activation: Record<string, unknown>) {
  if (rule.messageExpression) {
    try {
      const m = compileCel('crd', rule.messageExpression).evaluate(activation);
      if (typeof m === 'string' && m.trim() && !m.includes('\n'))
        return m.trim();
    } catch {
      // kube-apiserver logs the failure and falls back to the message
    }
  }
  return rule.message?.trim()
    ? rule.message.trim()
    : `failed rule: ${ruleText(rule)}`;
}

class RuleRun {
  readonly causes: FieldCause[] = [];
  readonly warnings: string[] = [];

  node(
    schema: JsonObject,
    value: unknown,
    old: unknown,
    path: Path,
    ratchet: Ratchet,
    resourceRoot: boolean,
  ) {
    if (value === undefined || value === null || !hasRulesCached(schema))
      return;
    const rules: ValidationRule[] = schema['x-kubernetes-validations'] ?? [];
    if (rules.length)
      this.rules(rules, schema, value, old, path, ratchet, resourceRoot);
    if (Array.isArray(value) && schema.items) {
      value.forEach((item, i) =>
        this.node(
          schema.items,
          item,
          correlatedItem(schema, old, item),
          path.key(String(i)),
          ratchetIndex(ratchet, i),
          Boolean(schema.items['x-kubernetes-embedded-resource']),
        ),
      );
    } else if (isObject(value)) {
      const oldMap = isObject(old) ? old : undefined;
      for (const [k, v] of Object.entries(value)) {
        const prop = schema.properties?.[k];
        const s =
          prop ??
          (isObject(schema.additionalProperties)
            ? schema.additionalProperties
            : undefined);
        if (!s) continue;
        this.node(
          s,
          v,
          oldMap?.[k],
          prop ? path.child(k) : path.key(k),
          ratchetKey(ratchet, k, resourceRoot && path.toString() === '<nil>'),
          Boolean(s['x-kubernetes-embedded-resource']),
        );
      }
    }
  }

  private rules(
    rules: ValidationRule[],
    schema: JsonObject,
    value: unknown,
    old: unknown,
    path: Path,
    ratchet: Ratchet,
    resourceRoot: boolean,
  ) {
    const type = schema.type ?? '';
    const self = toCelTyped(value, schema, resourceRoot);
    const hasOld = old !== undefined && old !== null;
    const oldSelf = hasOld ? toCelTyped(old, schema, resourceRoot) : undefined;
    const activation: Record<string, unknown> = hasOld
      ? { self, oldSelf }
      : { self };
    const invalidHere = (detail: string) =>
      this.causes.push(
        fieldError(path.toString(), undefined, detail, type, false),
      );
    for (const rule of rules) {
      let program;
      try {
        program = compileCel('crd', rule.rule);
      } catch (e) {
        if (!(e instanceof CelCompileError)) throw e;
        invalidHere(`rule compile error: ${e.message}`);
        continue;
      }
      if (program.usesOldSelf && !hasOld && !rule.optionalOldSelf) continue;
      const ruleActivation = rule.optionalOldSelf
        ? {
            self,
            oldSelf: hasOld ? Optional.of(oldSelf) : Optional.none(),
          }
        : activation;
      let result: unknown;
      try {
        result = program.evaluate(ruleActivation);
      } catch (e) {
        if (!(e instanceof CelEvalError)) throw e;
        invalidHere(
          e.message.startsWith('no such overload')
            ? `'${
                e.message
              }': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(
                rule,
              )}`
            : `${e.message} evaluating rule: ${ruleText(rule)}`,
        );
        continue;
      }
      if (result === true) continue;
      const suffix = rule.fieldPath
        ? normalizedFieldPath(rule.fieldPath, schema)
        : '';
      const field = suffix ? path.child(suffix).toString() : path.toString();
      const error = fieldError(
        field,
        rule.reason,
        messageOf(rule, activation),
        value,
        type === 'object' || type === 'array',
      );
      if (!program.usesOldSelf && ratchets(ratchet))
        this.warnings.push(`${error.field}: ${error.message}`);
      else this.causes.push(error);
    }
  }
}

const rulesCache = new WeakMap<JsonObject, boolean>();
function hasRulesCached(schema: JsonObject): boolean {
  let has = rulesCache.get(schema);
  if (has === undefined) {
    has = hasCelRules(schema);
    rulesCache.set(schema, has);
  }
  return has;
}

/**
 * The causes (and ratcheting warnings) of a custom resource's `x-kubernetes-validations`, as
 * kube-apiserver evaluates them after the OpenAPI validation: not at all when that found a
 * blocking error, transition rules (`oldSelf`) only on update, and on update the errors of other
 * rules on unchanged values turned into warnings.
 */
export function crdRuleCauses(
  schema: JsonObject | undefined,
  obj: JsonObject,
  old: JsonObject | undefined,
  found: FieldCause[],
  warnings: string[],
): FieldCause[] {
  if (!schema || !hasRulesCached(schema)) return [];
  if (found.some(c => BLOCKING.has(c.reason))) {
    return [
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        field: '<nil>',
      },
    ];
  }
  const run = new RuleRun();
  run.node(
    schema,
    obj,
    old,
    new Path(),
    old ? { current: { value: obj, old, schema } } : {},
    true,
  );
  warnings.push(...run.warnings);
  return run.causes;
}
