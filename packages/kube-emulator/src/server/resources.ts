import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import {
  alreadyExists,
  ApiError,
  badRequest,
  causes,
  conflict,
  forbidden,
  formatValue,
  internal,
  invalid,
  notFound,
  staleConflict,
  unsupportedMediaType,
} from '../api/errors';
import { checkMicroTimes, goFormat } from '../api/microTime';
import { nameErrors, validateObjectMetaMaps } from '../api/names';
import { timestamp } from '../api/time';
import {
  apiVersionOf,
  DefaultingContext,
  FieldCause,
  JsonObject,
  KubeObject,
  resourceKey,
  ResourceType,
} from '../api/types';
import { applyJsonPatch } from '../patch/jsonPatch';
import { applyMergePatch } from '../patch/mergePatch';
import { applyStrategicMergePatch } from '../patch/strategicMerge';
import { crdSchemaOps } from '../registry/crd';
import { omitEmpty } from '../registry/kinds/omitEmpty';
import {
  admissionRequest,
  AdmissionRequest,
  AdmissionUser,
} from '../admission/policies';
import { crdRuleCauses } from '../cel/crdRules';
import {
  applyDefaults,
  belowOpenNode,
  prune,
  validateSchema,
} from '../schema/structural';
import { Schema } from '../ssa/fieldSet';
import {
  applyConfig,
  decodeManagers,
  encodeManagers,
  Manager,
  recordUpdate,
  WriteContext,
} from '../ssa/managedFields';
import { syncLastApplied } from '../ssa/lastApplied';
import { ObjectStore } from '../storage/store';
import {
  clone,
  comparable,
  deepEqual,
  generationChanged,
  keepServerMeta,
  randomSuffix,
} from './objects';

const isJsonObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** 422 for a patch whose result does not decode: the field is `patch`, the value the patch (or its result). */
function patchInvalid(value: string, error: string) {
  const message = `Invalid value: ${formatValue(value)}: ${error}`;
  return new ApiError(422, 'Invalid', ` "" is invalid: patch: ${message}`, {
    causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }],
  });
}

/** Options of one write request. */
export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  userAgent?: string;
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  force?: boolean;
  /** Warnings to return in `Warning` headers. */
  warnings: string[];
  /** Who sent the request, as admission policies see it. */
  user?: AdmissionUser;
}

/** Validating admission: throws to refuse a request, may add warnings. */
export interface AdmissionHook {
  admit(request: AdmissionRequest, warnings: string[]): void;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
}

/** Reacts to writes: CRD registration, namespace finalization, garbage collection. */
export interface WriteHooks {
  afterWrite(
    t: ResourceType,
    obj: KubeObject,
    old: KubeObject | undefined,
  ): void;
  afterDelete(t: ResourceType, obj: KubeObject): void;
}

/** Built-in structs marked `+structType=atomic` (selectors, key references, roleRef): owned whole. */
const ATOMIC_STRUCTS = new Set([
  'fieldRef',
  'resourceFieldRef',
  'configMapKeyRef',
  'secretKeyRef',
  'selector',
  'podSelector',
  'namespaceSelector',
  'objectSelector',
  'labelSelector',
  'roleRef',
]);

/** The merge semantics server-side apply and managedFields use for a type. */
export function ssaSchema(t: ResourceType): Schema {
  if (t.custom) return { listTypeAt: t.listTypeAt, ...crdSchemaOps(t.schema) };
  return {
    listTypeAt: t.listTypeAt,
    isAtomicMap: path => ATOMIC_STRUCTS.has(path[path.length - 1]),
    keyDefault: (_path, key) => (key === 'protocol' ? 'TCP' : undefined),
  };
}

const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Drops the fields a type does not declare from a body, returning their paths. */
function unknownFields(t: ResourceType, obj: KubeObject): string[] {
  const dropped: string[] = [];
  for (const key of Object.keys(obj.metadata ?? {})) {
    if (!OBJECT_META_FIELDS.has(key)) {
      delete obj.metadata[key];
      dropped.push(`metadata.${key}`);
    }
  }
  if (t.schema) return [...dropped, ...prune(obj, t.schema)];
  if (!t.topLevelFields) return dropped;
  const known = new Set([
    'apiVersion',
    'kind',
    'metadata',
    ...t.topLevelFields,
  ]);
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) {
      delete obj[key];
      dropped.push(key);
    }
  }
  return dropped;
}

