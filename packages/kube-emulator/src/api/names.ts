import { causes } from './errors';
import { FieldCause, JsonObject } from './types';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Error messages for a DNS-1123 subdomain (empty when valid). */
export function subdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!SUBDOMAIN.test(value)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

/** Error messages for a DNS-1123 label. */
export function labelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL.test(value)) errs.push(LABEL_MSG);
  return errs;
}

/** Error messages for a DNS-1035 label (Service names). */
export function label1035Errors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL1035.test(value)) errs.push(LABEL1035_MSG);
  return errs;
}

/** Error messages for a name used as a path segment (RBAC kinds). */
export function pathSegmentErrors(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const errs: string[] = [];
  if (value.includes('/')) errs.push("may not contain '/'");
  if (value.includes('%')) errs.push("may not contain '%'");
  return errs;
}

export function nameErrors(
  kind: 'subdomain' | 'label' | 'label1035' | 'path',
  value: string,
) {
  switch (kind) {
    case 'label':
      return labelErrors(value);
    case 'label1035':
      return label1035Errors(value);
    case 'path':
      return pathSegmentErrors(value);
    default:
      return subdomainErrors(value);
  }
}

/** Validates a label or annotation key (an optionally prefixed qualified name). */
export function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  let name = key;
  const errs: string[] = [];
  if (parts.length > 2) {
    return [
      `${QUALIFIED_MSG.replace(
        'name part',
        'a qualified name',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (!prefix) errs.push('prefix part must be non-empty');
    else errs.push(...subdomainErrors(prefix).map(e => `prefix part ${e}`));
  }
  if (!name) errs.push('name part must be non-empty');
  else {
    if (name.length > 63)
      errs.push('name part must be no more than 63 characters');
    if (!QUALIFIED_NAME.test(name)) errs.push(QUALIFIED_MSG);
  }
  return errs;
}

/** Validates metadata.labels and metadata.annotations keys and label values. */
export function validateObjectMetaMaps(metadata: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const labels = metadata.labels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    for (const e of qualifiedNameErrors(k))
      out.push(causes.invalid('metadata.labels', k, e));
    if (typeof v !== 'string') continue;
    if (v.length > 63)
      out.push(
        causes.invalid(
          'metadata.labels',
          v,
          'must be no more than 63 characters',
        ),
      );
    if (!LABEL_VALUE.test(v))
      out.push(causes.invalid('metadata.labels', v, LABEL_VALUE_MSG));
  }
  const annotations = metadata.annotations ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const e of qualifiedNameErrors(k.toLowerCase())) {
      out.push(causes.invalid('metadata.annotations', k, e));
    }
    size += k.length + String(v).length;
  }
  if (size > 256 * 1024)
    out.push(causes.tooLong('metadata.annotations', 262144));
  return out;
}
