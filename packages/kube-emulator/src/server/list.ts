import { badRequest, expired } from '../api/errors';
import {
  FieldSelector,
  LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../api/selectors';
import {
  JsonObject,
  KubeObject,
  resourceKey,
  ResourceType,
} from '../api/types';
import { ObjectStore } from '../storage/store';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** Parsed label and field selectors of a list or watch, as one predicate. */
export interface Filter {
  labels: LabelSelector;
  fields: FieldSelector;
  matches: (obj: KubeObject) => boolean;
}

export function buildFilter(
  t: ResourceType,
  labelSelector?: string,
  fieldSelector?: string,
): Filter {
  const labels = parseLabelSelector(labelSelector);
  const supported = [
    'metadata.name',
    'metadata.namespace',
    ...Object.keys(t.selectableFields ?? {}),
  ];
  const fields = parseFieldSelector(fieldSelector, supported);
  const extract = (obj: KubeObject, field: string) => {
    if (field === 'metadata.name') return obj.metadata.name;
    if (field === 'metadata.namespace') return obj.metadata.namespace;
    return t.selectableFields?.[field]?.(obj);
  };
  return {
    labels,
    fields,
    matches: obj =>
      matchesLabels(labels, obj.metadata.labels) &&
      matchesFields(fields, obj, extract),
  };
}

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueToken {
  rv: number;
  start: string;
}

const encodeContinue = (rv: number, lastKey: string) =>
  Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` }),
  ).toString('base64');

function decodeContinue(token: string): ContinueToken {
  let parsed: JsonObject;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw badRequest(
      'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (
    parsed?.v !== 'meta.k8s.io/v1' ||
    typeof parsed.rv !== 'number' ||
    typeof parsed.start !== 'string'
  ) {
    throw badRequest(
      'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  return { rv: parsed.rv, start: parsed.start };
}

const keyOf = (o: KubeObject) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** A list with selectors and limit/continue paging, consistent at the first page's revision. */
export function listObjects(
  store: ObjectStore,
  t: ResourceType,
  namespace: string | undefined,
  q: ListQuery,
): { items: KubeObject[]; metadata: JsonObject } {
  const filter = buildFilter(t, q.labelSelector, q.fieldSelector);
  const ns = t.namespaced ? namespace : undefined;
  let rv = store.resourceVersion;
  let start = '';
  if (q.continue) {
    if (q.resourceVersion && q.resourceVersion !== '0') {
      throw badRequest(
        'specifying resource version is not allowed when using continue',
      );
    }
    const token = decodeContinue(q.continue);
    rv = token.rv;
    start = token.start;
  }
  const all = store.listAt(resourceKey(t), rv, ns);
  if (!all) throw expired(EXPIRED_CONTINUE);
  const candidates = start ? all.filter(o => keyOf(o) >= start) : all;
  const limit = q.limit && q.limit > 0 ? q.limit : undefined;
  const items: KubeObject[] = [];
  let scanned = 0;
  for (const obj of candidates) {
    if (limit !== undefined && items.length >= limit) break;
    scanned++;
    if (filter.matches(obj)) items.push(obj);
  }
  const metadata: JsonObject = { resourceVersion: String(rv) };
  if (limit !== undefined && scanned < candidates.length) {
    const rest = candidates.slice(scanned);
    if (rest.some(o => filter.matches(o))) {
      metadata.continue = encodeContinue(
        rv,
        keyOf(items[items.length - 1] ?? candidates[scanned - 1]),
      );
      if (!filter.labels.length && !filter.fields.length)
        metadata.remainingItemCount = rest.length;
    }
  }
  return { items, metadata };
}