const STANDARD_FINALIZERS = new Set([
  'kubernetes',
  'orphan',
  'foregroundDeletion',
  'customresourcecleanup.apiextensions.k8s.io',
]);

const RETURNS_DELETED_OBJECT = new Set([
  'pods',
  'serviceaccounts',
  'services',
  'namespaces',
]);

const target = (t: ResourceType, name: string) => ({
  group: t.group,
  plural: t.plural,
  name,
});

/** The Kubernetes semantics of every verb on top of the object store. */
export class ResourceService {
  constructor(
    private readonly store: ObjectStore,
    private readonly hooks: WriteHooks,
    private readonly defaulting: DefaultingContext,
    private readonly admission?: AdmissionHook,
  ) {}

  get(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const obj = this.store.get(
      resourceKey(t),
      t.namespaced ? namespace : undefined,
      name,
    );
    if (!obj) throw notFound(target(t, name));
    return this.present(t, obj);
  }

  /** An object as served at this type's version, its fields in the server's order. */
  present(t: ResourceType, obj: KubeObject): KubeObject {
    const served = t.storage ? t.storage.fromStored(obj) : obj;
    const { kind: _k, apiVersion: _v, metadata, ...rest } = served;
    return { kind: t.kind, apiVersion: apiVersionOf(t), metadata, ...rest };
  }

