import * as protobuf from 'protobufjs';
import { ApiError } from '../api/errors';
import { JsonObject } from '../api/types';
import { kubernetesProtos } from './descriptor';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const APIEXT = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';
const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/** A decoded message: protobufjs sets the fields present on the wire as own properties. */
type Message = Record<string, any>;

const present = (m: Message, name: string) =>
  Object.prototype.hasOwnProperty.call(m, name);

/** An integer as decoded: int64 fields are Long objects. */
const toNumber = (v: unknown): number =>
  typeof v === 'object' && v !== null
    ? protobuf.util.LongBits.from(v as protobuf.Long).toNumber()
    : Number(v);

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Go's JSON of a timestamp: RFC 3339 in UTC, with `digits` fractional digits (none: seconds). */
function formatTime(m: Message, digits: number): string | undefined {
  if (!present(m, 'seconds') && !present(m, 'nanos')) return undefined;
  const ms = toNumber(m.seconds ?? 0) * 1000;
  const base = new Date(ms).toISOString().slice(0, 19);
  if (!digits) return `${base}Z`;
  const nanos = String(m.nanos ?? 0).padStart(9, '0');
  return `${base}.${nanos.slice(0, digits)}Z`;
}

function parseTime(s: string): Message {
  const frac = /\.(\d+)Z$/.exec(s)?.[1] ?? '';
  return {
    seconds: seconds(s),
    nanos: Number(frac.padEnd(9, '0').slice(0, 9)),
  };
}

const rawJson = (bytes: Uint8Array | undefined) =>
  bytes && bytes.length ? JSON.parse(Buffer.from(bytes).toString()) : undefined;
const jsonBytes = (v: unknown) => Buffer.from(JSON.stringify(v));

const schemaType = () =>
  kubernetesProtos().root.lookupType(`${APIEXT}.JSONSchemaProps`);

/** Types whose Go JSON is not their protobuf structure (custom MarshalJSON). */
const SPECIAL: Record<
  string,
  { toJson(m: Message): unknown; fromJson(v: any): Message }
> = {
  [`${META}.Time`]: {
    toJson: m => formatTime(m, 0),
    fromJson: v => parseTime(v),
  },
  [`${META}.MicroTime`]: {
    toJson: m => formatTime(m, 6),
    fromJson: v => parseTime(v),
  },
  [`${META}.Duration`]: {
    toJson: m => m.duration,
    fromJson: v => ({ duration: v }),
  },
  [`${META}.FieldsV1`]: {
    toJson: m => rawJson(m.Raw),
    fromJson: v => ({ Raw: jsonBytes(v) }),
  },
  'k8s.io.apimachinery.pkg.api.resource.Quantity': {
    toJson: m => m.string,
    fromJson: v => ({ string: String(v) }),
  },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': {
    toJson: m => (toNumber(m.type ?? 0) === 1 ? m.strVal ?? '' : m.intVal ?? 0),
    fromJson: v =>
      typeof v === 'string'
        ? { type: 1, strVal: v }
        : { type: 0, intVal: Number(v) },
  },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': {
    toJson: m => rawJson(m.raw),
    fromJson: v => ({ raw: jsonBytes(v) }),
  },
  [`${APIEXT}.JSON`]: {
    toJson: m => rawJson(m.raw),
    fromJson: v => ({ raw: jsonBytes(v) }),
  },
  [`${APIEXT}.JSONSchemaPropsOrArray`]: {
    toJson: m =>
      m.jSONSchemas?.length
        ? m.jSONSchemas.map((s: Message) => toJson(schemaType(), s))
        : toJson(schemaType(), m.schema ?? {}),
    fromJson: v =>
      Array.isArray(v)
        ? { jSONSchemas: v.map(s => fromJson(schemaType(), s)) }
        : { schema: fromJson(schemaType(), v) },
  },
  [`${APIEXT}.JSONSchemaPropsOrBool`]: {
    toJson: m =>
      present(m, 'schema') ? toJson(schemaType(), m.schema) : Boolean(m.allows),
    fromJson: v =>
      typeof v === 'boolean'
        ? { allows: v }
        : { allows: true, schema: fromJson(schemaType(), v) },
  },
  [`${APIEXT}.JSONSchemaPropsOrStringArray`]: {
    toJson: m =>
      m.property?.length ? m.property : toJson(schemaType(), m.schema ?? {}),
    fromJson: v =>
      Array.isArray(v)
        ? { property: v }
        : { schema: fromJson(schemaType(), v) },
  },
};

const fullName = (t: protobuf.Type) => t.fullName.replace(/^\./, '');

interface FieldOptions {
  json_name?: string;
  k8s_omitempty?: boolean;
  k8s_pointer?: boolean;
  k8s_inline?: boolean;
}
const optionsOf = (f: protobuf.Field): FieldOptions => f.options ?? {};

const isZero = (v: unknown) =>
  v === '' || v === 0 || v === false || v === undefined;

