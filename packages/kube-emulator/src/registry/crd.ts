import {
  JsonObject,
  KubeObject,
  ListType,
  PrinterColumn,
  ResourceType,
  ScaleSubresource,
} from '../api/types';
import {
  isAtomicMap,
  listTypeFromSchema,
  schemaAt,
} from '../schema/structural';
import { age } from '../api/time';
import { nameColumn } from './kinds/columns';

const metadataListType = (path: string[]): ListType | undefined => {
  if (path[0] !== 'metadata' || path.length !== 2) return undefined;
  if (path[1] === 'finalizers') return { type: 'set' };
  if (path[1] === 'ownerReferences')
    return { type: 'map', keys: ['uid'], mergeKey: 'uid' };
  return undefined;
};

/** Evaluates the simple JSONPath of a printer column (`.status.phase`, `.spec.items[0].name`). */
export function evalJsonPath(obj: JsonObject, path: string): unknown {
  const trimmed = path.replace(/^\{?\.?/, '').replace(/\}$/, '');
  if (!trimmed) return obj;
  let node: unknown = obj;
  for (const part of trimmed.split('.')) {
    const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    if (m[1]) node = (node as JsonObject | undefined)?.[m[1]];
    for (const idx of m[2].match(/\d+/g) ?? [])
      node = (node as unknown[] | undefined)?.[Number(idx)];
    if (node === undefined || node === null) return undefined;
  }
  return node;
}

/** The Table cell of a CRD printer column: scalars as they are, anything else as JSON. */
const cellOf =
  (column: JsonObject) =>
  (o: KubeObject, now: Date): unknown => {
    const v = evalJsonPath(o, column.jsonPath);
    if (v === undefined || v === null) return null;
    if (typeof v === 'object') return JSON.stringify(v);
    if (column.type === 'date' && typeof v === 'string') return age(v, now);
    if (column.type === 'integer' && typeof v === 'number')
      return Math.trunc(v);
    return v;
  };

function printerColumns(version: JsonObject): PrinterColumn[] {
  const declared: JsonObject[] = version.additionalPrinterColumns ?? [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
  return [
    nameColumn,
    ...declared.map(c => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description:
        c.description ??
        `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
      jsonPath: c.jsonPath,
      cell: cellOf(c),
    })),
  ];
}

const jsonPath = (path: string) => path.replace(/^\./, '').split('.');

/** A CRD version's scale subresource: its replicas paths and the path of the selector string. */
function scaleFromCrd(
  scale: JsonObject | undefined,
): ScaleSubresource | undefined {
  if (!scale) return undefined;
  const selectorPath: string | undefined = scale.labelSelectorPath;
  return {
    specReplicasPath: jsonPath(scale.specReplicasPath),
    statusReplicasPath: jsonPath(scale.statusReplicasPath),
    selector: o => {
      const value = selectorPath ? evalJsonPath(o, selectorPath) : undefined;
      return typeof value === 'string' ? value : undefined;
    },
  };
}

/** The resource types a CustomResourceDefinition serves, one per served version. */
export function resourceTypesFromCrd(crd: KubeObject): ResourceType[] {
  const spec = crd.spec;
  const names = spec.names;
  return (spec.versions ?? [])
    .filter((v: JsonObject) => v.served !== false)
    .map((v: JsonObject): ResourceType => {
      const schema = v.schema?.openAPIV3Schema ?? {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
      };
      const selectable: Record<string, (o: KubeObject) => string | undefined> =
        {};
      for (const f of v.selectableFields ?? []) {
        selectable[f.jsonPath.replace(/^\./, '')] = o => {
          const value = evalJsonPath(o, f.jsonPath);
          return value === undefined || value === null
            ? undefined
            : String(value);
        };
      }
      return {
        group: spec.group,
        version: v.name,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? String(names.kind).toLowerCase(),
        namespaced: spec.scope !== 'Cluster',
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        verbs: [
          'delete',
          'deletecollection',
          'get',
          'list',
          'patch',
          'create',
          'update',
          'watch',
        ],
        statusSubresource: Boolean(v.subresources?.status),
        scale: scaleFromCrd(v.subresources?.scale),
        hasGeneration: true,
        allowUnconditionalUpdate: false,
        nameValidation: 'subdomain',
        listTypeAt: path =>
          metadataListType(path) ?? listTypeFromSchema(schema, path),
        printerColumns: printerColumns(v),
        selectableFields: selectable,
        schema,
        custom: true,
      };
    });
}

/** Schema helpers for server-side apply on custom resources. */
export const crdSchemaOps = (schema: JsonObject | undefined) => ({
  isAtomicMap: (path: string[]) => isAtomicMap(schema, path),
  keyDefault: (path: string[], key: string) =>
    schemaAt(schema, path)?.items?.properties?.[key]?.default,
});
