import {
  AppsV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Deployment,
  Watch,
} from '@kubernetes/client-node';

export const SANDBOX_SELECTOR = 'kars.azure.com/component=sandbox';
const MANAGER = 'kars-workload-simulator';

/** client-node hands timestamps back as Dates; the API wants RFC 3339 seconds. */
const rfc3339 = (v: Date | string | undefined) =>
  v === undefined
    ? undefined
    : new Date(v).toISOString().replace(/\.\d+Z$/, 'Z');

/** The status the Deployment controller reports once every replica is available (absent zeros, like Go's omitempty). */
export function availableStatus(
  d: V1Deployment,
  now: Date,
): Record<string, unknown> {
  const replicas = d.spec?.replicas ?? 1;
  const count = replicas > 0 ? replicas : null;
  const ts = rfc3339(now)!;
  const keep = (type: string) =>
    d.status?.conditions?.find(c => c.type === type && c.status === 'True');
  const condition = (type: string, reason: string, message: string) => {
    const prev = keep(type);
    return {
      type,
      status: 'True',
      lastUpdateTime:
        prev?.reason === reason ? rfc3339(prev.lastUpdateTime) ?? ts : ts,
      lastTransitionTime: rfc3339(prev?.lastTransitionTime) ?? ts,
      reason,
      message,
    };
  };
  return {
    observedGeneration: d.metadata?.generation ?? 1,
    replicas: count,
    updatedReplicas: count,
    readyReplicas: count,
    availableReplicas: count,
    conditions: [
      condition(
        'Available',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
      ),
      condition(
        'Progressing',
        'NewReplicaSetAvailable',
        `ReplicaSet "${d.metadata?.name}" has successfully progressed.`,
      ),
    ],
  };
}

/** Whether the Deployment already reports what {@link availableStatus} would write. */
export function isSettled(d: V1Deployment): boolean {
  const replicas = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const n = (v: number | undefined) => v ?? 0;
  return (
    s.observedGeneration === d.metadata?.generation &&
    n(s.replicas) === replicas &&
    n(s.readyReplicas) === replicas &&
    n(s.availableReplicas) === replicas &&
    n(s.updatedReplicas) === replicas &&
    (s.conditions ?? []).some(
      c => c.type === 'Available' && c.status === 'True',
    )
  );
}

/**
 * Plays the Deployment controller and kubelet for sandbox Deployments: `readyDelayMs` after a
 * Deployment (or a change to it) is seen, its status says every replica is available.
 */
export class DeploymentReadiness {
  private readonly apps: AppsV1Api;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly known = new Map<string, V1Deployment>();
  private abort?: AbortController;
  private restart?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly readyDelayMs: number,
  ) {
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
  }

  /** The sandbox Deployments seen so far. */
  deployments(): V1Deployment[] {
    return [...this.known.values()];
  }

  async start() {
    const list = await this.apps.listDeploymentForAllNamespaces({
      labelSelector: SANDBOX_SELECTOR,
    });
    this.known.clear();
    for (const d of list.items) this.observe(d);
    await this.watch(list.metadata?.resourceVersion);
  }

  private async watch(fromVersion: string | undefined) {
    if (this.stopped) return;
    let resourceVersion = fromVersion;
    const w = new Watch(this.kubeConfig);
    this.abort = await w.watch(
      '/apis/apps/v1/deployments',
      {
        labelSelector: SANDBOX_SELECTOR,
        resourceVersion,
        allowWatchBookmarks: true,
      },
      (type: string, obj: V1Deployment) => {
        if (type === 'BOOKMARK')
          resourceVersion = obj.metadata?.resourceVersion;
        else if (type === 'DELETED') this.forget(obj);
        else if (type === 'ADDED' || type === 'MODIFIED') {
          resourceVersion = obj.metadata?.resourceVersion;
          this.observe(obj);
        }
      },
      () => this.scheduleRestart(),
    );
  }

  private scheduleRestart() {
    if (this.stopped) return;
    this.restart = setTimeout(
      () => this.start().catch(() => this.scheduleRestart()),
      1000,
    );
  }

  private key = (d: V1Deployment) =>
    `${d.metadata?.namespace}/${d.metadata?.name}`;

  private forget(d: V1Deployment) {
    const key = this.key(d);
    this.known.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private observe(d: V1Deployment) {
    const key = this.key(d);
    this.known.set(key, d);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (isSettled(d)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.markAvailable(key).catch(() => undefined);
      }, this.readyDelayMs),
    );
  }

  private async markAvailable(key: string) {
    const d = this.known.get(key);
    if (!d || this.stopped || isSettled(d)) return;
    await this.apps.patchNamespacedDeploymentStatus(
      {
        name: d.metadata!.name!,
        namespace: d.metadata!.namespace!,
        body: { status: availableStatus(d, new Date()) },
        fieldManager: MANAGER,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.restart);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.abort?.abort();
  }
}