function scalarToJson(type: string, v: unknown): unknown {
  if (type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (/int64|fixed64/.test(type)) return toNumber(v);
  return v;
}

function valueToJson(f: protobuf.Field, v: unknown): unknown {
  const t = f.resolvedType;
  if (t instanceof protobuf.Type) return toJson(t, v as Message);
  return scalarToJson(f.type, v);
}

/** A decoded message as the JSON Go's encoding/json makes of the same Go value. */
function toJson(type: protobuf.Type, m: Message): unknown {
  const special = SPECIAL[fullName(type)];
  if (special) return special.toJson(m);
  if (type.options?.k8s_slice) return m.items ?? [];
  const out: JsonObject = {};
  for (const f of type.fieldsArray) {
    const o = optionsOf(f);
    const name = o.json_name ?? f.name;
    const v = m[f.name];
    if (f.map) {
      const entries = Object.entries(v ?? {});
      if (!entries.length) continue;
      out[name] = Object.fromEntries(
        entries.map(([k, x]) => [k, valueToJson(f, x)]),
      );
    } else if (f.repeated) {
      if (!v?.length) continue;
      out[name] = (v as unknown[]).map(x => valueToJson(f, x));
    } else {
      if (!present(m, f.name)) continue;
      const json = valueToJson(f, v);
      if (json === undefined) continue;
      if (o.k8s_inline) {
        Object.assign(out, json);
        continue;
      }
      if (
        !(f.resolvedType instanceof protobuf.Type) &&
        isZero(json) &&
        o.k8s_omitempty &&
        !o.k8s_pointer
      )
        continue;
      out[name] = json;
    }
  }
  return out;
}

function valueFromJson(f: protobuf.Field, v: unknown): unknown {
  const t = f.resolvedType;
  if (t instanceof protobuf.Type) return fromJson(t, v);
  if (f.type === 'bytes' && typeof v === 'string')
    return Buffer.from(v, 'base64');
  return v;
}

/** The plain object protobufjs' fromObject takes for a JSON value of `type`. */
function fromJson(type: protobuf.Type, json: any): Message {
  const special = SPECIAL[fullName(type)];
  if (special) return special.fromJson(json);
  if (type.options?.k8s_slice) return { items: json ?? [] };
  const out: Message = {};
  if (typeof json !== 'object' || json === null) return out;
  for (const f of type.fieldsArray) {
    const o = optionsOf(f);
    if (o.k8s_inline && f.resolvedType instanceof protobuf.Type) {
      out[f.name] = fromJson(f.resolvedType, json);
      continue;
    }
    const v = json[o.json_name ?? f.name];
    if (v === undefined || v === null) continue;
    if (f.map)
      out[f.name] = Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, valueFromJson(f, x)]),
      );
    else if (f.repeated)
      out[f.name] = (v as unknown[]).map(x => valueFromJson(f, x));
    else out[f.name] = valueFromJson(f, v);
  }
  return out;
}

/** The message type of a kind: its group version's package, else meta/v1 (Status, DeleteOptions…). */
function kindType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const { root, packages } = kubernetesProtos();
  for (const pkg of [packages[apiVersion], META]) {
    if (!pkg) continue;
    const t = root.lookup(`${pkg}.${kind}`);
    if (t instanceof protobuf.Type) return t;
  }
  return undefined;
}

/** Whether objects of this kind have a protobuf encoding (built-in kinds do, custom ones do not). */
export const hasProtobuf = (apiVersion: string, kind: string) =>
  kindType(apiVersion, kind) !== undefined;

const unknownType = () => kubernetesProtos().root.lookupType(UNKNOWN);

/**
 * Decodes a Kubernetes protobuf body (the `k8s\0` envelope around runtime.Unknown) into the JSON
 * object the same request would have sent as JSON. Kinds without a protobuf encoding are 415.
 */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject {
  if (!body.subarray(0, 4).equals(MAGIC)) {
    throw new ApiError(
      400,
      'BadRequest',
      'the protobuf body does not start with the k8s\\x00 prefix',
    );
  }
  const unknown = unknownType().decode(body.subarray(4)) as Message;
  const apiVersion: string = unknown.typeMeta?.apiVersion ?? '';
  const kind: string = unknown.typeMeta?.kind ?? '';
  const type = kindType(apiVersion, kind);
  if (!type) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF}`,
    );
  }
  const object = toJson(type, type.decode(unknown.raw ?? new Uint8Array()));
  return { apiVersion, kind, ...(object as JsonObject) };
}

/**
 * Encodes a JSON object of a built-in kind (its apiVersion and kind say which) in the Kubernetes
 * protobuf envelope; undefined when the kind has no protobuf encoding.
 */
export function encodeKubernetesProtobuf(obj: JsonObject): Buffer | undefined {
  const type = kindType(obj.apiVersion ?? '', obj.kind ?? '');
  if (!type) return undefined;
  const raw = type.encode(type.fromObject(fromJson(type, obj))).finish();
  const u = unknownType();
  const envelope = u
    .encode(
      u.fromObject({
        typeMeta: { apiVersion: obj.apiVersion, kind: obj.kind },
        raw,
        contentEncoding: '',
        contentType: '',
      }),
    )
    .finish();
  return Buffer.concat([MAGIC, envelope]);
}
