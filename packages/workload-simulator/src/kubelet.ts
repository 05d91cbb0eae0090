import { createHash } from 'node:crypto';
import { Fault } from './faults';
import { Obj } from './kube';

/** How fast simulated time goes. */
export interface KubeletTiming {
  /** One step of a pod's start (sandbox, an image pull, an init container's run, a readiness probe). */
  stepMs: number;
  /** How long a crashing container runs before it exits. */
  crashAfterMs: number;
  /** The first restart and image pull back-off (the kubelet's is 10 s), doubled each time. */
  backoffMs: number;
  /** The longest back-off (the kubelet's is 5 min). */
  maxBackoffMs: number;
}

/** What the kubelet of a node knows about a pod it runs, fixed when it first sees the pod. */
export interface PodRuntime {
  /** When the kubelet took the pod (ms since the epoch). */
  t0: number;
  nodeName: string;
  nodeAddress: string;
  podIp: string;
  /** Images already on the node when the pod arrived. */
  presentImages: string[];
  fault?: Fault;
  seed: number;
}

/** An event the kubelet (or, for OOMKilling, the node's kernel monitor) writes. */
export interface KubeletEvent {
  at: number;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `spec.containers{agent}`; absent for the pod itself. */
  fieldPath?: string;
  /** Written about the node rather than the pod. */
  onNode?: boolean;
}

/** Go's time.Duration String for whole milliseconds: 300ms, 1.5s, 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  const m = Math.floor(s / 60);
  return `${m}m${Number((s - m * 60).toFixed(3))}s`;
}

/** RFC 3339 in whole seconds, as metav1.Time serialises. */
export const rfc3339 = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const hex = (...parts: unknown[]) =>
  createHash('sha256').update(parts.join(':')).digest('hex');

/** The digest an image resolves to, and its size (deterministic). */
export function imageFacts(image: string) {
  const digest = hex('image', image);
  const repo = image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
  return {
    imageID: `${repo}@sha256:${digest}`,
    size: 20_000_000 + (parseInt(digest.slice(0, 8), 16) % 380_000_000),
  };
}

/** What containerd answers when an image does not exist. */
export const pullError = (image: string) =>
  `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;

/** apiserver's format.Pod: name_namespace(uid). */
const podDesc = (pod: Obj) =>
  `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

interface ContainerRun {
  status: Obj;
  /** When it last became ready or unready (for the conditions' transition times). */
  readyChangedAt: number;
  ready: boolean;
  /** When its image is there (or its first pull failed): the next container's pull starts then. */
  pullEnd: number;
  /** Init containers: when it completed (Infinity: never). */
  doneAt: number;
  /** When it first ran (Infinity: never). */
  firstStart: number;
}

interface RunContext {
  pod: Obj;
  rt: PodRuntime;
  timing: KubeletTiming;
  now: number;
  events: KubeletEvent[];
  faultContainer?: string;
}

/** Kibibytes of a memory limit (0 when none). */
function parseLimitKi(q: string | undefined): number {
  if (!q) return 0;
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  if (!m) return 0;
  return (
    Number(m[1]) * { Ki: 1, Mi: 1024, Gi: 1024 * 1024 }[(m[2] ?? 'Ki') as 'Ki']
  );
}

/** The kubelet's oom_score_adj by QoS class. */
const oomScoreAdj = (pod: Obj) =>
  (({ Guaranteed: -997, BestEffort: 1000 } as Record<string, number>)[
    pod.status?.qosClass
  ] ?? 985);

/** How a run of a container ends: cleanly, or as its fault has it. */
function exitOf(fault: Fault | undefined) {
  if (fault?.kind === 'oom-killed')
    return { exitCode: 137, reason: 'OOMKilled' };
  if (fault) return { exitCode: 1, reason: 'Error' };
  return { exitCode: 0, reason: 'Completed' };
}

