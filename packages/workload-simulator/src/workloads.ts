import { ServerResponse } from 'node:http';
import {
  controlledBy,
  currentReplicaSet,
  deploymentStatus,
  desiredReplicas,
  isTerminating,
  newReplicaSet,
  podFor,
  podsToDelete,
  replicaSetStatus,
  REVISION,
  scalingMessage,
  templateHash,
} from './controllers';
import { EventRecorder, EventSource } from './events';
import { FAULT_ANNOTATION, podFault } from './faults';
import { Collection, KubeClient, KubeError, Obj } from './kube';
import { KubeletTiming, kubeletView, PodRuntime } from './kubelet';
import {
  CHANNEL_KEYS,
  ChannelSetup,
  containerLog,
  ContainerInstance,
  formatLine,
  parseLogQuery,
  readContainerLog,
  roleOf,
} from './logs';
import {
  isReady,
  NodePool,
  nodeAddress,
  nodeManifest,
  PlannedNode,
  plannedNodes,
  readyNodeStatus,
  SIMULATED_NODE_LABEL,
} from './nodes';
import { canonicalJson } from './podTemplateHash';
import {
  addToNode,
  nodeUsage,
  podRequests,
  schedulePod,
  SchedulingResult,
} from './scheduler';
import { unitHash } from './usageModel';

export interface WorkloadOptions {
  /** Which Deployments (and so ReplicaSets and Pods) it runs. */
  selector: string;
  pools: NodePool[];
  timing: KubeletTiming;
  seed: number;
  /** Average gap between two log lines of a running container. */
  logIntervalMs: number;
  /** Play the controllers, the scheduler and the kubelets; false: only watch the Deployments. */
  play: boolean;
}

/** What `pods/log` hands a log source (the emulator's PodLogSource). */
export interface PodLogRequest {
  pod: Obj;
  container: string;
  query: URLSearchParams;
  res: ServerResponse;
}

/** What the kubelet keeps about a pod: its runtime, the status last written, the events sent. */
type RuntimeRecord = PodRuntime & {
  written?: string;
  emitted: number;
  killing?: number;
};

const KUBELET: EventSource = { component: 'kubelet' };
const DEPLOYMENT_CONTROLLER: EventSource = {
  component: 'deployment-controller',
};
const REPLICASET_CONTROLLER: EventSource = {
  component: 'replicaset-controller',
};

const kinded = (o: Obj, apiVersion: string, kind: string): Obj => ({
  ...o,
  apiVersion,
  kind,
});

const path = (o: Obj, plural: string, group = '/api/v1') =>
  `${group}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`;

/** How many objects a pass syncs at once (each sync is a few requests, one after the other). */
const PASS_CONCURRENCY = 16;

/** How often a pass syncs every object, whether the watches reported a change or not. */
const FULL_RESYNC_MS = 30_000;

/**
 * How far ahead the kubelet looks to tell a settled pod: one whose status and events will be the
 * same then as now is left alone until it changes (no container starting, crashing or backing off).
 */
const SETTLED_HORIZON_MS = 3_600_000;

/** Runs `fn` on every item, at most `limit` at a time; a failure is left to the next pass. */
async function eachAtMost<T>(
  limit: number,
  items: T[],
  fn: (item: T) => Promise<unknown>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        await fn(items[next++]).catch(() => undefined);
      }
    }),
  );
}

const ignore =
  (...statuses: number[]) =>
  (e: unknown) => {
    if (!(e instanceof KubeError && statuses.includes(e.status))) throw e;
  };

