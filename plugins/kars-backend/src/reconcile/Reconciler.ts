import os from 'node:os';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KARS_ANNOTATIONS,
  KARS_FINALIZER,
  KARS_LABELS,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { KubeApiError, KubeObject } from '@kars-portal/plugin-kars-node';
import { renderSandbox } from '../render/renderSandbox';
import { ClusterConnection } from '../service/ClusterConnection';
import {
  credentialKeysOf,
  isClaimedNamespace,
  KarsSandboxObject,
  readSandboxSpec,
} from '../service/sandboxObject';
import { Applier, createOrRead, Drift, hashOf } from './apply';
import { driftEvent } from './driftEvent';
import { finalizersOf, finalizeSandbox } from './finalize';
import { GeneratedSecrets } from './generatedSecrets';
import { ownedKinds, OwnedObjects } from './ownedObjects';
import { podsOfSandbox } from '../kube/sandboxPods';
import { podFaultChanged, sandboxPodFault } from './podFault';
import {
  certificateReadiness,
  deploymentObservation,
  loadBalancerAddress,
  ownedNeedsReconcile,
  Predicate,
  sandboxNeedsReconcile,
} from './predicates';
import { publicGatewayOf } from '../render/a2aGateway';
import { Observation } from './status';
import { writeSandboxStatus } from './statusWriter';
import { WorkQueue } from './WorkQueue';

/**
 * The rendered objects in the order a pass writes them: everything the Deployment needs or is
 * confined by, then the Deployment, then what only points at its pods (the Service). Pure.
 */
export function applySteps(objects: KubeObject[]) {
  const at = objects.findIndex(o => o.kind === 'Deployment');
  if (at < 0) return { before: objects, workload: [], after: [] };
  return {
    before: objects.slice(0, at),
    workload: [objects[at]],
    after: objects.slice(at + 1),
  };
}

/**
 * The controller of one cluster: level-triggered, idempotent. It watches KarsSandbox objects and, by
 * label, the objects it made, and queues a sandbox only for the changes its predicates pass (never
 * for a status write of its own); renders the desired objects; applies only those whose desired-hash
 * annotation differs from the live one (server-side apply, one field manager); prunes what is no
 * longer desired; deletes through a finalizer; and writes status only when it changed.
 */
