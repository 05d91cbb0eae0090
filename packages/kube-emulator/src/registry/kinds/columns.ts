import { age } from '../../api/time';
import { JsonObject, KubeObject, PrinterColumn } from '../../api/types';

export const nameColumn: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: o => o.metadata.name,
};

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => age(o.metadata.creationTimestamp, now),
};

/** The columns of a kind the server has no printer for. */
export const defaultColumns: PrinterColumn[] = [
  nameColumn,
  {
    name: 'Created At',
    type: 'date',
    description:
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    priority: 0,
    cell: o => o.metadata.creationTimestamp,
  },
];

export const col = (
  name: string,
  cell: (o: KubeObject, now: Date) => unknown,
  opts: { type?: string; priority?: number; description?: string } = {},
): PrinterColumn => ({
  name,
  type: opts.type ?? 'string',
  description: opts.description ?? name,
  priority: opts.priority ?? 0,
  cell,
});

export const formatSelector = (sel: JsonObject | undefined): string => {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? {}).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of sel.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'exists') parts.push(e.key);
    else if (op === 'doesnotexist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
};

export const formatLabels = (labels: Record<string, string> | undefined) => {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return entries.length
    ? entries.map(([k, v]) => `${k}=${v}`).join(',')
    : '<none>';
};

export const containerNames = (spec: JsonObject | undefined) =>
  (spec?.containers ?? []).map((c: JsonObject) => c.name).join(',');

export const containerImages = (spec: JsonObject | undefined) =>
  (spec?.containers ?? []).map((c: JsonObject) => c.image).join(',');