/** What the simulator plays: the Deployment and ReplicaSet controllers, kube-scheduler and the kubelets of its nodes. */
export class Workloads {
  private readonly deployments: Collection;
  private readonly replicaSets: Collection;
  private readonly pods: Collection;
  private readonly nodes: Collection;
  private readonly runtimeClasses: Collection;
  private readonly planned: PlannedNode[];
  private readonly events: EventRecorder;
  private readonly runtimes = new Map<string, RuntimeRecord>();
  private readonly nodeImages = new Map<string, Set<string>>();
  private readonly unschedulable = new Map<string, string>();
  private readonly sandboxes = new Map<string, Obj | undefined>();
  private readonly requests = new Map<string, ReturnType<typeof podRequests>>();
  private readonly templateHashes = new Map<
    string,
    { generation: number; hash: string }
  >();
  private readonly podIps = new Map<string, Set<string>>();
  /** Namespaces whose objects the watches changed since the last pass. */
  private readonly dirty = new Set<string>();
  /** Namespaces whose state still moves with time: a pod starting or crashing, a rollout under way. */
  private readonly timed = new Set<string>();
  /** Whether the next pass syncs everything (after a new list, or a node change). */
  private everything = true;
  /** Whether a pod went away since the last pass: room for the pods that did not fit. */
  private roomFreed = false;
  private lastFull = 0;
  private running?: Promise<void>;
  private again = false;
  private tick?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly options: WorkloadOptions,
  ) {
    const changed = (namespace: string | undefined, type?: string) => {
      if (namespace === undefined) this.everything = true;
      else this.dirty.add(namespace);
      if (type === 'DELETED') this.roomFreed = true;
      this.kick();
    };
    const clusterChanged = () => {
      this.everything = true;
      this.kick();
    };
    this.deployments = new Collection(
      client,
      '/apis/apps/v1/deployments',
      options.selector,
      changed,
    );
    this.replicaSets = new Collection(
      client,
      '/apis/apps/v1/replicasets',
      options.selector,
      changed,
    );
    this.pods = new Collection(
      client,
      '/api/v1/pods',
      options.selector,
      changed,
    );
    this.nodes = new Collection(
      client,
      '/api/v1/nodes',
      `${SIMULATED_NODE_LABEL}=true`,
      clusterChanged,
    );
    this.runtimeClasses = new Collection(
      client,
      '/apis/node.k8s.io/v1/runtimeclasses',
      undefined,
      clusterChanged,
    );
    this.planned = plannedNodes(options.pools);
    this.events = new EventRecorder(client);
  }

  /** The sandbox Deployments seen so far. */
  deploymentList(): Obj[] {
    return this.deployments.list();
  }

  async start(): Promise<void> {
    if (!this.options.play) {
      await this.deployments.start();
      return;
    }
    await this.nodes.start();
    await this.ensureNodes();
    await Promise.all([
      this.runtimeClasses.start(),
      this.deployments.start(),
      this.replicaSets.start(),
      this.pods.start(),
    ]);
    const every = Math.min(1000, Math.max(20, this.options.timing.stepMs / 2));
    this.tick = setInterval(() => this.kick(), every);
    await this.kick();
  }

  stop() {
    this.stopped = true;
    clearInterval(this.tick);
    for (const c of [
      this.deployments,
      this.replicaSets,
      this.pods,
      this.nodes,
      this.runtimeClasses,
    ])
      c.stop();
    this.client.close();
  }

  /** Runs a pass now, or once more after the one under way. */
  kick(): Promise<void> {
    if (this.stopped || !this.options.play) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch(() => undefined);
      } while (this.again && !this.stopped);
      this.running = undefined;
    })();
    return this.running;
  }

  /**
   * One pass, as the controllers, the scheduler and the kubelets would act: over the namespaces the
   * watches changed and those whose state moves with time, and over everything every
   * {@link FULL_RESYNC_MS} (level-triggered: a missed change is caught then). Deployments,
   * ReplicaSets and running pods are independent of each other and synced `PASS_CONCURRENCY` at a
   * time; pods are placed one after the other, each placement counted against its node before
   * the next, then bound `PASS_CONCURRENCY` at a time.
   */
  private async pass() {
    if (this.planned.some(n => !this.nodeReady(n.name)))
      await this.ensureNodes();
    const full =
      this.everything || Date.now() - this.lastFull >= FULL_RESYNC_MS;
    const retryUnschedulable = full || this.roomFreed;
    this.everything = false;
    this.roomFreed = false;
    let namespaces: Set<string>;
    if (full) {
      this.lastFull = Date.now();
      namespaces = new Set([
        ...this.deployments.namespaces(),
        ...this.replicaSets.namespaces(),
        ...this.pods.namespaces(),
      ]);
      this.timed.clear();
    } else {
      namespaces = new Set([...this.dirty, ...this.timed]);
      for (const ns of namespaces) this.timed.delete(ns);
    }
    this.dirty.clear();
    const inScope = (c: Collection) =>
      [...namespaces].flatMap(ns => c.inNamespace(ns));

    await eachAtMost(PASS_CONCURRENCY, inScope(this.deployments), d =>
      this.syncDeployment(d),
    );
    await eachAtMost(PASS_CONCURRENCY, inScope(this.replicaSets), rs =>
      this.syncReplicaSet(rs),
    );
    const candidates = retryUnschedulable
      ? this.pods.list()
      : inScope(this.pods);
    await this.scheduleAll(
      candidates.filter(p => !p.spec?.nodeName && !isTerminating(p)),
    );
    const ours = new Set(this.planned.map(n => n.name));
    const running = inScope(this.pods).filter(p => ours.has(p.spec?.nodeName));
    await eachAtMost(PASS_CONCURRENCY, running, pod => this.runPod(pod));
    if (full) this.forgetGonePods();
  }

  /** Drops what the kubelets, the scheduler and the controllers kept about objects that are gone. */
  private forgetGonePods() {
    const live = new Set(this.pods.list().map(p => p.metadata.uid));
    for (const [uid, rt] of this.runtimes) {
      if (live.has(uid)) continue;
      this.runtimes.delete(uid);
      this.podIps.get(rt.nodeName)?.delete(rt.podIp);
    }
    for (const uid of this.requests.keys())
      if (!live.has(uid)) this.requests.delete(uid);
    for (const uid of this.unschedulable.keys())
      if (!live.has(uid)) this.unschedulable.delete(uid);
    const deployments = new Set(
      this.deployments.list().map(d => d.metadata.uid),
    );
    for (const uid of this.templateHashes.keys())
      if (!deployments.has(uid)) this.templateHashes.delete(uid);
  }

  // ---- nodes -------------------------------------------------------------------------------

  private nodeReady(name: string) {
    const node = this.nodes.get(name);
    return (
      node !== undefined &&
      isReady(node) &&
      !(node.spec?.taints ?? []).some(
        (t: Obj) => t.key === 'node.kubernetes.io/not-ready',
      )
    );
  }

  private async ensureNodes() {
    for (const n of this.planned) {
      if (this.nodeReady(n.name)) continue;
      const path_ = `/api/v1/nodes/${n.name}`;
      if (!this.nodes.has(n.name))
        await this.client
          .create('/api/v1/nodes', nodeManifest(n))
          .catch(ignore(409));
      await this.client.mergePatch(`${path_}/status`, {
        status: readyNodeStatus(n, new Date(), 10250),
      });
      // The node lifecycle controller lifts the not-ready taint once the kubelet says Ready.
      const node = await this.client.mergePatch(path_, {
        spec: { taints: n.pool.taints },
      });
      this.nodes.remember(node);
    }
  }

  private ourNodes(): Obj[] {
    const names = new Set(this.planned.map(n => n.name));
    return this.nodes.list().filter(n => names.has(n.metadata.name));
  }

  // ---- Deployment controller ---------------------------------------------------------------

  private async syncDeployment(d: Obj) {
    if (isTerminating(d)) return;
    const namespace = d.metadata.namespace;
    const owned = this.replicaSets
      .inNamespace(namespace)
      .filter(rs => controlledBy(rs, d));
    const hash = this.templateHashOf(d);
    let newRs = currentReplicaSet(d, owned);
    const old = owned.filter(rs => rs !== newRs);
    const desired = desiredReplicas(d);
    const recreate = d.spec?.strategy?.type === 'Recreate';
    const podsOf = (rss: Obj[]) =>
      this.pods
        .inNamespace(namespace)
        .filter(p => rss.some(rs => controlledBy(p, rs)));
    const revision = (rs: Obj) =>
      Number(rs.metadata.annotations?.[REVISION] ?? 0);
    const maxOld = Math.max(0, ...old.map(revision));

    // Old ReplicaSets go to 0: at once for Recreate, once the new one is available otherwise.
    const newAvailable = (newRs?.status?.availableReplicas ?? 0) >= desired;
    for (const rs of old) {
      if ((rs.spec?.replicas ?? 0) > 0 && (recreate || newAvailable))
        await this.scale(d, rs, 0);
    }
    const target = recreate && podsOf(old).length ? 0 : desired;
    if (!newRs) {
      const created = await this.client.create(
        `/apis/apps/v1/namespaces/${d.metadata.namespace}/replicasets`,
        newReplicaSet(d, hash, maxOld + 1, target),
      );
      this.replicaSets.remember(created);
      newRs = created;
      if (target > 0)
        await this.controllerEvent(
          d,
          'ScalingReplicaSet',
          scalingMessage(created, 0, target),
        );
    } else {
      if (revision(newRs) <= maxOld) {
        newRs = await this.client.mergePatch(
          path(newRs, 'replicasets', '/apis/apps/v1'),
          {
            metadata: { annotations: { [REVISION]: String(maxOld + 1) } },
          },
        );
        this.replicaSets.remember(newRs!);
      }
      if ((newRs!.spec?.replicas ?? 0) !== target)
        newRs = await this.scale(d, newRs!, target);
    }
    const rev = newRs!.metadata.annotations?.[REVISION];
    const all = this.replicaSets
      .inNamespace(namespace)
      .filter(rs => controlledBy(rs, d));
    const status = deploymentStatus(d, all, newRs, Date.now());
    // A rollout under way can still pass its progress deadline: look again at the next tick.
    const progressing = (status.conditions ?? []).find(
      (c: Obj) => c.type === 'Progressing',
    );
    if (
      progressing?.status === 'True' &&
      progressing.reason !== 'NewReplicaSetAvailable'
    )
      this.timed.add(namespace);
    // The revision goes with the status, as the controller writes it: no generation bump.
    const revised =
      rev !== undefined && d.metadata.annotations?.[REVISION] !== rev;
    if (revised || !sameStatus(d.status, status)) {
      const written = await this.client.mergePatch(
        `${path(d, 'deployments', '/apis/apps/v1')}/status`,
        {
          ...(revised
            ? { metadata: { annotations: { [REVISION]: rev } } }
            : {}),
          status: withNulls(d.status, status),
        },
      );
      this.deployments.remember(written);
    }
  }

  /** The Deployment's pod-template-hash, worked out again only when its generation moved. */
  private templateHashOf(d: Obj): string {
    const known = this.templateHashes.get(d.metadata.uid);
    if (known && known.generation === d.metadata.generation) return known.hash;
    const hash = templateHash(d);
    this.templateHashes.set(d.metadata.uid, {
      generation: d.metadata.generation,
      hash,
    });
    return hash;
  }

  private async scale(d: Obj, rs: Obj, to: number): Promise<Obj> {
    const from = rs.spec?.replicas ?? 0;
    const scaled = await this.client.mergePatch(
      path(rs, 'replicasets', '/apis/apps/v1'),
      {
        spec: { replicas: to },
      },
    );
    this.replicaSets.remember(scaled);
    await this.controllerEvent(
      d,
      'ScalingReplicaSet',
      scalingMessage(rs, from, to),
    );
    return scaled;
  }

  private controllerEvent(d: Obj, reason: string, message: string) {
    return this.events.record({
      regarding: kinded(d, 'apps/v1', 'Deployment'),
      type: 'Normal',
      reason,
      message,
      at: Date.now(),
      source: DEPLOYMENT_CONTROLLER,
    });
  }

  // ---- ReplicaSet controller ---------------------------------------------------------------

  private async syncReplicaSet(rs: Obj) {
    if (isTerminating(rs)) return;
    const namespace = rs.metadata.namespace;
    const owner = this.deployments
      .inNamespace(namespace)
      .find(d => controlledBy(rs, d));
    if (!owner) return;
    const fault: string | undefined =
      owner.metadata.annotations?.[FAULT_ANNOTATION];
    const mine = this.pods
      .inNamespace(namespace)
      .filter(p => controlledBy(p, rs));
    // A changed fault replaces the pods: their next instances show it.
    for (const p of mine.filter(x => !isTerminating(x))) {
      if ((p.metadata.annotations?.[FAULT_ANNOTATION] ?? undefined) !== fault) {
        await this.client
          .delete(path(p, 'pods'), { gracePeriodSeconds: 0 })
          .catch(ignore(404));
        this.pods.forget(p);
      }
    }
    const active = this.pods
      .inNamespace(namespace)
      .filter(
        p =>
          controlledBy(p, rs) &&
          !isTerminating(p) &&
          !['Succeeded', 'Failed'].includes(p.status?.phase),
      );
    const want = rs.spec?.replicas ?? 0;
    const rsRef = kinded(rs, 'apps/v1', 'ReplicaSet');
    for (let i = active.length; i < want; i++) {
      try {
        const pod = await this.client.create(
          `/api/v1/namespaces/${rs.metadata.namespace}/pods`,
          podFor(rs, fault),
        );
        this.pods.remember(pod);
        await this.events.record({
          regarding: rsRef,
          type: 'Normal',
          reason: 'SuccessfulCreate',
          message: `Created pod: ${pod.metadata.name}`,
          at: Date.now(),
          source: REPLICASET_CONTROLLER,
        });
      } catch (e) {
        await this.events.record({
          regarding: rsRef,
          type: 'Warning',
          reason: 'FailedCreate',
          message: `Error creating: ${
            e instanceof KubeError
              ? e.message.replace(/^POST \S+: HTTP \d+ /, '')
              : e
          }`,
          at: Date.now(),
          source: REPLICASET_CONTROLLER,
        });
        break;
      }
    }
    for (const p of podsToDelete(active, active.length - want)) {
      await this.client.delete(path(p, 'pods')).catch(ignore(404));
      await this.events.record({
        regarding: rsRef,
        type: 'Normal',
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${p.metadata.name}`,
        at: Date.now(),
        source: REPLICASET_CONTROLLER,
      });
    }
    const status = replicaSetStatus(
      rs,
      this.pods.inNamespace(namespace).filter(p => controlledBy(p, rs)),
    );
    if (!sameStatus(rs.status, status)) {
      const written = await this.client.mergePatch(
        `${path(rs, 'replicasets', '/apis/apps/v1')}/status`,
        { status: withNulls(rs.status, status) },
      );
      this.replicaSets.remember(written);
    }
  }

  // ---- kube-scheduler ----------------------------------------------------------------------

  private requestsOf(pod: Obj) {
    const uid = pod.metadata.uid;
    let requests = this.requests.get(uid);
    if (!requests) {
      requests = podRequests(pod);
      this.requests.set(uid, requests);
    }
    return requests;
  }

  /** Places the pods one after the other, then binds them (or says why not) a few at a time. */
  private async scheduleAll(pending: Obj[]) {
    if (!pending.length) return;
    const nodes = this.ourNodes();
    const usage = nodeUsage(this.pods.list(), p => this.requestsOf(p));
    const placed = pending.map(pod => {
      const result = schedulePod({
        pod,
        nodes,
        usage,
        runtimeClass: pod.spec?.runtimeClassName
          ? this.runtimeClasses.get(pod.spec.runtimeClassName)
          : undefined,
        fault: podFault(pod),
      });
      if ('node' in result) addToNode(usage, result.node, this.requestsOf(pod));
      return { pod, result };
    });
    await eachAtMost(PASS_CONCURRENCY, placed, ({ pod, result }) =>
      this.schedule(pod, result),
    );
  }

  private async schedule(pod: Obj, result: SchedulingResult) {
    const podRef = kinded(pod, 'v1', 'Pod');
    if ('node' in result) {
      const bound = await this.bind(pod, result.node);
      this.pods.remember(bound);
      this.unschedulable.delete(pod.metadata.uid);
      await this.events.recordScheduler(podRef, {
        type: 'Normal',
        reason: 'Scheduled',
        action: 'Binding',
        note: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${result.node}`,
      });
      return;
    }
    if (this.unschedulable.get(pod.metadata.uid) === result.message) return;
    this.unschedulable.set(pod.metadata.uid, result.message);
    const written = await this.client.mergePatch(
      `${path(pod, 'pods')}/status`,
      {
        status: {
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: new Date()
                .toISOString()
                .replace(/\.\d+Z$/, 'Z'),
              reason: 'Unschedulable',
              message: result.message,
            },
          ],
        },
      },
    );
    this.pods.remember(written);
    await this.events.recordScheduler(podRef, {
      type: 'Warning',
      reason: 'FailedScheduling',
      action: 'Scheduling',
      note: result.message,
    });
  }

  /**
   * POST pods/binding, as kube-scheduler binds (the server sets spec.nodeName and PodScheduled);
   * on a server that does not serve it, spec.nodeName and the condition are written directly.
   */
  private async bind(pod: Obj, node: string): Promise<Obj> {
    try {
      await this.client.create(`${path(pod, 'pods')}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: {
          name: pod.metadata.name,
          namespace: pod.metadata.namespace,
        },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
      return await this.client.get(path(pod, 'pods'));
    } catch (e) {
      if (!(e instanceof KubeError && (e.status === 404 || e.status === 405)))
        throw e;
    }
    await this.client.mergePatch(path(pod, 'pods'), {
      spec: { nodeName: node },
    });
    return this.client.mergePatch(`${path(pod, 'pods')}/status`, {
      status: {
        conditions: [
          {
            type: 'PodScheduled',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: new Date()
              .toISOString()
              .replace(/\.\d+Z$/, 'Z'),
          },
        ],
      },
    });
  }

  // ---- kubelet -----------------------------------------------------------------------------

  private runtimeOf(pod: Obj): RuntimeRecord {
    const uid = pod.metadata.uid;
    const known = this.runtimes.get(uid);
    if (known) return known;
    const node = this.planned.find(n => n.name === pod.spec.nodeName)!;
    const fault = podFault(pod);
    const images = this.nodeImages.get(node.name) ?? new Set<string>();
    this.nodeImages.set(node.name, images);
    const present = [...images];
    const faulted = fault
      ? [
          ...(pod.spec.initContainers ?? []),
          ...(pod.spec.containers ?? []),
        ].find(
          (c: Obj) =>
            c.name === (fault.container ?? pod.spec.containers?.[0]?.name),
        )?.image
      : undefined;
    for (const c of [
      ...(pod.spec.initContainers ?? []),
      ...(pod.spec.containers ?? []),
    ])
      if (!(fault?.kind === 'image-pull-error' && c.image === faulted))
        images.add(c.image);
    const restored = pod.status?.startTime
      ? Date.parse(pod.status.startTime)
      : undefined;
    const rt: RuntimeRecord = {
      t0: restored ?? Date.now(),
      nodeName: node.name,
      nodeAddress: nodeAddress(node.index),
      podIp: pod.status?.podIP ?? this.allocateIp(node, uid),
      presentImages: present,
      fault,
      seed: this.options.seed,
      emitted: 0,
    };
    // A pod the kubelet already ran (before a restart of the simulator) keeps the events it had.
    if (restored)
      rt.emitted = kubeletView(
        pod,
        rt,
        this.options.timing,
        Date.now(),
      ).events.length;
    this.runtimes.set(uid, rt);
    const ips = this.podIps.get(node.name) ?? new Set<string>();
    this.podIps.set(node.name, ips.add(rt.podIp));
    return rt;
  }

  private allocateIp(node: PlannedNode, uid: string): string {
    const taken = this.podIps.get(node.name) ?? new Set<string>();
    const start = Math.floor(unitHash(this.options.seed, uid) * 250);
    for (let i = 0; i < 250; i++) {
      const ip = `10.244.${node.index}.${2 + ((start + i) % 250)}`;
      if (!taken.has(ip)) return ip;
    }
    return `10.244.${node.index}.254`;
  }

  private async runPod(pod: Obj) {
    const rt = this.runtimeOf(pod);
    const podRef = kinded(pod, 'v1', 'Pod');
    if (isTerminating(pod)) {
      this.timed.add(pod.metadata.namespace);
      await this.terminate(pod, rt);
      return;
    }
    const now = Date.now();
    const view = kubeletView(pod, rt, this.options.timing, now);
    const text = canonicalJson(view.status);
    const later = kubeletView(
      pod,
      rt,
      this.options.timing,
      now + SETTLED_HORIZON_MS,
    );
    if (
      later.events.length !== view.events.length ||
      canonicalJson(later.status) !== text
    )
      this.timed.add(pod.metadata.namespace);
    if (rt.written !== text) {
      const written = await this.client.mergePatch(
        `${path(pod, 'pods')}/status`,
        {
          status: view.status,
        },
      );
      rt.written = text;
      this.pods.remember(written);
    }
    const node = this.nodes.get(rt.nodeName);
    for (const e of view.events.slice(rt.emitted)) {
      rt.emitted++;
      await this.events.record({
        regarding: e.onNode && node ? kinded(node, 'v1', 'Node') : podRef,
        fieldPath: e.onNode ? undefined : e.fieldPath,
        type: e.type,
        reason: e.reason,
        message: e.message,
        at: e.at,
        source: e.onNode
          ? { component: 'kernel-monitor', host: rt.nodeName }
          : { ...KUBELET, host: rt.nodeName },
      });
    }
  }

  /** A deleted pod on a node: the kubelet stops its containers, then removes it for good. */
  private async terminate(pod: Obj, rt: RuntimeRecord) {
    if (rt.killing === undefined) {
      rt.killing = Date.now();
      for (const s of pod.status?.containerStatuses ?? []) {
        if (!s.state?.running) continue;
        await this.events.record({
          regarding: kinded(pod, 'v1', 'Pod'),
          fieldPath: `spec.containers{${s.name}}`,
          type: 'Normal',
          reason: 'Killing',
          message: `Stopping container ${s.name}`,
          at: rt.killing,
          source: { ...KUBELET, host: rt.nodeName },
        });
      }
      return;
    }
    if (Date.now() - rt.killing < this.options.timing.stepMs) return;
    await this.client
      .delete(path(pod, 'pods'), {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
      })
      .catch(ignore(404, 409));
  }

  // ---- pods/log ----------------------------------------------------------------------------

  private async sandboxOf(pod: Obj): Promise<Obj | undefined> {
    const name = pod.metadata.labels?.['kars.azure.com/sandbox'];
    const ns = pod.metadata.labels?.['kars.azure.com/parent-namespace'];
    if (!name || !ns) return undefined;
    const key = `${ns}/${name}`;
    if (!this.sandboxes.has(key))
      this.sandboxes.set(
        key,
        await this.client
          .get(
            `/apis/kars.azure.com/v1alpha1/namespaces/${ns}/karssandboxes/${name}`,
          )
          .catch(() => undefined),
      );
    return this.sandboxes.get(key);
  }

  /**
   * The chat channels of a pod's sandbox, read when asked (they change without a new pod): each
   * configured when its credential key is in the sandbox's credentials Secret (the runtime's
   * envFrom), failing under the `channel-failure` fault.
   */
  private async channelsOf(pod: Obj): Promise<ChannelSetup[]> {
    const name = pod.metadata.labels?.['kars.azure.com/sandbox'];
    const ns = pod.metadata.labels?.['kars.azure.com/parent-namespace'];
    if (!name || !ns) return [];
    const [sandbox, secret] = await Promise.all([
      this.client
        .get(
          `/apis/kars.azure.com/v1alpha1/namespaces/${ns}/karssandboxes/${name}`,
        )
        .catch(() => undefined),
      this.client
        .get(
          `/api/v1/namespaces/${pod.metadata.namespace}/secrets/${name}-credentials`,
        )
        .catch(() => undefined),
    ]);
    const keys = new Set(Object.keys(secret?.data ?? {}));
    const fault = podFault(pod);
    return (sandbox?.spec?.channels ?? []).map((c: Obj) => ({
      channel: c.type,
      configured: keys.has(CHANNEL_KEYS[c.type] ?? ''),
      failing:
        fault?.kind === 'channel-failure' &&
        (fault.container === undefined || fault.container === c.type),
    }));
  }

  /**
   * Serves a pods/log request as the kubelet's containerLogs does: the current run of the
   * container (or the previous one), since/tail/timestamps/limitBytes, following while it runs.
   */
  async serveLog({ pod, container, query, res }: PodLogRequest): Promise<void> {
    if (!pod.spec?.nodeName) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    const spec = [
      ...(pod.spec.initContainers ?? []),
      ...(pod.spec.containers ?? []),
    ].find((c: Obj) => c.name === container);
    const statusOf = (p: Obj | undefined) =>
      [
        ...(p?.status?.initContainerStatuses ?? []),
        ...(p?.status?.containerStatuses ?? []),
      ].find((s: Obj) => s.name === container);
    const status = statusOf(pod);
    const previous = query.get('previous') === 'true';
    const problem = logProblem(pod.metadata.name, container, status, previous);
    if (problem) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: problem,
          reason: 'BadRequest',
          code: 400,
        }),
      );
      return;
    }
    const run: Obj = previous
      ? status.lastState.terminated
      : status.state.running ??
        status.state.terminated ??
        status.lastState.terminated;
    const restarts = status.restartCount ?? 0;
    const instance: ContainerInstance = {
      seed: this.options.seed,
      // Run k has restartCount k while it runs; the previous one is k-1 then, and k once it exited.
      key: `${pod.metadata.uid}/${container}/${
        previous && status.state.running ? restarts - 1 : restarts
      }`,
      startedAt: Date.parse(run.startedAt),
      ...(run.finishedAt
        ? {
            finishedAt: Date.parse(run.finishedAt),
            exit: exitReason(run.reason),
          }
        : {}),
      env: Object.fromEntries(
        (spec?.env ?? []).map((e: Obj) => [e.name, e.value]),
      ),
      sandbox:
        pod.metadata.labels?.['kars.azure.com/sandbox'] ?? pod.metadata.name,
    };
    const role = roleOf(spec ?? { name: container }, await this.sandboxOf(pod));
    if (role.kind === 'agent') instance.channels = await this.channelsOf(pod);
    const interval = this.options.logIntervalMs;
    const now = Date.now();
    const q = parseLogQuery(query, now);
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Transfer-Encoding': 'chunked',
    });
    res.write(readContainerLog(role, instance, interval, now, q));
    const follow =
      query.get('follow') === 'true' &&
      !previous &&
      Boolean(status.state.running);
    if (!follow) {
      res.end();
      return;
    }
    let sent = now;
    const key = Collection.key(pod);
    await new Promise<void>(resolve => {
      const timer = setInterval(() => {
        const live = this.pods.get(key);
        const current = statusOf(live);
        const t = Date.now();
        const fresh = containerLog(role, instance, interval, t, sent).filter(
          l => l.at > sent,
        );
        for (const l of fresh) res.write(formatLine(l, q.timestamps));
        sent = t;
        if (
          this.stopped ||
          !current?.state?.running ||
          current.containerID !== status.containerID
        ) {
          clearInterval(timer);
          res.end();
          resolve();
        }
      }, Math.max(10, Math.min(250, interval / 4)));
      res.on('close', () => {
        clearInterval(timer);
        resolve();
      });
    });
  }
}

/** How a terminated run ended, for its last log lines. */
function exitReason(reason: string): ContainerInstance['exit'] {
  if (reason === 'OOMKilled' || reason === 'Completed') return reason;
  return 'Error';
}

/** Why the kubelet has no log for a container (validateContainerLogStatus), or undefined. */
export function logProblem(
  podName: string,
  container: string,
  status: Obj | undefined,
  previous: boolean,
): string | undefined {
  const it = `container "${container}" in pod "${podName}"`;
  if (!status) return `${it} is not available`;
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  if (previous)
    return last?.containerID
      ? undefined
      : `previous terminated ${it} not found`;
  if (running) return undefined;
  if (terminated)
    return terminated.containerID || last?.containerID
      ? undefined
      : `${it} is terminated`;
  if (last) return last.containerID ? undefined : `${it} is terminated`;
  if (waiting?.reason === 'ErrImagePull')
    return `${it} is waiting to start: image can't be pulled`;
  if (waiting?.reason === 'ImagePullBackOff')
    return `${it} is waiting to start: trying and failing to pull image`;
  if (waiting) return `${it} is waiting to start: ${waiting.reason}`;
  return `${it} is waiting to start - no logs yet`;
}

const statusKeys = (s: Obj) => Object.keys(s).filter(k => s[k] !== undefined);

/** Whether the live status already says what `next` says (ignoring fields it does not set). */
function sameStatus(live: Obj | undefined, next: Obj): boolean {
  const pick = (s: Obj | undefined) =>
    canonicalJson(Object.fromEntries(statusKeys(next).map(k => [k, s?.[k]])));
  const cleared = Object.keys(live ?? {}).some(
    k =>
      next[k] === undefined &&
      live![k] !== undefined &&
      k !== 'collisionCount' &&
      k !== 'terminatingReplicas',
  );
  return pick(live) === canonicalJson(next) && !cleared;
}

/** A merge patch that also removes the counts that dropped to zero (omitted in `next`). */
function withNulls(live: Obj | undefined, next: Obj): Obj {
  const out: Obj = { ...next };
  for (const k of Object.keys(live ?? {}))
    if (
      next[k] === undefined &&
      k !== 'collisionCount' &&
      k !== 'terminatingReplicas'
    )
      out[k] = null;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
