import * as protobuf from 'protobufjs';
import { stringify } from 'yaml';
import { JsonObject } from '../api/types';
import { kubernetesProtos } from './descriptor';

/** The media type kubectl asks `/openapi/v2` in. */
export const OPENAPI_V2_PROTOBUF =
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The media type kube-apiserver answers it with. */
export const OPENAPI_V2_PROTOBUF_RESPONSE =
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Plain = Record<string, unknown>;

const type = (name: string) =>
  kubernetesProtos().openapiV2.lookupType(`openapi.v2.${name}`);

/** A JSON key as a gnostic field: `$ref` is `_ref`, camelCase is snake_case. */
const fieldName = (key: string) =>
  key === '$ref' ? '_ref' : key.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);

/** gnostic's Any: the value as YAML. */
const any = (value: unknown): Plain => ({ yaml: stringify(value) });

const named = (
  entries: Array<[string, unknown]>,
  valueType: protobuf.Type | undefined,
): Plain[] =>
  entries.map(([name, value]) => {
    if (!valueType) return { name, value };
    if (valueType.name === 'Any') return { name, value: any(value) };
    return { name, value: convert(valueType, value) };
  });

const NON_BODY: Record<string, string> = {
  header: 'header_parameter_sub_schema',
  formData: 'form_data_parameter_sub_schema',
  query: 'query_parameter_sub_schema',
  path: 'path_parameter_sub_schema',
};

function securityScheme(json: JsonObject): string {
  if (json.type === 'basic') return 'basic_authentication_security';
  if (json.type === 'apiKey') return 'api_key_security';
  const flows: Record<string, string> = {
    implicit: 'oauth2_implicit_security',
    password: 'oauth2_password_security',
    application: 'oauth2_application_security',
    accessCode: 'oauth2_access_code_security',
  };
  return flows[json.flow];
}

/** One of the messages that hold one of several kinds of value (gnostic's `oneof`s). */
function oneOf(t: protobuf.Type, json: any): Plain | undefined {
  const as = (field: string, value: unknown = json) => ({
    [field]: convert(t.fields[field].resolvedType as protobuf.Type, value),
  });
  switch (t.name) {
    case 'AdditionalPropertiesItem':
      return typeof json === 'boolean' ? { boolean: json } : as('schema');
    case 'ParametersItem':
    case 'ResponseValue':
      return json.$ref
        ? as('json_reference')
        : as(t.name === 'ParametersItem' ? 'parameter' : 'response');
    case 'Parameter':
      return json.in === 'body'
        ? as('body_parameter')
        : as('non_body_parameter');
    case 'NonBodyParameter':
      return as(NON_BODY[json.in]);
    case 'SchemaItem':
      return json.type === 'file' ? as('file_schema') : as('schema');
    case 'SecurityDefinitionsItem':
      return as(securityScheme(json));
    case 'TypeItem':
      return { value: Array.isArray(json) ? json : [json] };
    case 'ItemsItem':
      return {
        schema: (Array.isArray(json) ? json : [json]).map(s =>
          convert(type('Schema'), s),
        ),
      };
    case 'StringArray':
      return { value: json };
    default:
      return undefined;
  }
}

/**
 * A JSON OpenAPI v2 value as gnostic's message of type `t` (what gnostic's compiler makes of the
 * same document): maps are lists of Named* entries, `x-` keys vendor extensions, values of any
 * type YAML in an Any.
 */
function convert(t: protobuf.Type, json: any): Plain {
  const special = oneOf(t, json);
  if (special) return special;
  const out: Plain = {};
  const vendor: Array<[string, unknown]> = [];
  const entries: Array<[string, unknown]> = [];
  const mapField = t.fieldsArray.find(
    f =>
      f.repeated &&
      f.name !== 'vendor_extension' &&
      (f.resolvedType as protobuf.Type | null)?.name.startsWith('Named'),
  );
  // Maps (Definitions, Properties, Paths, Responses…) hold nothing but their entries.
  const isMap =
    mapField !== undefined &&
    t.fieldsArray.every(f => f === mapField || f.name === 'vendor_extension');
  for (const [key, value] of Object.entries<unknown>(json ?? {})) {
    if (key.startsWith('x-') && t.fields.vendor_extension) {
      vendor.push([key, value]);
      continue;
    }
    const field = isMap ? undefined : t.fields[fieldName(key)];
    if (!field) {
      if (isMap) entries.push([key, value]);
      continue;
    }
    const resolved = field.resolvedType as protobuf.Type | null;
    if (!resolved) {
      // proto3: a zero scalar is not on the wire, as gnostic's Go encoder leaves it out
      if (value !== 0 && value !== false && value !== '')
        out[field.name] = value;
    } else if (resolved.name === 'Any')
      out[field.name] = field.repeated
        ? (value as unknown[]).map(any)
        : any(value);
    else if (field.repeated)
      out[field.name] = (value as unknown[]).map(v => convert(resolved, v));
    else out[field.name] = convert(resolved, value);
  }
  if (mapField && entries.length) {
    const valueType = (mapField.resolvedType as protobuf.Type).fields.value
      .resolvedType as protobuf.Type | undefined;
    out[mapField.name] = named(entries, valueType ?? undefined);
  }
  if (vendor.length) out.vendor_extension = named(vendor, type('Any'));
  return out;
}

/** `/openapi/v2` as kube-apiserver serves it to kubectl: gnostic's Document in protobuf. */
export function encodeOpenApiV2(doc: JsonObject): Buffer {
  const t = type('Document');
  return Buffer.from(t.encode(t.fromObject(convert(t, doc))).finish());
}
