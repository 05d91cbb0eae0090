import { KubeObject } from '@kars-portal/plugin-kars-node';
import { Drift } from './apply';

/** The controller name kars portal's Events carry (`reportingController`). */
export const KARS_REPORTING_CONTROLLER = 'kars.azure.com/kars-portal';

/** The reason of the Event a repaired drift leaves on its KarsSandbox. */
export const DRIFT_REPAIRED_REASON = 'DriftRepaired';

const NOTE_LIMIT = 1024;
const MAX_LISTED = 5;

/** `a, b, c (and 2 more)`. */
function listed(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED
    ? `${shown} (and ${items.length - MAX_LISTED} more)`
    : shown;
}

/** kube-apiserver's MicroTime: RFC 3339 with microseconds. */
function microTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * The events.k8s.io/v1 Event that records a repaired drift on the sandbox's KarsSandbox: which
 * object, which fields (paths only, never values), who edited them and when. Named as client-go's
 * recorder names Events, `<regarding>.<nanoseconds in hex>`, with `sequence` added to the
 * nanoseconds so the drifts of one pass get names of their own. Pure.
 */
export function driftEvent(
  sandbox: KubeObject,
  drift: Drift,
  at: Date,
  reportingInstance: string,
  sequence = 0,
): KubeObject {
  const object = `${drift.kind} ${
    drift.namespace ? `${drift.namespace}/` : ''
  }${drift.name}`;
  const who = drift.edits.length
    ? `edited by ${drift.edits
        .map(
          e =>
            `${e.manager}${
              e.operation || e.time
                ? ` (${[e.operation, e.time].filter(Boolean).join(' at ')})`
                : ''
            }`,
        )
        .join(', ')}`
    : 'edited without a field manager of its own (a subresource such as /scale)';
  const note = `${object}: ${listed(
    drift.paths,
  )} no longer held the rendered values; ${who}; repaired by kars portal`;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: `${sandbox.metadata.name}.${(
        BigInt(at.getTime()) * 1_000_000n +
        BigInt(sequence)
      ).toString(16)}`,
      namespace: sandbox.metadata.namespace,
    },
    eventTime: microTime(at),
    reportingController: KARS_REPORTING_CONTROLLER,
    reportingInstance,
    action: 'Repair',
    reason: DRIFT_REPAIRED_REASON,
    type: 'Warning',
    regarding: {
      apiVersion: sandbox.apiVersion,
      kind: sandbox.kind,
      name: sandbox.metadata.name,
      namespace: sandbox.metadata.namespace,
      uid: sandbox.metadata.uid,
    },
    related: {
      apiVersion: drift.apiVersion,
      kind: drift.kind,
      name: drift.name,
      ...(drift.namespace ? { namespace: drift.namespace } : {}),
    },
    note: note.length > NOTE_LIMIT ? `${note.slice(0, NOTE_LIMIT - 1)}…` : note,
  };
}
