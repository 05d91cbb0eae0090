import { KubeClient, Obj } from './kube';
import { rfc3339 } from './kubelet';

/** Who writes an event: the legacy recorder's source (kubelet, deployment-controller, ...). */
export interface EventSource {
  component: string;
  host?: string;
}

export interface EventSpec {
  /** The object it is about (a Pod, ReplicaSet, Deployment or Node). */
  regarding: Obj;
  fieldPath?: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  at: number;
  source: EventSource;
}

const microTime = (ms: number) =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const reference = (o: Obj, fieldPath?: string) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  // The legacy recorder gives a node its name as uid.
  uid: o.kind === 'Node' ? o.metadata.name : o.metadata.uid,
  ...(o.metadata.resourceVersion
    ? { resourceVersion: o.metadata.resourceVersion }
    : {}),
  ...(fieldPath ? { fieldPath } : {}),
});

/**
 * Writes events as the components it plays do: core/v1 Events through the legacy recorder
 * (kubelet, controllers), a repeat of the same event counted on the first one (count,
 * lastTimestamp), as its correlator does; events.k8s.io/v1 for the scheduler.
 */
export class EventRecorder {
  private readonly seen = new Map<
    string,
    { namespace: string; name: string; count: number }
  >();
  private serial = 0;

  constructor(private readonly client: KubeClient) {}

  private name(object: string, at: number) {
    this.serial = (this.serial + 1) % 1000;
    return `${object}.${(
      BigInt(Math.round(at)) * 1_000_000n +
      BigInt(this.serial)
    ).toString(16)}`;
  }

  /** A core/v1 Event (or one more of the same). */
  async record(e: EventSpec): Promise<void> {
    const o = e.regarding;
    // Events about cluster-scoped objects (nodes) go to the default namespace.
    const namespace = o.metadata.namespace ?? 'default';
    const key = [
      namespace,
      o.kind,
      o.metadata.name,
      o.metadata.uid,
      e.fieldPath,
      e.reason,
      e.message,
      e.source.component,
    ].join('|');
    const known = this.seen.get(key);
    if (known) {
      known.count++;
      await this.client.mergePatch(
        `/api/v1/namespaces/${known.namespace}/events/${known.name}`,
        { count: known.count, lastTimestamp: rfc3339(e.at) },
      );
      return;
    }
    const name = this.name(o.metadata.name, e.at);
    this.seen.set(key, { namespace, name, count: 1 });
    await this.client.create(`/api/v1/namespaces/${namespace}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: reference(o, e.fieldPath),
      reason: e.reason,
      message: e.message,
      source: e.source,
      firstTimestamp: rfc3339(e.at),
      lastTimestamp: rfc3339(e.at),
      count: 1,
      type: e.type,
      reportingComponent: e.source.component,
      reportingInstance: e.source.host ?? '',
    });
  }

  /** An events.k8s.io/v1 Event of kube-scheduler (Scheduled, FailedScheduling). */
  async recordScheduler(
    pod: Obj,
    e: {
      type: 'Normal' | 'Warning';
      reason: string;
      action: string;
      note: string;
    },
  ): Promise<void> {
    const at = Date.now();
    const namespace = pod.metadata.namespace;
    await this.client.create(
      `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
      {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: this.name(pod.metadata.name, at), namespace },
        eventTime: microTime(at),
        reportingController: 'default-scheduler',
        reportingInstance: 'default-scheduler-kars-workload-simulator',
        action: e.action,
        reason: e.reason,
        regarding: reference({ apiVersion: 'v1', kind: 'Pod', ...pod }),
        note: e.note,
        type: e.type,
      },
    );
  }
}
