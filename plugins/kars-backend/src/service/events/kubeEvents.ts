import {
  KARS_SANDBOX_KIND,
  KubeEvent,
  sandboxNamespace,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import { ClusterConnection } from '../ClusterConnection';

/** How many Events each read takes at most: the namespace's, and those about the KarsSandbox. */
export const KUBE_EVENTS_LIMIT = 500;

/** A core/v1 Event as the API server answers it (the fields shown). */
export interface CoreEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string };
  reportingComponent?: string;
}

/**
 * An Event in the shape the API answers. Events written through events.k8s.io carry `eventTime`
 * and `series` instead of the first and last timestamps and the count. Pure.
 */
export function toKubeEvent(event: CoreEvent): KubeEvent {
  const first = event.firstTimestamp ?? event.eventTime ?? undefined;
  const last =
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    first;
  const involved = event.involvedObject ?? {};
  const source = event.source?.component || event.reportingComponent;
  return {
    type: event.type ?? '',
    reason: event.reason ?? '',
    message: event.message ?? '',
    involvedObject: {
      kind: involved.kind ?? '',
      name: involved.name ?? '',
      ...(involved.namespace ? { namespace: involved.namespace } : {}),
    },
    count: event.series?.count ?? event.count ?? 1,
    ...(first ? { firstTime: first } : {}),
    ...(last ? { lastTime: last } : {}),
    ...(source ? { source } : {}),
  };
}

/** Newest first by last time (events without one last), then by name for a stable order. Pure. */
export function newestFirst(events: KubeEvent[]): KubeEvent[] {
  const time = (e: KubeEvent) => (e.lastTime ? Date.parse(e.lastTime) : 0);
  return [...events].sort((a, b) => time(b) - time(a));
}

/**
 * The Kubernetes Events of a sandbox: those in its tenant namespace (its pods, ReplicaSets,
 * Deployment) and those about its KarsSandbox in the operator namespace, newest first.
 */
export async function readKubeEvents(
  cluster: ClusterConnection,
  name: string,
): Promise<KubeEvent[]> {
  const [tenant, sandbox] = await Promise.all([
    cluster.gateway.list<CoreEvent>('v1', 'Event', {
      namespace: sandboxNamespace(name),
      limit: KUBE_EVENTS_LIMIT,
    }),
    cluster.gateway.list<CoreEvent>('v1', 'Event', {
      namespace: cluster.config.settings.operatorNamespace,
      fieldSelector: `involvedObject.kind=${KARS_SANDBOX_KIND},involvedObject.name=${name}`,
      limit: KUBE_EVENTS_LIMIT,
    }),
  ]);
  return newestFirst([...tenant.items, ...sandbox.items].map(toKubeEvent));
}
