import { causes } from '../../api/errors';
import { humanDuration } from '../../api/time';
import { FieldCause, KubeObject, ResourceType } from '../../api/types';
import { builtin } from './builtin';
import { col } from './columns';

/** Event fields of the two APIs: core/v1 name → events.k8s.io/v1 name. */
const RENAMED: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];
const SHARED = [
  'reason',
  'type',
  'eventTime',
  'series',
  'action',
  'related',
  'reportingInstance',
];

const CORE_FIELDS = [...RENAMED.map(([core]) => core), ...SHARED];
const EVENTS_FIELDS = [...RENAMED.map(([, v1]) => v1), ...SHARED];

const MICRO_TIME_FIELDS = {
  eventTime: 'Event',
  series: { lastObservedTime: 'EventSeries' },
} as const;

/** The fields core/v1 Event always serialises (no omitempty in the Go type). */
function defaultCoreEvent(obj: KubeObject) {
  obj.involvedObject ??= {};
  obj.source ??= {};
  obj.firstTimestamp ??= null;
  obj.lastTimestamp ??= null;
  obj.eventTime ??= null;
  obj.reportingComponent ??= '';
  obj.reportingInstance ??= '';
}

/** The same for events.k8s.io/v1 Event. */
function defaultEventsV1(obj: KubeObject) {
  obj.eventTime ??= null;
  obj.regarding ??= {};
  obj.deprecatedSource ??= {};
  obj.deprecatedFirstTimestamp ??= null;
  obj.deprecatedLastTimestamp ??= null;
  for (const k of ['reportingController', 'reportingInstance', 'note'])
    if (obj[k] === '') delete obj[k];
  if (obj.deprecatedCount === 0) delete obj.deprecatedCount;
}

/** An events.k8s.io/v1 Event as the core/v1 Event it is stored as (a core one as it is). */
export function eventsV1ToCore(obj: KubeObject): KubeObject {
  if (obj.apiVersion === 'v1') return obj;
  const { apiVersion: _v, kind: _k, metadata, ...rest } = obj;
  const out: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata };
  for (const [core, v1] of RENAMED) if (v1 in rest) out[core] = rest[v1];
  for (const k of SHARED) if (k in rest) out[k] = rest[k];
  defaultCoreEvent(out);
  return out;
}

/** A stored core/v1 Event as served by events.k8s.io/v1 (a served one as it is). */
export function coreToEventsV1(obj: KubeObject): KubeObject {
  if (obj.apiVersion === 'events.k8s.io/v1') return obj;
  const { apiVersion: _v, kind: _k, metadata, ...rest } = obj;
  const out: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata,
  };
  for (const [core, v1] of RENAMED) if (core in rest) out[v1] = rest[core];
  for (const k of SHARED) if (k in rest) out[k] = rest[k];
  defaultEventsV1(out);
  return out;
}

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Legacy event validation (every Event), on the core form. */
function legacyCauses(core: KubeObject, controllerField: string) {
  const out: FieldCause[] = [];
  const ns = core.metadata.namespace;
  const involvedNs = core.involvedObject?.namespace ?? '';
  const mismatch = () =>
    causes.invalid(
      'involvedObject.namespace',
      involvedNs,
      'does not match event.namespace',
    );
  if (!isSet(core.eventTime)) {
    if (involvedNs ? ns !== involvedNs : ns && ns !== 'default')
      out.push(mismatch());
    return out;
  }
  if (!involvedNs && ns !== 'default' && ns !== 'kube-system')
    out.push(mismatch());
  if (!core.reportingComponent) out.push(causes.required(controllerField));
  if (!core.reportingInstance) out.push(causes.required('reportingInstance'));
  if (!core.action) out.push(causes.required('action'));
  if (!core.reason) out.push(causes.required('reason'));
  return out;
}

/** The stricter validation of Events created through events.k8s.io/v1. */
function eventsV1Causes(core: KubeObject): FieldCause[] {
  const out = legacyCauses(core, 'reportingController');
  if (core.series) {
    if ((core.series.count ?? 0) < 2)
      out.push(causes.invalid('series.count', '', 'should be at least 2'));
    if (!core.series.lastObservedTime)
      out.push(causes.required('series.lastObservedTime'));
  }
  if (!isSet(core.eventTime)) out.push(causes.required('eventTime'));
  if (core.type !== 'Normal' && core.type !== 'Warning')
    out.push(
      causes.invalid('type', '', `has invalid value: ${core.type ?? ''}`),
    );
  if (isSet(core.firstTimestamp))
    out.push(causes.invalid('firstTimestamp', '', 'needs to be unset'));
  if (isSet(core.lastTimestamp))
    out.push(causes.invalid('lastTimestamp', '', 'needs to be unset'));
  if (core.count) out.push(causes.invalid('count', '', 'needs to be unset'));
  if (core.source?.component || core.source?.host)
    out.push(causes.invalid('source', '', 'needs to be unset'));
  return out;
}