  private managerName(opts: WriteOptions): string {
    const name =
      opts.fieldManager ?? ((opts.userAgent ?? '').split('/')[0] || 'unknown');
    if (name.length > 128) {
      throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions', name: '' }, [
        causes.invalid(
          'fieldManager',
          name,
          'must be no more than 128 characters',
        ),
      ]);
    }
    return name;
  }

  private writeContext(
    t: ResourceType,
    opts: WriteOptions,
    subresource?: string,
  ): WriteContext {
    return {
      manager: this.managerName(opts),
      apiVersion: apiVersionOf(t),
      subresource,
      schema: ssaSchema(t),
      implicitStructs: t.implicitStructs,
      statusSubresource: t.statusSubresource,
    };
  }

  /**
   * Decodes a request body: drops fields the type does not declare (an error under Strict, a
   * warning by default) and applies the schema defaults of custom resources.
   */
  private decode(t: ResourceType, obj: KubeObject, opts: WriteOptions) {
    if (t.microTimeFields) {
      const error = checkMicroTimes(obj, t.microTimeFields);
      if (error) {
        throw badRequest(
          `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: ${error}`,
        );
      }
    }
    t.decode?.(obj);
    const unknown = unknownFields(t, obj);
    if (unknown.length && opts.fieldValidation === 'Strict') {
      throw badRequest(
        `strict decoding error: ${unknown
          .map(f => `unknown field "${f}"`)
          .join(', ')}`,
      );
    }
    if (opts.fieldValidation !== 'Ignore')
      opts.warnings.push(...unknown.map(f => `unknown field "${f}"`));
    if (t.schema) applyDefaults(obj, t.schema);
  }

  private validate(
    t: ResourceType,
    obj: KubeObject,
    old: KubeObject | undefined,
    warnings: string[],
  ): void {
    const found: FieldCause[] = [];
    const name = obj.metadata.name ?? '';
    if (!name)
      found.push(
        causes.required('metadata.name', 'name or generateName is required'),
      );
    else
      for (const e of nameErrors(t.nameValidation, name))
        found.push(causes.invalid('metadata.name', name, e));
    if (t.namespaced && !obj.metadata.namespace)
      found.push(causes.required('metadata.namespace'));
    found.push(...validateObjectMetaMaps(obj.metadata));
    for (const f of obj.metadata.finalizers ?? []) {
      if (!String(f).includes('/') && !STANDARD_FINALIZERS.has(f)) {
        found.push(
          causes.invalid(
            'metadata.finalizers',
            f,
            'name is neither a standard finalizer name nor is it fully qualified',
          ),
        );
      }
    }
    if (t.validate) found.push(...t.validate(obj, old));
    if (t.schema) {
      found.push(...validateSchema(obj, t.schema));
      found.push(...crdRuleCauses(t.schema, obj, old, found, warnings));
    }
    if (found.length)
      throw invalid({ group: t.group, kind: t.kind, name }, found);
  }

  private checkNamespace(t: ResourceType, obj: KubeObject) {
    if (!t.namespaced) return;
    const ns = this.store.get('namespaces', undefined, obj.metadata.namespace);
    if (!ns)
      throw notFound({
        group: '',
        plural: 'namespaces',
        name: obj.metadata.namespace,
      });
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        target(t, obj.metadata.name),
        `unable to create new content in namespace ${ns.metadata.name} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${ns.metadata.name} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  private checkTypeMeta(t: ResourceType, obj: JsonObject) {
    if (obj.kind && obj.kind !== t.kind) {
      throw badRequest(
        `the API version in the data (${
          obj.apiVersion
        }) does not match the expected API version (${apiVersionOf(t)})`,
      );
    }
    if (obj.apiVersion && obj.apiVersion !== apiVersionOf(t)) {
      throw badRequest(
        `the API version in the data (${
          obj.apiVersion
        }) does not match the expected API version (${apiVersionOf(t)})`,
      );
    }
  }

  private normalizeBody(
    t: ResourceType,
    body: unknown,
    namespace: string | undefined,
  ): KubeObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest("Object 'Kind' is missing in 'null'");
    }
    const obj = clone(body) as KubeObject;
    this.checkTypeMeta(t, obj);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata =
      typeof obj.metadata === 'object' && obj.metadata ? obj.metadata : {};
    if (t.namespaced) {
      if (
        obj.metadata.namespace &&
        namespace &&
        obj.metadata.namespace !== namespace
      ) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  create(
    t: ResourceType,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions,
  ): KubeObject {
    const obj = this.normalizeBody(t, body, namespace);
    if (obj.metadata.resourceVersion) {
      throw internal(
        'resourceVersion should not be set on objects to be created',
      );
    }
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    }
    this.decode(t, obj, opts);
    return this.createPrepared(
      t,
      obj,
      opts,
      this.writeContext(t, opts),
      undefined,
    );
  }

  /** Creation once the body is decoded; `managers` is set when the create is an apply. */
  private createPrepared(
    t: ResourceType,
    obj: KubeObject,
    opts: WriteOptions,
    ctx: WriteContext,
    managers: Manager[] | undefined,
  ): KubeObject {
    if (t.statusSubresource && t.custom) delete obj.status;
    for (const k of [
      'uid',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'managedFields',
      'resourceVersion',
    ]) {
      delete obj.metadata[k];
    }
    if (t.hasGeneration) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = timestamp();
    t.defaults?.(obj, this.defaulting);
    omitEmpty(t.custom ? obj.metadata : obj);
    this.validate(t, obj, undefined, opts.warnings);
    this.checkNamespace(t, obj);
    this.admission?.admit(
      admissionRequest(t, 'CREATE', obj, undefined, opts),
      opts.warnings,
    );
    const key = resourceKey(t);
    if (this.store.get(key, obj.metadata.namespace, obj.metadata.name)) {
      throw alreadyExists(target(t, obj.metadata.name));
    }
    const recorded = managers ?? recordUpdate(undefined, obj, ctx, []) ?? [];
    obj.metadata.managedFields = encodeManagers(recorded);
    if (!obj.metadata.managedFields.length) delete obj.metadata.managedFields;
    t.allocate?.(obj, this.defaulting);
    if (opts.dryRun) return this.present(t, obj);
    const stored = this.store.put(key, t.storage?.toStored(obj) ?? obj);
    this.hooks.afterWrite(t, stored, undefined);
    return this.present(
      t,
      this.store.get(key, stored.metadata.namespace, stored.metadata.name) ??
        stored,
    );
  }

  update(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    subresource?: string,
  ): KubeObject {
    const obj = this.normalizeBody(t, body, namespace);
    if (obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${
          obj.metadata.name ?? ''
        }) does not match the name on the URL (${name})`,
      );
    }
    const old = this.store.get(
      resourceKey(t),
      t.namespaced ? namespace : undefined,
      name,
    );
    if (!old) throw notFound(target(t, name));
    if (!obj.metadata.resourceVersion && !t.allowUnconditionalUpdate) {
      throw invalid({ group: t.group, kind: t.kind, name }, [
        causes.invalid(
          'metadata.resourceVersion',
          '0x0',
          'must be specified for an update',
        ),
      ]);
    }
    this.decode(t, obj, opts);
    return this.commitUpdate(t, old, obj, opts, subresource, undefined);
  }

  patch(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    rawBody: string,
    opts: WriteOptions,
    subresource?: string,
  ): { object: KubeObject; created: boolean } {
    const key = resourceKey(t);
    const old = this.store.get(key, t.namespaced ? namespace : undefined, name);
    if (
      contentType === 'application/apply-patch+yaml' ||
      contentType === 'application/apply-patch+cbor'
    ) {
      return this.apply(t, namespace, name, old, rawBody, opts, subresource);
    }
    if (!old) throw notFound(target(t, name));
    let patch: unknown;
    try {
      patch = JSON.parse(rawBody);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    // A merge patch and a JSON patch leave their target as it was (the JSON patch works on a
    // copy), and the patched object is copied again as a body: only a strategic merge patch needs
    // its own copy of the stored object.
    const current = this.present(
      t,
      contentType === 'application/strategic-merge-patch+json'
        ? clone(old)
        : old,
    );
    let patched: unknown;
    switch (contentType) {
      case 'application/merge-patch+json':
        patched = applyMergePatch(current, patch);
        break;
      case 'application/json-patch+json':
        patched = applyJsonPatch(current, patch);
        break;
      case 'application/strategic-merge-patch+json':
        if (t.custom) throw unsupportedMediaType(contentType);
        patched = applyStrategicMergePatch(current, patch, t.listTypeAt);
        break;
      default:
        throw unsupportedMediaType(contentType);
    }
    if (t.microTimeFields && isJsonObject(patched)) {
      // A strategic merge patch is converted from unstructured (its error shows the patch as
      // Go's %v); the other patches are decoded from JSON (their error shows the patched JSON).
      const strategic =
        contentType === 'application/strategic-merge-patch+json';
      const error = checkMicroTimes(
        patched,
        t.microTimeFields,
        strategic ? 'unstructured' : 'json',
      );
      if (error) {
        throw patchInvalid(
          strategic ? goFormat(patch) : JSON.stringify(patched),
          error,
        );
      }
    }
    const obj = this.normalizeBody(t, patched, namespace);
    if (obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${
          obj.metadata.name ?? ''
        }) does not match the name on the URL (${name})`,
      );
    }
    this.decode(t, obj, opts);
    return {
      object: this.commitUpdate(t, old, obj, opts, subresource, undefined),
      created: false,
    };
  }

  private apply(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    old: KubeObject | undefined,
    rawBody: string,
    opts: WriteOptions,
    subresource?: string,
  ): { object: KubeObject; created: boolean } {
    if (!opts.fieldManager) {
      throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions', name: '' }, [
        causes.required('fieldManager', 'is required for apply patch'),
      ]);
    }
    let config: unknown;
    try {
      config = parseYaml(rawBody);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
    if (
      typeof config !== 'object' ||
      config === null ||
      Array.isArray(config)
    ) {
      throw badRequest('invalid object: apply patch must be an object');
    }
    const cfg = config as JsonObject;
    if (!cfg.apiVersion || !cfg.kind) {
      throw badRequest(
        `invalid object type: ${cfg.apiVersion ?? ''}, Kind=${cfg.kind ?? ''}`,
      );
    }
    this.checkTypeMeta(t, cfg);
    if (cfg.metadata?.name !== undefined && cfg.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${cfg.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const configObj = this.normalizeBody(t, cfg, namespace);
    configObj.metadata.name = name;
    const undeclared = unknownFields(t, configObj).filter(
      path => !t.schema || !belowOpenNode(t.schema, path),
    );
    if (undeclared.length) {
      const gvk = `${t.group}/${t.version}, Kind=${t.kind}`;
      throw internal(
        `failed to create typed patch object (${gvk}): .${undeclared[0]}: field not declared in schema`,
      );
    }
    if (t.microTimeFields) {
      const error = checkMicroTimes(
        configObj,
        t.microTimeFields,
        'unstructured',
      );
      if (error) {
        const gvk = `${t.group}/${t.version}, Kind=${t.kind}`;
        const meta: JsonObject = isJsonObject(cfg.metadata) ? cfg.metadata : {};
        const str = (v: unknown) => (typeof v === 'string' ? v : '');
        throw new ApiError(
          500,
          '',
          `failed to convert new object (${str(meta.namespace)}/${str(
            meta.name,
          )}; ${gvk}) to proper version: unable to convert unstructured object to ${gvk}: ${error}`,
        );
      }
    }
    const ctx = this.writeContext(t, opts, subresource);
    if (!old) {
      if (subresource) throw notFound(target(t, name));
      const { object, managers } = applyConfig(undefined, configObj, ctx, true);
      const obj = object as KubeObject;
      syncLastApplied(obj, cfg, ctx.manager);
      if (t.schema) applyDefaults(obj, t.schema);
      return {
        object: this.createPrepared(t, obj, opts, ctx, managers),
        created: true,
      };
    }
    const current = this.present(t, clone(old));
    const { object, managers } = applyConfig(
      current,
      configObj,
      ctx,
      Boolean(opts.force),
    );
    const obj = object as KubeObject;
    syncLastApplied(obj, cfg, ctx.manager);
    obj.metadata.resourceVersion =
      configObj.metadata.resourceVersion ?? old.metadata.resourceVersion;
    if (t.schema) applyDefaults(obj, t.schema);
    return {
      object: this.commitUpdate(t, old, obj, opts, subresource, managers),
      created: false,
    };
  }

  /** The shared tail of update, patch and apply. */
  private commitUpdate(
    t: ResourceType,
    old: KubeObject,
    candidate: KubeObject,
    opts: WriteOptions,
    subresource: string | undefined,
    appliedManagers: Manager[] | undefined,
  ): KubeObject {
    const key = resourceKey(t);
    const rv = candidate.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion)
      throw staleConflict(target(t, old.metadata.name));
    const current = this.present(t, old);
    let next: KubeObject;
    if (subresource === 'status') {
      next = clone(current);
      if (candidate.status === undefined) delete next.status;
      else next.status = candidate.status;
      // A built-in kind's status strategy resets the spec, not the metadata: annotations sent
      // there are kept (the Deployment controller writes its revision so), and labels too except
      // on a Deployment. A custom resource's /status takes nothing but status.
      if (!t.custom) {
        next.metadata.annotations = candidate.metadata.annotations;
        if (t.kind !== 'Deployment')
          next.metadata.labels = candidate.metadata.labels;
      }
      t.defaults?.(next, this.defaulting);
      omitEmpty(t.custom ? next.metadata : next);
    } else {
      next = candidate;
      keepServerMeta(next, current);
      if (t.statusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = clone(current.status);
      }
      this.keepAllocated(t, next, current);
      t.defaults?.(next, this.defaulting);
      omitEmpty(t.custom ? next.metadata : next);
    }
    const explicitManagers = candidate.metadata.managedFields;
    this.validateFinalizers(t, next, current);
    this.validate(t, next, current, opts.warnings);
    if (
      t.hasGeneration &&
      subresource !== 'status' &&
      generationChanged(t, current, next)
    ) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    if (
      t.kind === 'DaemonSet' &&
      !deepEqual(current.spec?.template, next.spec?.template)
    ) {
      const annotations = (next.metadata.annotations ??= {});
      const gen = Number(
        current.metadata.annotations?.[
          'deprecated.daemonset.template.generation'
        ] ?? 0,
      );
      annotations['deprecated.daemonset.template.generation'] = String(gen + 1);
    }
    this.admission?.admit(
      admissionRequest(t, 'UPDATE', next, current, opts, subresource),
      opts.warnings,
    );
    const ctx = this.writeContext(t, opts, subresource);
    let managers: Manager[] | undefined;
    if (appliedManagers) {
      managers = appliedManagers;
    } else {
      const base = this.explicitManagers(explicitManagers, current);
      managers = recordUpdate(current, next, ctx, base) ?? base;
    }
    next.metadata.managedFields = encodeManagers(managers);
    if (!next.metadata.managedFields.length) delete next.metadata.managedFields;
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (
      deepEqual(comparable(next), comparable(current)) &&
      deepEqual(
        decodeManagers(next).map(m => [m.manager, m.operation, [...m.fields]]),
        decodeManagers(current).map(m => [
          m.manager,
          m.operation,
          [...m.fields],
        ]),
      )
    ) {
      return current;
    }
    if (opts.dryRun) return next;
    const held =
      (next.metadata.finalizers ?? []).length > 0 ||
      (t.kind === 'Namespace' && (next.spec?.finalizers ?? []).length > 0);
    if (next.metadata.deletionTimestamp && !held) {
      const gone = this.store.remove(key, old);
      this.hooks.afterDelete(t, gone);
      return this.present(t, gone);
    }
    const stored = this.store.put(key, t.storage?.toStored(next) ?? next);
    this.hooks.afterWrite(t, stored, old);
    return this.present(
      t,
      this.store.get(key, stored.metadata.namespace, stored.metadata.name) ??
        stored,
    );
  }

  /** No finalizer may be added to an object that is being deleted. */
  private validateFinalizers(
    t: ResourceType,
    next: KubeObject,
    current: KubeObject,
  ) {
    if (!current.metadata.deletionTimestamp) return;
    const before = new Set<string>(current.metadata.finalizers ?? []);
    const added = (next.metadata.finalizers ?? []).filter(
      (f: string) => !before.has(f),
    );
    if (!added.length) return;
    throw invalid(
      { group: t.group, kind: t.kind, name: current.metadata.name },
      [
        causes.forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added
            .map((f: string) => JSON.stringify(f))
            .join(', ')}}`,
        ),
      ],
    );
  }

  /** managedFields a client sent explicitly: `[{}]` clears them, a changed list replaces them. */
  private explicitManagers(sent: unknown, current: KubeObject): Manager[] {
    if (
      !Array.isArray(sent) ||
      sent.length === 0 ||
      deepEqual(sent, current.metadata.managedFields)
    ) {
      return decodeManagers(current);
    }
    if (sent.length === 1 && Object.keys(sent[0] ?? {}).length === 0) return [];
    // Sent managedFields are encoded again (keys sorted), as kube-apiserver does: only what the
    // server stored itself is written back as it was read.
    return decodeManagers({ metadata: { managedFields: sent } }).map(
      ({ readFrom: _sent, ...manager }) => manager,
    );
  }

  /** Services keep their allocated cluster IPs and node ports when an update leaves them out. */
  private keepAllocated(t: ResourceType, next: KubeObject, old: KubeObject) {
    if (t.kind !== 'Service' || !next.spec) return;
    next.spec.clusterIP ||= old.spec?.clusterIP;
    next.spec.clusterIPs ??= old.spec?.clusterIPs;
    next.spec.ipFamilies ??= old.spec?.ipFamilies;
    next.spec.ipFamilyPolicy ??= old.spec?.ipFamilyPolicy;
    for (const port of next.spec.ports ?? []) {
      const before = (old.spec?.ports ?? []).find(
        (p: JsonObject) => p.port === port.port,
      );
      if (before?.nodePort) port.nodePort ??= before.nodePort;
    }
  }

  delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
    opts: WriteOptions,
  ): { body: JsonObject; code: number } {
    const key = resourceKey(t);
    const old = this.store.get(key, t.namespaced ? namespace : undefined, name);
    if (!old) throw notFound(target(t, name));
    const pre = options.preconditions ?? {};
    const byKind = { group: t.group, plural: t.kind, name };
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        byKind,
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`,
      );
    }
    if (
      pre.resourceVersion &&
      pre.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw conflict(
        byKind,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`,
      );
    }
    this.admission?.admit(
      admissionRequest(t, 'DELETE', undefined, this.present(t, old), opts),
      opts.warnings,
    );
    const finalizers: string[] = [...(old.metadata.finalizers ?? [])];
    if (
      options.propagationPolicy === 'Orphan' &&
      !finalizers.includes('orphan')
    )
      finalizers.push('orphan');
    if (
      options.propagationPolicy === 'Foreground' &&
      !finalizers.includes('foregroundDeletion')
    ) {
      finalizers.push('foregroundDeletion');
    }
    const graceful = finalizers.length > 0 || t.kind === 'Namespace';
    if (graceful) {
      if (
        old.metadata.deletionTimestamp &&
        deepEqual(finalizers, old.metadata.finalizers ?? [])
      ) {
        return { body: this.present(t, old), code: 200 };
      }
      const next = clone(old);
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = timestamp();
        if (t.kind !== 'Namespace')
          next.metadata.deletionGracePeriodSeconds = 0;
        if (next.metadata.generation > 0) next.metadata.generation += 1;
      }
      if (finalizers.length) next.metadata.finalizers = finalizers;
      if (t.kind === 'Namespace')
        next.status = { ...next.status, phase: 'Terminating' };
      if (opts.dryRun) return { body: this.present(t, next), code: 200 };
      const stored = this.store.put(key, next);
      this.hooks.afterWrite(t, stored, old);
      return { body: this.present(t, stored), code: 200 };
    }
    if (opts.dryRun) return { body: this.deletedBody(t, old), code: 200 };
    const gone = this.store.remove(key, old);
    this.hooks.afterDelete(t, gone);
    return { body: this.deletedBody(t, gone), code: 200 };
  }

  private deletedBody(t: ResourceType, obj: KubeObject): JsonObject {
    if (RETURNS_DELETED_OBJECT.has(t.plural) && !t.group)
      return this.present(t, obj);
    const details: JsonObject = { name: obj.metadata.name };
    if (t.group) details.group = t.group;
    details.kind = t.plural;
    details.uid = obj.metadata.uid;
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details,
    };
  }
}