export class Reconciler {
  private readonly owned: OwnedObjects;
  /** Which changes of each owned kind queue its sandbox. */
  private readonly relevant: Map<string, Predicate>;
  private readonly applier: Applier;
  private readonly generatedSecrets: GeneratedSecrets;
  private readonly queue: WorkQueue;
  private readonly unsubscribe: Array<() => void> = [];
  private running = false;
  /** Which backend replica wrote an Event (`reportingInstance`): its host name. */
  private readonly reportingInstance = os.hostname().slice(0, 128);

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly logger: LoggerService,
    private readonly options: {
      concurrency?: number;
      baseDelayMs?: number;
      maxDelayMs?: number;
      /**
       * Whether this replica reconciles a sandbox (the sandbox's shard is held here); default: every
       * sandbox. A sandbox it does not own is never processed, however it was queued.
       */
      owns?: (name: string) => boolean;
    } = {},
  ) {
    const kinds = ownedKinds(cluster.config.settings);
    this.owned = new OwnedObjects(cluster.gateway, logger, kinds);
    this.relevant = new Map(
      kinds.map(k => [k.kind, ownedNeedsReconcile(k.kind)]),
    );
    this.applier = new Applier(cluster.gateway);
    this.generatedSecrets = new GeneratedSecrets(cluster.gateway);
    this.queue = new WorkQueue(key => this.reconcile(key), {
      concurrency: options.concurrency,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      onError: (key, error, attempt) =>
        this.logger.warn(
          `reconcile ${key} failed (attempt ${attempt}), retrying: ${
            error instanceof Error ? error.message : error
          }`,
        ),
    });
  }

  /** The sandboxes' pods, for what the phase reads of them: the connection's cache, kept when this stops. */
  private get pods() {
    return this.cluster.pods;
  }

  private get gateway() {
    return this.cluster.gateway;
  }

  private get operatorNamespace() {
    return this.cluster.config.settings.operatorNamespace;
  }

  async start() {
    if (this.running) return;
    this.running = true;
    this.unsubscribe.push(
      this.cluster.sandboxes.onChange(event => {
        if (event.type === 'resync') {
          this.generatedSecrets.forget();
          this.enqueueAll();
        } else if (sandboxNeedsReconcile(event)) {
          this.queue.add(event.object.metadata.name);
        }
      }),
      ...this.owned.onChange((kind, event) => {
        if (event.type === 'resync' || !this.relevant.get(kind)!(event)) {
          return;
        }
        // A relabelled object leaves one sandbox for another: both are queued.
        const before = event.type === 'upsert' ? event.old : undefined;
        for (const o of [event.object, before]) {
          const name = o?.metadata.labels?.[KARS_LABELS.sandbox];
          if (name) this.queue.add(name, true);
        }
      }),
      this.pods.onChange(event => {
        if (event.type === 'resync' || !podFaultChanged(event)) return;
        const name = event.object.metadata.labels?.[KARS_LABELS.sandbox];
        if (name) this.queue.add(name, true);
      }),
    );
    await Promise.all([
      this.cluster.sandboxes.start(),
      this.owned.start(),
      this.pods.start(),
    ]);
    this.enqueueAll();
  }

  stop() {
    this.running = false;
    this.unsubscribe.splice(0).forEach(u => u());
    this.queue.stop();
    this.owned.stop();
  }

  /** Queues every sandbox this replica owns (a resync), or those of them `which` selects. */
  enqueueAll(which: (name: string) => boolean = () => true) {
    for (const sandbox of this.cluster.sandboxes.list()) {
      const name = sandbox.metadata.name;
      if (this.owns(name) && which(name)) this.queue.add(name);
    }
  }

  private owns(name: string) {
    return this.options.owns?.(name) ?? true;
  }

  /** Resolves when no work is queued or in progress. */
  whenIdle() {
    return this.queue.whenIdle();
  }

  /**
   * Leaves an Event on the KarsSandbox for each drift a pass repaired. Best effort: the repair is
   * done, and a failed Event write must not undo or retry it.
   */
  private async recordDrifts(sandbox: KubeObject, drifts: Drift[]) {
    const at = new Date();
    for (const [i, drift] of drifts.entries()) {
      await this.gateway
        .create(driftEvent(sandbox, drift, at, this.reportingInstance, i))
        .catch(error =>
          this.logger.warn(
            `could not record the repaired drift of ${drift.kind} ${
              drift.name
            } on ${sandbox.metadata.name}: ${
              error instanceof KubeApiError
                ? `${error.statusCode} ${error.reason}`
                : 'error'
            }`,
          ),
        );
    }
  }

  /** One pass for one sandbox. */
  async reconcile(name: string): Promise<void | { requeueAfterMs: number }> {
    if (!this.owns(name)) return undefined;
    let sandbox = this.cluster.sandboxes.get(name, this.operatorNamespace);
    if (!sandbox) return undefined;
    if (sandbox.metadata.deletionTimestamp) {
      return finalizeSandbox(this.cluster, this.logger, sandbox);
    }

    if (!finalizersOf(sandbox).includes(KARS_FINALIZER)) {
      // A sandbox written without the finalizer (kubectl, the kars CLI) gets it, and the pass
      // goes on with what the server stored.
      sandbox = await this.gateway.replace<KarsSandboxObject>({
        ...sandbox,
        metadata: {
          ...sandbox.metadata,
          finalizers: [...finalizersOf(sandbox), KARS_FINALIZER],
        },
      });
    }

    const spec = readSandboxSpec(sandbox.spec);
    const namespaceName = sandboxNamespace(name);
    const observation: Observation = {
      generation: Number(sandbox.metadata.generation ?? 0),
      deleting: false,
      networkPolicyInPlace: false,
      credentialKeys: credentialKeysOf(sandbox),
    };

    const rendered = renderSandbox({
      name,
      spec,
      cluster: this.cluster.config.settings,
      sandboxUid: String(sandbox.metadata.uid ?? ''),
      restartedAt: sandbox.metadata.annotations?.[KARS_ANNOTATIONS.restartedAt],
    });
    const liveNamespace =
      this.owned.get('Namespace', namespaceName) ??
      (await createOrRead(this.gateway, rendered.namespace));
    if (!isClaimedNamespace(liveNamespace, name)) {
      observation.namespaceConflict = `namespace ${namespaceName} exists and was not made by kars portal for ${name}; it is left untouched`;
      await writeSandboxStatus(this.cluster, sandbox, spec, observation);
      return undefined;
    }

    const drifts: Drift[] = [];
    const apply = async (desired: KubeObject, live: KubeObject | undefined) => {
      const drift = await this.applier.applyIfNeeded(desired, live);
      if (drift) drifts.push(drift);
    };
    try {
      await apply(rendered.namespace, liveNamespace);
      const liveAccess = this.owned.get(
        'RoleBinding',
        rendered.secretAccess.metadata.name,
        namespaceName,
      );
      await apply(rendered.secretAccess, liveAccess);
      // What the Deployment's pods use and what confines them (the NetworkPolicy among them) is in
      // place before the Deployment; the objects of each step are written at once.
      const live = (o: KubeObject) =>
        this.owned.get(o.kind, o.metadata.name, namespaceName);
      const steps = applySteps(rendered.objects);
      await Promise.all([
        this.generatedSecrets.ensure(sandbox, rendered.secrets),
        ...steps.before.map(o => apply(o, live(o))),
      ]);
      for (const o of steps.workload) await apply(o, live(o));
      await Promise.all(steps.after.map(o => apply(o, live(o))));
      await this.owned.prune(name, namespaceName, [
        rendered.secretAccess,
        ...rendered.objects,
      ]);
    } catch (error) {
      await this.recordDrifts(sandbox, drifts);
      const apiError = error instanceof KubeApiError ? error : undefined;
      observation.failure = {
        reason: 'ApplyFailed',
        message: `applying the sandbox objects failed: ${
          apiError ? `${apiError.statusCode} ${apiError.reason}` : 'error'
        }; retrying`,
      };
      await writeSandboxStatus(this.cluster, sandbox, spec, observation).catch(
        () => undefined,
      );
      throw error;
    }

    await this.recordDrifts(sandbox, drifts);

    const names = sandboxObjectNames(name);
    const deployment = this.owned.get(
      'Deployment',
      names.deployment,
      namespaceName,
    );
    if (deployment) observation.deployment = deploymentObservation(deployment);
    const policy = this.owned.get(
      'NetworkPolicy',
      names.networkPolicy,
      namespaceName,
    );
    const desiredPolicy = rendered.objects.find(
      o => o.kind === 'NetworkPolicy',
    );
    observation.networkPolicyInPlace =
      !!policy && hashOf(policy) === hashOf(desiredPolicy);
    const gateway = publicGatewayOf(name, spec, this.cluster.config.settings);
    if (gateway) {
      const loadBalancer = this.owned.get(
        'Service',
        names.a2aGateway,
        namespaceName,
      );
      const certificate = this.owned.get(
        'Certificate',
        names.a2aGateway,
        namespaceName,
      );
      observation.a2aGateway = {
        url: gateway.url,
        address: loadBalancer && loadBalancerAddress(loadBalancer),
        certificate: certificate
          ? certificateReadiness(certificate)
          : { ready: false, reason: 'Missing', message: '' },
      };
    }
    observation.podFault = sandboxPodFault(
      podsOfSandbox(
        this.pods.listInNamespace(namespaceName),
        name,
        namespaceName,
      ),
    );
    await writeSandboxStatus(this.cluster, sandbox, spec, observation);
    return undefined;
  }
}
