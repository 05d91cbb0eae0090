import {
  canonicalizeResourceList,
  canonicalQuantity,
} from '../../api/quantity';
import { JsonObject, KubeObject, ResourceType } from '../../api/types';
import { builtin } from './builtin';
import { ageColumn, col, nameColumn } from './columns';

/** The Request or Limit cell of a ResourceQuota: `name: used/hard` for each resource in status.hard. */
function quotaCell(o: KubeObject, limits: boolean): string {
  const hard: JsonObject = o.status?.hard ?? {};
  const used: JsonObject = o.status?.used ?? {};
  return Object.keys(hard)
    .sort()
    .filter(
      r => (r.split('.').length > 1 && r.split('.')[0] === 'limits') === limits,
    )
    .map(
      r =>
        `${r}: ${canonicalQuantity(used[r] ?? '0')}/${canonicalQuantity(
          hard[r],
        )}`,
    )
    .join(', ');
}

/** core/v1 ResourceQuota, with its status subresource (filled by a quota controller, not here). */
export function resourceQuotaType(): ResourceType {
  return builtin({
    group: '',
    version: 'v1',
    kind: 'ResourceQuota',
    topLevelFields: ['spec', 'status'],
    plural: 'resourcequotas',
    shortNames: ['quota'],
    statusSubresource: true,
    implicitStructs: [['spec'], ['status']],
    defaults: obj => {
      obj.spec ??= {};
      canonicalizeResourceList(obj.spec.hard);
      canonicalizeResourceList(obj.status?.hard);
      canonicalizeResourceList(obj.status?.used);
    },
    allocate: obj => {
      obj.status = {};
    },
    printerColumns: [
      nameColumn,
      col('Request', o => quotaCell(o, false), {
        description:
          'Request represents a minimum amount of cpu/memory that a container may consume.',
      }),
      col('Limit', o => quotaCell(o, true), {
        description:
          'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
      }),
      ageColumn,
    ],
  });
}

const LIMIT_LISTS = [
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
];

/** SetDefaults_LimitRangeItem: a container's default limit falls back to max, its default request to the default limit, then to min. */
function defaultLimitRangeItem(item: JsonObject) {
  for (const k of LIMIT_LISTS) canonicalizeResourceList(item[k]);
  if (item.type !== 'Container') return;
  const defaults: JsonObject = { ...item.max, ...item.default };
  const requests: JsonObject = {
    ...item.min,
    ...defaults,
    ...item.defaultRequest,
  };
  if (Object.keys(defaults).length) item.default = defaults;
  if (Object.keys(requests).length) item.defaultRequest = requests;
}

/** core/v1 LimitRange. */
export function limitRangeType(): ResourceType {
  return builtin({
    group: '',
    version: 'v1',
    kind: 'LimitRange',
    topLevelFields: ['spec'],
    plural: 'limitranges',
    shortNames: ['limits'],
    implicitStructs: [['spec']],
    defaults: obj => {
      obj.spec ??= {};
      for (const item of obj.spec.limits ?? []) defaultLimitRangeItem(item);
    },
  });
}