/** The lifecycle of one container from `start`, as the kubelet drives it, up to `now`. */
function runContainer(
  c: Obj,
  kind: 'init' | 'regular',
  start: number,
  waitingReason: string,
  ctx: RunContext,
): ContainerRun {
  const { rt, timing, now } = ctx;
  const u = timing.stepMs;
  const fieldPath = `spec.${
    kind === 'init' ? 'initContainers' : 'containers'
  }{${c.name}}`;
  const ev = (
    at: number,
    type: KubeletEvent['type'],
    reason: string,
    message: string,
  ) => {
    if (at <= now) ctx.events.push({ at, type, reason, message, fieldPath });
  };
  const fault = ctx.faultContainer === c.name ? rt.fault : undefined;
  const image: string = c.image;
  const base = {
    name: c.name,
    image,
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    lastState: {},
  };
  const waiting = (reason: string, message?: string) => ({
    ...base,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
  });
  const never = {
    readyChangedAt: rt.t0,
    ready: false,
    doneAt: Infinity,
    firstStart: Infinity,
  };
  if (now < start)
    return { status: waiting(waitingReason), pullEnd: Infinity, ...never };

  if (fault?.kind === 'image-pull-error') {
    let status = waiting('ContainerCreating');
    let attempt = start;
    for (let i = 0; attempt <= now; i++) {
      ev(attempt, 'Normal', 'Pulling', `Pulling image "${image}"`);
      const failed = attempt + u;
      if (failed > now) break;
      ev(
        failed,
        'Warning',
        'Failed',
        `Failed to pull image "${image}": ${pullError(image)}`,
      );
      ev(failed, 'Warning', 'Failed', 'Error: ErrImagePull');
      status = waiting('ErrImagePull', pullError(image));
      const backOff = failed + u / 2;
      if (backOff > now) break;
      ev(backOff, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      ev(backOff, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      status = waiting(
        'ImagePullBackOff',
        `Back-off pulling image "${image}": ErrImagePull: ${pullError(image)}`,
      );
      attempt =
        failed + Math.min(timing.backoffMs * 2 ** i, timing.maxBackoffMs);
    }
    return { status, pullEnd: start + u, ...never };
  }

  const present =
    rt.presentImages.includes(image) && c.imagePullPolicy !== 'Always';
  const alreadyPresent = `Container image "${image}" already present on machine and can be accessed by the pod`;
  let running = start;
  if (present) ev(start, 'Normal', 'Pulled', alreadyPresent);
  else {
    ev(start, 'Normal', 'Pulling', `Pulling image "${image}"`);
    running = start + u;
    const took = goDuration(u);
    ev(
      running,
      'Normal',
      'Pulled',
      `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${
        imageFacts(image).size
      } bytes.`,
    );
  }
  if (now < running)
    return { status: waiting('ContainerCreating'), pullEnd: running, ...never };

  const { imageID } = imageFacts(image);
  const containerId = (instance: number) =>
    `containerd://${hex(rt.seed, ctx.pod.metadata.uid, c.name, instance)}`;
  const probed = Boolean(c.readinessProbe);
  const crashing = fault?.kind === 'crash-loop' || fault?.kind === 'oom-killed';
  const firstStart = running;
  let lastState: Obj = {};
  let readyChangedAt = rt.t0;
  for (let k = 0; ; k++) {
    const s = running;
    if (k > 0) ev(s, 'Normal', 'Pulled', alreadyPresent);
    ev(s, 'Normal', 'Created', 'Container created');
    ev(s, 'Normal', 'Started', 'Container started');
    const readyAt = s + (probed ? u : 0);
    // A crashing container exits a while after it starts, an init container a step after.
    let endsAt = Infinity;
    if (crashing) endsAt = s + timing.crashAfterMs;
    else if (kind === 'init') endsAt = s + u;
    const runningStatus = {
      ...base,
      imageID,
      containerID: containerId(k),
      restartCount: k,
      started: kind === 'regular',
      lastState,
    };
    if (now < endsAt) {
      const ready = kind === 'regular' && now >= readyAt;
      if (ready) readyChangedAt = readyAt;
      return {
        status: {
          ...runningStatus,
          ready,
          state: { running: { startedAt: rfc3339(s) } },
        },
        readyChangedAt,
        ready,
        pullEnd: start + (present ? 0 : u),
        doneAt: Infinity,
        firstStart,
      };
    }
    if (kind === 'regular' && readyAt < endsAt) readyChangedAt = endsAt;
    const oom = fault?.kind === 'oom-killed';
    const exit = exitOf(crashing ? fault : undefined);
    const terminated = {
      ...exit,
      startedAt: rfc3339(s),
      finishedAt: rfc3339(endsAt),
      containerID: containerId(k),
    };
    if (!crashing) {
      return {
        status: {
          ...runningStatus,
          ready: true,
          started: false,
          state: { terminated },
        },
        readyChangedAt,
        ready: false,
        pullEnd: start + (present ? 0 : u),
        doneAt: endsAt,
        firstStart,
      };
    }
    if (oom && endsAt <= now) {
      ctx.events.push({
        at: endsAt,
        type: 'Warning',
        reason: 'OOMKilling',
        message: `Memory cgroup out of memory: Killed process ${
          4000 + (parseInt(hex(rt.seed, ctx.pod.metadata.uid, k), 16) % 60000)
        } (${c.name}) total-vm:2148012kB, anon-rss:${
          Math.round(parseLimitKi(c.resources?.limits?.memory)) || 1048576
        }kB, file-rss:0kB, shmem-rss:0kB, UID:${
          c.securityContext?.runAsUser ?? 0
        } pgtables:2400kB oom_score_adj:${oomScoreAdj(ctx.pod)}`,
        onNode: true,
      });
    }
    // The first restart is at once; then the back-off doubles from backoffMs.
    const backoff =
      k === 0
        ? 0
        : Math.min(timing.backoffMs * 2 ** (k - 1), timing.maxBackoffMs);
    const restartAt = endsAt + (k === 0 ? u / 4 : backoff);
    if (k > 0)
      ev(
        endsAt,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${podDesc(
          ctx.pod,
        )}`,
      );
    if (now < restartAt) {
      const state =
        k === 0
          ? { terminated }
          : {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${goDuration(
                  backoff,
                )} restarting failed container=${c.name} pod=${podDesc(
                  ctx.pod,
                )}`,
              },
            };
      return {
        status: {
          ...runningStatus,
          started: false,
          ready: false,
          state,
          lastState: k === 0 ? lastState : { terminated },
        },
        readyChangedAt,
        ready: false,
        pullEnd: start + (present ? 0 : u),
        doneAt: Infinity,
        firstStart,
      };
    }
    lastState = { terminated };
    running = restartAt;
  }
}

