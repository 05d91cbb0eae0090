import { ApiError } from '../api/errors';
import { timestamp } from '../api/time';
import { JsonObject } from '../api/types';
import { FieldType, KINDS, Schema } from './kinds';
import { readFields, toSigned, WireField } from './wire';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const str = (f: WireField) => (f.value as Buffer).toString('utf8');

function decodeValue(f: WireField, type: FieldType): unknown {
  if (type === 'string') return str(f);
  if (type === 'bytes') return (f.value as Buffer).toString('base64');
  if (type === 'int') return toSigned(f.value as bigint);
  if (type === 'bool') return f.value !== 0n;
  if (type === 'time') {
    const t = decodeMessage(f.value as Buffer, {
      1: { name: 'seconds', type: 'int' },
      2: { name: 'nanos', type: 'int' },
    });
    return t.seconds ? timestamp(new Date(t.seconds * 1000)) : undefined;
  }
  if ('message' in type) return decodeMessage(f.value as Buffer, type.message);
  return undefined;
}

/** Decodes one message to JSON, leaving out what Go's omitempty would (empty strings, zeros). */
export function decodeMessage(buf: Buffer, schema: Schema): JsonObject {
  const out: JsonObject = {};
  for (const f of readFields(buf)) {
    const spec = schema[f.field];
    if (!spec) continue;
    if (typeof spec.type === 'object' && 'map' in spec.type) {
      const entry = decodeMessage(f.value as Buffer, {
        1: { name: 'k', type: 'string' },
        2: { name: 'v', type: spec.type.map },
      });
      out[spec.name] = { ...out[spec.name], [entry.k ?? '']: entry.v ?? '' };
      continue;
    }
    const value = decodeValue(f, spec.type);
    if (spec.repeated) out[spec.name] = [...(out[spec.name] ?? []), value];
    else if (value !== undefined && value !== '' && value !== 0)
      out[spec.name] = value;
  }
  return out;
}

/**
 * Decodes a Kubernetes protobuf body (the `k8s\0` envelope around runtime.Unknown) into a JSON
 * object, for the kinds kubectl's typed clients send. Other kinds get 415 Unsupported Media Type.
 */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject {
  if (!body.subarray(0, 4).equals(MAGIC)) {
    throw new ApiError(
      400,
      'BadRequest',
      'the protobuf body does not start with the k8s\\x00 prefix',
    );
  }
  const unknown = decodeMessage(body.subarray(4), {
    1: {
      name: 'typeMeta',
      type: {
        message: {
          1: { name: 'apiVersion', type: 'string' },
          2: { name: 'kind', type: 'string' },
        },
      },
    },
    2: { name: 'raw', type: 'bytes' },
  });
  const { apiVersion = '', kind = '' } = unknown.typeMeta ?? {};
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the kube-emulator decodes protobuf only for ${Object.keys(KINDS).join(
        ', ',
      )}; send ${apiVersion}/${kind} as JSON (kubectl apply/create -f do)`,
    );
  }
  const object = decodeMessage(
    Buffer.from(unknown.raw ?? '', 'base64'),
    schema,
  );
  return { apiVersion, kind, ...object };
}
