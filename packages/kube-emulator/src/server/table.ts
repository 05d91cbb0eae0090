import {
  JsonObject,
  KubeObject,
  PrinterColumn,
  ResourceType,
} from '../api/types';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const columnDefinition = (c: PrinterColumn) => ({
  name: c.name,
  type: c.type,
  format: c.format ?? '',
  description: c.description ?? '',
  priority: c.priority ?? 0,
});

const rowObject = (
  obj: KubeObject,
  include: IncludeObject,
): JsonObject | undefined => {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: obj.metadata,
  };
};

/** Renders objects as a meta.k8s.io/v1 Table with the type's printer columns. */
export function toTable(
  t: ResourceType,
  objects: KubeObject[],
  listMeta: JsonObject,
  include: IncludeObject,
  now = new Date(),
): JsonObject {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: t.printerColumns.map(columnDefinition),
    rows: objects.map(obj => {
      const row: JsonObject = {
        cells: t.printerColumns.map(c => c.cell?.(obj, now) ?? null),
      };
      const o = rowObject(obj, include);
      if (o) row.object = o;
      return row;
    }),
  };
}