const condition = (
  type: string,
  ok: boolean,
  since: number,
  reason?: string,
  message?: string,
) => ({
  type,
  status: ok ? 'True' : 'False',
  lastProbeTime: null,
  lastTransitionTime: rfc3339(since),
  ...(ok || !reason ? {} : { reason }),
  ...(ok || !message ? {} : { message }),
});

/**
 * The status the kubelet reports for a pod at `now`, and every event it has written about it by
 * then (in order), from when it took the pod: the sandbox, then each init container in turn
 * (pull, create, start, exit 0), then the containers (images pulled one at a time), each Ready
 * once running (after a step when it has a readiness probe). A fault changes one container:
 * its image never pulls (ErrImagePull, ImagePullBackOff), or it exits (Error, or OOMKilled) a
 * while after each start and is restarted with a doubling back-off (CrashLoopBackOff). Pure.
 */
export function kubeletView(
  pod: Obj,
  rt: PodRuntime,
  timing: KubeletTiming,
  now: number,
): { status: Obj; events: KubeletEvent[] } {
  const u = timing.stepMs;
  const initContainers: Obj[] = pod.spec?.initContainers ?? [];
  const containers: Obj[] = pod.spec?.containers ?? [];
  const ctx: RunContext = {
    pod,
    rt,
    timing,
    now,
    events: [],
    // A channel failure is the platform's refusal, seen only in the agent's log.
    faultContainer:
      rt.fault && rt.fault.kind !== 'channel-failure'
        ? rt.fault.container ?? containers[0]?.name
        : undefined,
  };
  const sandboxAt = rt.t0 + u;

  let next = sandboxAt;
  const initRuns = initContainers.map(c => {
    const run = runContainer(c, 'init', next, 'PodInitializing', ctx);
    next = run.doneAt;
    return run;
  });
  const initDone = next;
  let pullAt = initDone;
  const runs = containers.map(c => {
    const run = runContainer(
      c,
      'regular',
      pullAt,
      initContainers.length && now < initDone
        ? 'PodInitializing'
        : 'ContainerCreating',
      ctx,
    );
    pullAt = run.pullEnd;
    return run;
  });

  const initialized = initDone <= now;
  const unready = containers.filter((_, i) => !runs[i].ready).map(c => c.name);
  const allReady = unready.length === 0;
  const readySince = Math.max(
    initialized ? initDone : rt.t0,
    ...runs.map(r => r.readyChangedAt),
  );
  const started = runs.some(r => r.firstStart <= now);
  const sandbox = now >= sandboxAt;
  const live: Obj[] = pod.status?.conditions ?? [];
  const scheduled = live.find(c => c.type === 'PodScheduled');

  const status: Obj = {
    phase: initialized && started ? 'Running' : 'Pending',
    conditions: [
      condition(
        'PodReadyToStartContainers',
        sandbox,
        sandbox ? sandboxAt : rt.t0,
      ),
      condition(
        'Initialized',
        initialized,
        initialized ? initDone : rt.t0,
        'ContainersNotInitialized',
        `containers with incomplete status: [${initContainers
          .filter((_, i) => initRuns[i].doneAt > now)
          .map(c => c.name)
          .join(' ')}]`,
      ),
      condition(
        'Ready',
        allReady,
        readySince,
        'ContainersNotReady',
        `containers with unready status: [${unready.join(' ')}]`,
      ),
      condition(
        'ContainersReady',
        allReady,
        readySince,
        'ContainersNotReady',
        `containers with unready status: [${unready.join(' ')}]`,
      ),
      scheduled ?? condition('PodScheduled', true, rt.t0),
    ],
    hostIP: rt.nodeAddress,
    hostIPs: [{ ip: rt.nodeAddress }],
    ...(sandbox ? { podIP: rt.podIp, podIPs: [{ ip: rt.podIp }] } : {}),
    startTime: rfc3339(rt.t0),
    ...(initContainers.length
      ? { initContainerStatuses: initRuns.map(r => r.status) }
      : {}),
    containerStatuses: runs.map(r => r.status),
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
  };
  const events = ctx.events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map(({ e }) => e);
  return { status, events };
}