const since = (t: string | null | undefined, now: Date) =>
  t ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>';

/** The cells of kube-apiserver's printEvent (wide), from the core form. */
function eventCells(core: KubeObject, now: Date): unknown[] {
  const first = core.firstTimestamp
    ? since(core.firstTimestamp, now)
    : since(core.eventTime, now);
  let last = core.lastTimestamp ? since(core.lastTimestamp, now) : first;
  let count = core.count ?? 0;
  if (core.series) {
    last = since(core.series.lastObservedTime, now);
    count = core.series.count ?? 0;
  } else if (!count) count = 1;
  const involved = core.involvedObject ?? {};
  const kind = String(involved.kind ?? '').toLowerCase();
  const component = core.source?.component || core.reportingComponent || '';
  const instance = core.source?.host || core.reportingInstance || '';
  return [
    last,
    core.type ?? '',
    core.reason ?? '',
    involved.name ? `${kind}/${involved.name}` : kind,
    involved.fieldPath ?? '',
    instance ? `${component}, ${instance}` : component,
    String(core.message ?? '').trim(),
    first,
    count,
    core.metadata.name,
  ];
}

const COLUMNS: [string, number, string][] = [
  [
    'Last Seen',
    0,
    'The time at which the most recent occurrence of this event was recorded.',
  ],
  [
    'Type',
    0,
    'Type of this event (Normal, Warning), new types could be added in the future',
  ],
  [
    'Reason',
    0,
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  ],
  ['Object', 0, 'The object that this event is about.'],
  [
    'Subobject',
    1,
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
  ],
  [
    'Source',
    1,
    'The component reporting this event. Should be a short machine understandable string.',
  ],
  [
    'Message',
    0,
    'A human-readable description of the status of this operation.',
  ],
  [
    'First Seen',
    1,
    'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
  ],
  ['Count', 1, 'The number of times this event has occurred.'],
  ['Name', 1, 'Name must be unique within a namespace.'],
];

/** Printer columns over objects of either API (the events.k8s.io form is converted first). */
const eventColumns = (toCore: (o: KubeObject) => KubeObject) =>
  COLUMNS.map(([name, priority, description], i) => ({
    ...col(name, (o, now) => eventCells(toCore(o), now)[i], {
      priority,
      description,
    }),
    ...(name === 'Name' ? { format: 'name' } : {}),
  }));

/** Field selectors of Events, evaluated on the stored (core) form. */
const coreSelectable: Record<string, (o: KubeObject) => string | undefined> = {
  'involvedObject.kind': o => o.involvedObject?.kind,
  'involvedObject.namespace': o => o.involvedObject?.namespace,
  'involvedObject.name': o => o.involvedObject?.name,
  'involvedObject.uid': o => o.involvedObject?.uid,
  'involvedObject.apiVersion': o => o.involvedObject?.apiVersion,
  'involvedObject.resourceVersion': o => o.involvedObject?.resourceVersion,
  'involvedObject.fieldPath': o => o.involvedObject?.fieldPath,
  reason: o => o.reason,
  reportingComponent: o => o.reportingComponent,
  source: o => o.source?.component,
  type: o => o.type,
};

const identity = (o: KubeObject) => o;

/** core/v1 Event. */
export function coreEventType(): ResourceType {
  return builtin({
    group: '',
    version: 'v1',
    kind: 'Event',
    microTimeFields: MICRO_TIME_FIELDS,
    topLevelFields: CORE_FIELDS,
    plural: 'events',
    shortNames: ['ev'],
    defaults: defaultCoreEvent,
    validate: (obj, old) =>
      old ? [] : legacyCauses(obj, 'reportingComponent'),
    printerColumns: eventColumns(identity),
    selectableFields: coreSelectable,
  });
}

/** events.k8s.io/v1 Event: the same objects as core/v1 Events, stored in their table. */
export function eventsV1Type(): ResourceType {
  return builtin({
    group: 'events.k8s.io',
    version: 'v1',
    kind: 'Event',
    microTimeFields: MICRO_TIME_FIELDS,
    topLevelFields: EVENTS_FIELDS,
    plural: 'events',
    shortNames: ['ev'],
    defaults: defaultEventsV1,
    validate: (obj, old) => (old ? [] : eventsV1Causes(eventsV1ToCore(obj))),
    printerColumns: eventColumns(eventsV1ToCore),
    storage: {
      group: '',
      plural: 'events',
      toStored: eventsV1ToCore,
      fromStored: coreToEventsV1,
    },
    selectableFields: {
      ...coreSelectable,
      'regarding.kind': o => o.involvedObject?.kind,
      'regarding.namespace': o => o.involvedObject?.namespace,
      'regarding.name': o => o.involvedObject?.name,
      'regarding.uid': o => o.involvedObject?.uid,
      reportingController: o => o.reportingComponent,
    },
  });
}
