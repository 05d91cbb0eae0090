import { FieldCause, JsonObject } from './types';

/** An error that the server renders as a Kubernetes `Status` body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: JsonObject,
  ) {
    super(message);
  }

  toStatus(): JsonObject {
    const status: JsonObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
    };
    // Some failures (an apply whose result does not convert) carry no reason.
    if (this.reason) status.reason = this.reason;
    if (this.details) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

/** The identity of the object an error is about, as in Status details. */
export interface Target {
  group: string;
  plural: string;
  name: string;
}

const qualified = (t: Target) =>
  t.group ? `${t.plural}.${t.group}` : t.plural;

const details = (t: Target): JsonObject => {
  const d: JsonObject = { name: t.name };
  if (t.group) d.group = t.group;
  d.kind = t.plural;
  return d;
};

export const notFound = (t: Target) =>
  new ApiError(
    404,
    'NotFound',
    `${qualified(t)} "${t.name}" not found`,
    details(t),
  );

export const alreadyExists = (t: Target) =>
  new ApiError(
    409,
    'AlreadyExists',
    `${qualified(t)} "${t.name}" already exists`,
    details(t),
  );

export const conflict = (t: Target, why: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(t)} "${t.name}": ${why}`,
    details(t),
  );

export const staleConflict = (t: Target) =>
  conflict(
    t,
    'the object has been modified; please apply your changes to the latest version and try again',
  );

export const forbidden = (t: Target, why: string, causes?: FieldCause[]) =>
  new ApiError(
    403,
    'Forbidden',
    `${qualified(t)} "${t.name}" is forbidden: ${why}`,
    causes ? { ...details(t), causes } : details(t),
  );

export const badRequest = (message: string) =>
  new ApiError(400, 'BadRequest', message);

export const methodNotSupported = (
  t: { group: string; plural: string },
  verb: string,
) =>
  new ApiError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualified({
      ...t,
      name: '',
    })}"`,
    { ...(t.group ? { group: t.group } : {}), kind: t.plural },
  );

export const unsupportedMediaType = (type: string) =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json; got ${type}`,
  );

export const pathNotFound = () =>
  new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );

export const expired = (message: string) =>
  new ApiError(410, 'Expired', message);

export const internal = (message: string) =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });

/** 422 Invalid, the message listing every cause like the real server does. */
export const invalid = (
  t: { group: string; kind: string; name: string },
  causes: FieldCause[],
) => {
  const parts = causes.map(c =>
    c.field ? `${c.field}: ${c.message}` : c.message,
  );
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const d: JsonObject = { name: t.name };
  if (t.group) d.group = t.group;
  d.kind = t.kind;
  d.causes = causes;
  return new ApiError(
    422,
    'Invalid',
    `${t.kind}${t.group ? `.${t.group}` : ''} "${t.name}" is invalid: ${list}`,
    d,
  );
};

/** Helpers building the causes of an Invalid error. */
export const causes = {
  invalid: (field: string, value: unknown, detail: string): FieldCause => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
    field,
  }),
  required: (field: string, detail = ''): FieldCause => ({
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  }),
  unsupported: (
    field: string,
    value: unknown,
    allowed: unknown[],
  ): FieldCause => ({
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${formatValue(
      value,
    )}: supported values: ${allowed.map(a => formatValue(a)).join(', ')}`,
    field,
  }),
  duplicate: (field: string, value: unknown): FieldCause => ({
    reason: 'FieldValueDuplicate',
    message: `Duplicate value: ${formatValue(value)}`,
    field,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldCause => ({
    reason: 'FieldValueTypeInvalid',
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
    field,
  }),
  tooMany: (field: string, count: number, max: number): FieldCause => ({
    reason: 'FieldValueTooMany',
    message: `Too many: ${count}: must have at most ${max} items`,
    field,
  }),
  tooLong: (field: string, max: number): FieldCause => ({
    reason: 'FieldValueTooLong',
    message: `Too long: may not be more than ${max} bytes`,
    field,
  }),
  forbidden: (field: string, detail: string): FieldCause => ({
    reason: 'FieldValueForbidden',
    message: `Forbidden: ${detail}`,
    field,
  }),
  unknown: (field: string): FieldCause => ({
    reason: 'FieldValueInvalid',
    message: `unknown field "${field}"`,
    field,
  }),
};

/** Formats a value the way Go's %#v/%q does in validation messages. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (value === null || value === undefined) return 'null';
  return `"${
    typeof value === 'object' && Array.isArray(value) ? 'array' : 'object'
  }"`;
}
