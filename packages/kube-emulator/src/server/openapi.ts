import { createHash } from 'node:crypto';
import { JsonObject, KubeObject } from '../api/types';
import { ResourceRegistry } from '../registry/registry';
import { ObjectStore } from '../storage/store';
import { encodeOpenApiV2 } from '../protobuf/openapiV2';
import { CrdTemplate, upstream } from '../upstream/upstream';

const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';

/** endpoints/openapi ToValidOperationID: letters, `_` and inner digits, each word capitalized. */
export function operationId(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  [...s].forEach((r, i) => {
    if (/\p{L}/u.test(r) || r === '_' || (i !== 0 && /\p{Nd}/u.test(r))) {
      out += capitalize ? r.toUpperCase() : r;
      capitalize = false;
    } else {
      capitalize = true;
    }
  });
  return out;
}

/** endpoints.GetArticleForNoun with one space of padding. */
const article = (noun: string) => {
  if (!noun.endsWith('ss') && noun.endsWith('s')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
};

const modelName = (group: string, version: string, kind: string) =>
  `${group.split('.').reverse().join('.')}.${version}.${kind}`;

/** The names a CRD version's OpenAPI is written in. */
interface Names {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
}

function namesOf(crd: KubeObject, version: string): Names {
  return {
    group: crd.spec.group,
    version,
    kind: crd.spec.names.kind,
    listKind: crd.spec.names.listKind ?? `${crd.spec.names.kind}List`,
    plural: crd.spec.names.plural,
  };
}

/**
 * Every spelling of a CRD's names in kube-apiserver's OpenAPI (paths, model names, operation ids,
 * tags, descriptions), in the order the template's placeholders are replaced: each placeholder
 * is a token no other text contains, so replacing them in turn is exact.
 */
function spellings(n: Names): string[] {
  const trimmed = n.group.replace(/\.k8s\.io$/, '');
  return [
    `${operationId(trimmed, false)}_${operationId(n.version, false)}`,
    operationId(trimmed, true),
    operationId(trimmed, false),
    n.group.split('.').reverse().join('.'),
    n.group,
    operationId(n.version, true),
    n.version,
    `${article(n.kind)}${n.kind}`,
    n.listKind,
    n.kind,
    n.plural,
  ];
}

/** The template's JSON with its placeholder names replaced by a CRD version's. */
function substitute(value: unknown, from: Names, to: Names): any {
  const targets = spellings(to);
  let text = JSON.stringify(value);
  spellings(from).forEach((placeholder, i) => {
    text = text.split(placeholder).join(targets[i]);
  });
  return JSON.parse(text);
}

const STRUCTURAL_KEYS = new Set([
  'type',
  'nullable',
  'description',
  'title',
  'default',
  'externalDocs',
  'example',
  'format',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === false ||
  v === '' ||
  (Array.isArray(v) && v.length === 0);

/** Structural.ToKubeOpenAPI after Unfold: what a CRD schema keeps in OpenAPI. */
function kubeOpenApi(s: JsonObject | undefined): JsonObject | undefined {
  if (!s || typeof s !== 'object') return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(s)) {
    // default and example are kept whatever they are; the other fields are Go omitempty ones
    const kept =
      k === 'default' || k === 'example' ? v !== undefined : !isEmpty(v);
    if (STRUCTURAL_KEYS.has(k) && kept) out[k] = v;
  }
  if (s.items && !Array.isArray(s.items)) out.items = kubeOpenApi(s.items);
  if (s.properties)
    out.properties = Object.fromEntries(
      Object.entries<JsonObject>(s.properties).map(([k, v]) => [
        k,
        kubeOpenApi(v) ?? {},
      ]),
    );
  if (typeof s.additionalProperties === 'boolean')
    out.additionalProperties = s.additionalProperties;
  else if (s.additionalProperties)
    out.additionalProperties = kubeOpenApi(s.additionalProperties);
  for (const k of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(s[k]) && s[k].length)
      out[k] = s[k].map((x: JsonObject) => kubeOpenApi(x) ?? {});
  if (s.not) out.not = kubeOpenApi(s.not);
  if (s['x-kubernetes-int-or-string']) {
    const intOrString = [{ type: 'integer' }, { type: 'string' }];
    const pattern = (l: JsonObject[] | undefined) =>
      l?.length === 2 &&
      l[0].type === 'integer' &&
      l[1].type === 'string' &&
      Object.keys(l[0]).length === 1 &&
      Object.keys(l[1]).length === 1;
    if (!pattern(out.anyOf) && !pattern(out.allOf?.[0]?.anyOf)) {
      if (!out.anyOf) out.anyOf = intOrString;
      else out.allOf = [{ anyOf: intOrString }, ...(out.allOf ?? [])];
    }
  }
  return out;
}

/** openapiv2.ToStructuralOpenAPIV2: what OpenAPI v2 cannot say is dropped. */
function toV2(s: JsonObject): JsonObject {
  const { default: _default, ...rest } = s;
  const out: JsonObject = { ...rest };
  for (const k of ['allOf', 'oneOf', 'anyOf', 'not']) delete out[k];
  if (out.nullable) {
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  if (out['x-kubernetes-preserve-unknown-fields']) {
    delete out.items;
    delete out.properties;
  }
  if (!out.items && out.type === 'array') delete out.type;
  if (out['x-kubernetes-preserve-unknown-fields'] && out.type === 'object')
    delete out.type;
  if (out.properties) {
    const nullable = Object.entries<JsonObject>(s.properties ?? {})
      .filter(([, p]) => p.nullable)
      .map(([k]) => k);
    if (out.required && nullable.length) {
      out.required = out.required.filter((r: string) => !nullable.includes(r));
      if (!out.required.length) delete out.required;
    }
    out.properties = Object.fromEntries(
      Object.entries<JsonObject>(out.properties).map(([k, v]) => [k, toV2(v)]),
    );
  }
  if (out.items) out.items = toV2(out.items);
  if (typeof out.additionalProperties === 'object') {
    if (out.additionalProperties.nullable) delete out.required;
    out.additionalProperties = toV2(out.additionalProperties);
  }
  return out;
}

const EMBEDDED_API_VERSION =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** builder.addEmbeddedProperties: embedded resources get apiVersion, kind and metadata. */
function addEmbedded(s: JsonObject, meta: JsonObject, v2: boolean): void {
  for (const p of Object.values<JsonObject>(s.properties ?? {}))
    addEmbedded(p, meta, v2);
  if (s.items && typeof s.items === 'object') addEmbedded(s.items, meta, v2);
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    addEmbedded(s.additionalProperties, meta, v2);
  if (v2 && s['x-kubernetes-preserve-unknown-fields']) return;
  if (!s['x-kubernetes-embedded-resource']) return;
  s.properties = {
    ...s.properties,
    apiVersion: { description: EMBEDDED_API_VERSION, type: 'string' },
    kind: { description: EMBEDDED_KIND, type: 'string' },
    metadata: meta,
  };
  const required: string[] = s.required ?? [];
  for (const k of ['kind', 'apiVersion'])
    if (!required.includes(k)) required.push(k);
  s.required = required;
}

/** builder.buildKubeNative: the schema of a custom resource kind in OpenAPI v3 or v2. */
function kindSchema(
  crd: KubeObject,
  version: JsonObject,
  template: JsonObject,
  v2: boolean,
): JsonObject {
  const root =
    version.schema?.openAPIV3Schema ?? crd.spec.validation?.openAPIV3Schema;
  let out: JsonObject;
  if (!root || (v2 && root['x-kubernetes-preserve-unknown-fields'])) {
    out = { type: 'object' };
  } else {
    out = kubeOpenApi(root)!;
    if (v2) out = toV2(out);
    const { apiVersion, kind, metadata } = template.properties;
    out.properties = { ...out.properties, metadata, apiVersion, kind };
    addEmbedded(out, metadata, v2);
  }
  out['x-kubernetes-group-version-kind'] =
    template['x-kubernetes-group-version-kind'];
  return withSelectableFields(out, version);
}

/** The kind's and its list's `x-kubernetes-selectable-fields`, when the version declares some. */
function withSelectableFields(schema: JsonObject, version: JsonObject) {
  const selectable: JsonObject[] = version.selectableFields ?? [];
  if (!selectable.length) return schema;
  return {
    ...schema,
    'x-kubernetes-selectable-fields': selectable.map(f => ({
      fieldPath: String(f.jsonPath).replace(/^\./, ''),
    })),
  };
}

/** The paths of a CRD version: the template's, without the subresources it lacks. */
function crdPaths(paths: JsonObject, version: JsonObject): JsonObject {
  const sub = version.subresources ?? {};
  return Object.fromEntries(
    Object.entries(paths).filter(
      ([p]) =>
        (sub.status || !p.endsWith('/status')) &&
        (sub.scale || !p.endsWith('/scale')),
    ),
  );
}

interface CrdVersion {
  crd: KubeObject;
  version: JsonObject;
  template: CrdTemplate;
  from: Names;
  to: Names;
}

const hashOf = (bytes: Buffer) =>
  createHash('sha512').update(bytes).digest('hex').toUpperCase();

/** A served document: its bytes and their hash (the index's `?hash=` and the ETag). */
export interface OpenApiDocument {
  bytes: Buffer;
  hash: string;
}

const serialize = (doc: JsonObject): OpenApiDocument => {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, hash: hashOf(bytes) };
};

/**
 * kube-apiserver's OpenAPI: the upstream v3 documents of the built-in group versions the emulator
 * serves and its v2 document (captured from the real server, src/upstream/), and for each CRD the
 * documents the apiextensions OpenAPI builders make, from templates captured the same way.
 */
export class OpenApi {
  private readonly builtin = new Map<string, OpenApiDocument>();
  private cached = new Map<string, { key: string; doc: OpenApiDocument }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  /** The served CRD versions, by group version path (`apis/<group>/<version>`). */
  private crdVersions(): Map<string, CrdVersion[]> {
    const out = new Map<string, CrdVersion[]>();
    const templates = upstream().openapi.crdTemplates;
    for (const t of this.registry.all()) {
      if (!t.custom) continue;
      const crd = this.store.get(CRDS, undefined, `${t.plural}.${t.group}`);
      const version = crd?.spec.versions?.find(
        (v: JsonObject) => v.name === t.version,
      );
      if (!crd || !version) continue;
      const template = templates[crd.spec.scope];
      const path = `apis/${t.group}/${t.version}`;
      out.set(path, [
        ...(out.get(path) ?? []),
        {
          crd,
          version,
          template,
          from: namesOf(template.crd, template.crd.spec.versions[0].name),
          to: namesOf(crd, t.version),
        },
      ]);
    }
    return out;
  }

  private crdDocument(versions: CrdVersion[]): JsonObject {
    const paths: JsonObject = {};
    const schemas: JsonObject = {};
    for (const v of versions) {
      const tmpl = v.template.v3;
      const tmplModel = modelName(v.from.group, v.from.version, v.from.kind);
      Object.assign(
        paths,
        substitute(crdPaths(tmpl.paths, v.version), v.from, v.to),
      );
      for (const [name, schema] of Object.entries<JsonObject>(
        tmpl.components.schemas,
      )) {
        if (
          name.startsWith('io.k8s.api.autoscaling.') &&
          !v.version.subresources?.scale
        )
          continue;
        if (name === tmplModel) continue;
        schemas[substitute(name, v.from, v.to)] =
          name === `${tmplModel}List`
            ? withSelectableFields(substitute(schema, v.from, v.to), v.version)
            : substitute(schema, v.from, v.to);
      }
      schemas[modelName(v.to.group, v.to.version, v.to.kind)] = kindSchema(
        v.crd,
        v.version,
        substitute(tmpl.components.schemas[tmplModel], v.from, v.to),
        false,
      );
    }
    const { openapi, info } = versions[0].template.v3;
    return { openapi, info, paths, components: { schemas } };
  }

  /** Which captured documents the emulator serves: the group versions and groups it serves. */
  private builtinPaths(): string[] {
    const served = new Set<string>(['version', 'api', 'apis']);
    for (const t of this.registry.all()) {
      if (t.custom) continue;
      served.add(t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);
      if (t.group) served.add(`apis/${t.group}`);
    }
    return Object.keys(upstream().openapi.v3).filter(p => served.has(p));
  }

  private builtinDocument(path: string): OpenApiDocument {
    let doc = this.builtin.get(path);
    if (!doc) {
      doc = serialize(upstream().openapi.v3[path]);
      this.builtin.set(path, doc);
    }
    return doc;
  }

  /** A CRD group version's document, remade only when one of its CRDs changed. */
  private crdDocumentFor(
    path: string,
    versions: CrdVersion[],
  ): OpenApiDocument {
    const key = versions
      .map(v => `${v.crd.metadata.name}@${v.crd.metadata.resourceVersion}`)
      .join(',');
    const hit = this.cached.get(path);
    if (hit?.key === key) return hit.doc;
    const doc = serialize(this.crdDocument(versions));
    this.cached.set(path, { key, doc });
    return doc;
  }

  /** `/openapi/v3`: each document's path and the URL with its hash. */
  v3Index(): JsonObject {
    const paths: JsonObject = {};
    const entry = (p: string, doc: OpenApiDocument) => {
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${doc.hash}` };
    };
    for (const p of this.builtinPaths()) entry(p, this.builtinDocument(p));
    for (const [p, versions] of this.crdVersions())
      entry(p, this.crdDocumentFor(p, versions));
    return {
      paths: Object.fromEntries(
        Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
    };
  }

  /** `/openapi/v3/<path>`, or undefined when nothing is served there. */
  v3Document(path: string): OpenApiDocument | undefined {
    const versions = this.crdVersions().get(path);
    if (versions) return this.crdDocumentFor(path, versions);
    if (this.builtinPaths().includes(path)) return this.builtinDocument(path);
    return undefined;
  }

  /** `/openapi/v2` in gnostic's protobuf (what kubectl asks for), made when the JSON changes. */
  v2Protobuf(): OpenApiDocument {
    const json = this.v2Document();
    const hit = this.cached.get('v2.pb');
    if (hit?.key === json.hash) return hit.doc;
    const bytes = encodeOpenApiV2(JSON.parse(json.bytes.toString()));
    const doc = { bytes, hash: hashOf(bytes) };
    this.cached.set('v2.pb', { key: json.hash, doc });
    return doc;
  }

  /** `/openapi/v2` as JSON: the upstream document plus every served CRD version's paths and kinds. */
  v2Document(): OpenApiDocument {
    const all = [...this.crdVersions().values()].flat();
    const key = all
      .map(
        v =>
          `${v.crd.metadata.name}@${v.crd.metadata.resourceVersion}@${v.to.version}`,
      )
      .join(',');
    const hit = this.cached.get('v2');
    if (hit?.key === key) return hit.doc;
    const base = upstream().openapi.v2;
    const paths: JsonObject = { ...base.paths };
    const definitions: JsonObject = { ...base.definitions };
    for (const v of all) {
      const tmpl = v.template.v2;
      const tmplModel = modelName(v.from.group, v.from.version, v.from.kind);
      Object.assign(
        paths,
        substitute(crdPaths(tmpl.paths, v.version), v.from, v.to),
      );
      for (const [name, schema] of Object.entries<JsonObject>(
        tmpl.definitions,
      )) {
        const substituted = substitute(schema, v.from, v.to);
        let definition = substituted;
        if (name === tmplModel)
          definition = kindSchema(v.crd, v.version, substituted, true);
        else if (name === `${tmplModel}List`)
          definition = withSelectableFields(substituted, v.version);
        definitions[substitute(name, v.from, v.to)] = definition;
      }
    }
    const doc = serialize({ ...base, paths, definitions });
    this.cached.set('v2', { key, doc });
    return doc;
  }
}
