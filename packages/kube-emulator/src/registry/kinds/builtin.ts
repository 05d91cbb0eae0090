import { causes } from '../../api/errors';
import {
  FieldCause,
  JsonObject,
  KubeObject,
  ListType,
  ResourceType,
  ScaleSubresource,
} from '../../api/types';
import { defaultColumns } from './columns';
import { podSpecListType } from './podSpec';

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export type Spec = Partial<ResourceType> &
  Pick<ResourceType, 'group' | 'version' | 'kind' | 'plural'>;

/** Lists in ObjectMeta, shared by every kind. */
function metadataListType(path: string[]): ListType | undefined {
  if (path.length === 2 && path[0] === 'metadata') {
    if (path[1] === 'finalizers') return { type: 'set' };
    if (path[1] === 'ownerReferences')
      return { type: 'map', keys: ['uid'], mergeKey: 'uid' };
  }
  return undefined;
}

const conditionsList = (path: string[]): ListType | undefined =>
  path.length === 2 && path[0] === 'status' && path[1] === 'conditions'
    ? { type: 'map', keys: ['type'], mergeKey: 'type' }
    : undefined;

/** Composes list-type lookups; the pod spec may sit under a prefix. */
export function listTypes(
  podSpecPrefix?: string[],
  extra?: (p: string[]) => ListType | undefined,
) {
  return (path: string[]): ListType | undefined => {
    const fromMeta =
      metadataListType(path) ?? conditionsList(path) ?? extra?.(path);
    if (fromMeta) return fromMeta;
    if (podSpecPrefix && podSpecPrefix.every((p, i) => path[i] === p)) {
      return podSpecListType(path.slice(podSpecPrefix.length));
    }
    return undefined;
  };
}

export function builtin(spec: Spec): ResourceType {
  return {
    listKind: `${spec.kind}List`,
    singular: spec.kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    statusSubresource: false,
    hasGeneration: false,
    allowUnconditionalUpdate: true,
    nameValidation: 'subdomain',
    listTypeAt: listTypes(),
    printerColumns: defaultColumns,
    ...spec,
  };
}

export const TEMPLATE_SPEC = ['spec', 'template', 'spec'];
export const workloadStructs = [
  ['spec'],
  ['status'],
  ['spec', 'template'],
  ['spec', 'template', 'metadata'],
  TEMPLATE_SPEC,
  [...TEMPLATE_SPEC, 'containers'],
];

/** Go renders the labels of this cause as a map literal (or null). */
const labelsMismatch = (
  labels: Record<string, string> | undefined,
): FieldCause => {
  const value = labels
    ? `map[string]string{${Object.keys(labels)
        .sort()
        .map(k => `${JSON.stringify(k)}:${JSON.stringify(labels[k])}`)
        .join(', ')}}`
    : 'null';
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${value}: \`selector\` does not match template \`labels\``,
    field: 'spec.template.metadata.labels',
  };
};

export function validateSelectorMatchesTemplate(obj: KubeObject): FieldCause[] {
  const out: FieldCause[] = [];
  const sel = obj.spec?.selector;
  if (!sel) {
    out.push(causes.required('spec.selector'));
    out.push(labelsMismatch(obj.spec?.template?.metadata?.labels));
  } else {
    const labels = obj.spec?.template?.metadata?.labels ?? {};
    const matches = Object.entries(sel.matchLabels ?? {}).every(
      ([k, v]) => labels[k] === v,
    );
    if (!matches || (!sel.matchLabels && !sel.matchExpressions)) {
      out.push(labelsMismatch(labels));
    }
  }
  out.push(...validatePodSpec(obj.spec?.template?.spec, 'spec.template.spec'));
  return out;
}

export function validatePodSpec(
  spec: JsonObject | undefined,
  at: string,
): FieldCause[] {
  const out: FieldCause[] = [];
  const containers = spec?.containers ?? [];
  if (!containers.length) out.push(causes.required(`${at}.containers`));
  containers.forEach((c: JsonObject, i: number) => {
    if (!c.name) out.push(causes.required(`${at}.containers[${i}].name`));
    if (!c.image) out.push(causes.required(`${at}.containers[${i}].image`));
  });
  return out;
}

/** A label selector as labels.Selector's String(): requirements sorted by key; "" when empty. */
export function labelSelectorString(sel: JsonObject | undefined): string {
  const reqs: [string, string][] = Object.entries(sel?.matchLabels ?? {}).map(
    ([k, v]) => [k, `${k}=${v}`],
  );
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const op = String(e.operator);
    if (op === 'Exists') reqs.push([e.key, e.key]);
    else if (op === 'DoesNotExist') reqs.push([e.key, `!${e.key}`]);
    else reqs.push([e.key, `${e.key} ${op.toLowerCase()} (${values})`]);
  }
  return reqs
    .sort(([a], [b]) => Number(a > b) - Number(a < b))
    .map(([, s]) => s)
    .join(',');
}

/** The scale subresource of the built-in workloads: spec.replicas, status.replicas, spec.selector. */
export const replicasScale: ScaleSubresource = {
  specReplicasPath: ['spec', 'replicas'],
  statusReplicasPath: ['status', 'replicas'],
  selector: o => labelSelectorString(o.spec?.selector),
};
