import { randomBytes } from 'crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GENERATED_TOKEN_KEY,
  INFERENCE_POLICY_KIND,
  KARS_ANNOTATIONS,
  KARS_API_GROUP_VERSION,
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_FIELD_MANAGER,
  KARS_FINALIZER,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  KARS_SANDBOX_KIND,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { canonicalJson } from '../render/hash';
import { renderSandbox } from '../render/renderSandbox';
import { Informer } from '../kube/Informer';
import { ClusterConnection } from '../service/ClusterConnection';
import { awaitSecretAccess } from '../service/secretAccess';
import {
  credentialKeysOf,
  isClaimedNamespace,
  isOwnNamespace,
  KarsSandboxObject,
  readSandboxSpec,
  readSandboxStatus,
} from '../service/sandboxObject';
import {
  deploymentObservation,
  ownedNeedsReconcile,
  sandboxNeedsReconcile,
} from './predicates';
import { computeStatus, Observation } from './status';
import { WorkQueue } from './WorkQueue';
import {
  KubeApiError,
  KubeGateway,
  KubeObject,
} from '@kars-portal/plugin-kars-node';

/** The kinds of object the reconciler makes, watched by label. Secrets are never listed or watched. */
export const OWNED_KINDS = [
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    namespaced: true,
  },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    namespaced: true,
  },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  {
    apiVersion: KARS_API_GROUP_VERSION,
    kind: INFERENCE_POLICY_KIND,
    namespaced: true,
  },
] as const;

const OWNED_SELECTOR = `${KARS_LABELS.managedBy}=${KARS_LABEL_VALUES.managedBy}`;

const hashOf = (o: KubeObject | undefined) =>
  o?.metadata.annotations?.[KARS_ANNOTATIONS.desiredHash];

const OUR_MANAGERS = [KARS_FIELD_MANAGER, KARS_CREDENTIALS_FIELD_MANAGER];

/**
 * Whether someone other than kars portal owns a field of the object that kars portal sets: any
 * field outside metadata and status, or one of the labels and annotations it renders. Status
 * writers (controllers, the simulator) and annotations it does not render do not count.
 */
export function hasForeignEdits(
  live: KubeObject,
  desired: KubeObject,
): boolean {
  const ourMetaKeys = new Set([
    ...Object.keys(desired.metadata.labels ?? {}),
    ...Object.keys(desired.metadata.annotations ?? {}),
  ]);
  const entries = (live.metadata.managedFields ?? []) as Array<{
    manager?: string;
    subresource?: string;
    fieldsV1?: Record<string, any>;
  }>;
  return entries.some(entry => {
    if (OUR_MANAGERS.includes(entry.manager ?? '') || entry.subresource)
      return false;
    return Object.entries(entry.fieldsV1 ?? {}).some(([field, value]) => {
      if (field === 'f:status' || field === '.') return false;
      if (field !== 'f:metadata') return true;
      return ['f:labels', 'f:annotations'].some(part =>
        Object.keys(value?.[part] ?? {}).some(k => ourMetaKeys.has(k.slice(2))),
      );
    });
  });
}

/** How long a pass waits for the sandbox cache to hold the status it wrote. */
const STATUS_SEEN_TIMEOUT_MS = 5000;

/**
 * The controller of one cluster: level-triggered, idempotent. It watches KarsSandbox objects and, by
 * label, the objects it made, and queues a sandbox only for the changes its predicates pass (never
 * for a status write of its own); renders the desired objects; applies only those whose desired-hash
 * annotation differs from the live one (server-side apply, one field manager); prunes what is no
 * longer desired; deletes through a finalizer; and writes status only when it changed.
 */
export class Reconciler {
  private readonly owned = new Map<string, Informer>();
  private readonly queue: WorkQueue;
  private readonly confirmedSecrets = new Set<string>();
  /** resourceVersions known to hold exactly what was desired, so they are not checked again. */
  private readonly clean = new Map<string, string>();
  private readonly unsubscribe: Array<() => void> = [];
  private running = false;

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly logger: LoggerService,
    options: {
      concurrency?: number;
      baseDelayMs?: number;
      maxDelayMs?: number;
    } = {},
  ) {
    for (const k of OWNED_KINDS) {
      this.owned.set(
        k.kind,
        new Informer(
          cluster.gateway,
          {
            apiVersion: k.apiVersion,
            kind: k.kind,
            labelSelector: OWNED_SELECTOR,
          },
          logger,
        ),
      );
    }
    this.queue = new WorkQueue(key => this.reconcile(key), {
      ...options,
      onError: (key, error, attempt) =>
        this.logger.warn(
          `reconcile ${key} failed (attempt ${attempt}), retrying: ${
            error instanceof Error ? error.message : error
          }`,
        ),
    });
  }

  private get gateway(): KubeGateway {
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
          this.confirmedSecrets.clear();
          this.enqueueAll();
        } else if (sandboxNeedsReconcile(event)) {
          this.queue.add(event.object.metadata.name);
        }
      }),
    );
    for (const [kind, informer] of this.owned) {
      const relevant = ownedNeedsReconcile(kind);
      this.unsubscribe.push(
        informer.onChange(event => {
          if (event.type === 'resync' || !relevant(event)) return;
          // A relabelled object leaves one sandbox for another: both are queued.
          const before = event.type === 'upsert' ? event.old : undefined;
          for (const o of [event.object, before]) {
            const name = o?.metadata.labels?.[KARS_LABELS.sandbox];
            if (name) this.queue.add(name);
          }
        }),
      );
    }
    await Promise.all([
      this.cluster.sandboxes.start(),
      ...[...this.owned.values()].map(i => i.start()),
    ]);
    this.enqueueAll();
  }

  stop() {
    this.running = false;
    this.unsubscribe.splice(0).forEach(u => u());
    this.queue.stop();
    for (const informer of this.owned.values()) informer.stop();
  }

  /** Queues every sandbox (a resync). */
  enqueueAll() {
    for (const sandbox of this.cluster.sandboxes.list()) {
      this.queue.add(sandbox.metadata.name);
    }
  }

  /** Resolves when no work is queued or in progress. */
  whenIdle() {
    return this.queue.whenIdle();
  }

  private liveOwned(kind: string, name: string, namespace?: string) {
    return this.owned.get(kind)!.get(name, namespace);
  }

  /** One pass for one sandbox. */
  async reconcile(name: string): Promise<void | { requeueAfterMs: number }> {
    const sandbox = this.cluster.sandboxes.get(name, this.operatorNamespace);
    if (!sandbox) return undefined;
    if (sandbox.metadata.deletionTimestamp) return this.finalize(sandbox);

    if (
      !((sandbox.metadata.finalizers as string[] | undefined) ?? []).includes(
        KARS_FINALIZER,
      )
    ) {
      await this.gateway.replace({
        ...sandbox,
        metadata: {
          ...sandbox.metadata,
          finalizers: [
            ...((sandbox.metadata.finalizers as string[]) ?? []),
            KARS_FINALIZER,
          ],
        },
      });
      return undefined;
    }

    const spec = readSandboxSpec(sandbox.spec);
    const namespaceName = sandboxNamespace(name);
    const observation: Observation = {
      generation: Number(sandbox.metadata.generation ?? 0),
      deleting: false,
      networkPolicyInPlace: false,
      credentialKeys: credentialKeysOf(sandbox),
    };

    const liveNamespace =
      this.liveOwned('Namespace', namespaceName) ??
      (await this.gateway.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespaceName,
      }));
    if (liveNamespace && !isClaimedNamespace(liveNamespace, name)) {
      observation.namespaceConflict = `namespace ${namespaceName} exists and was not made by kars portal for ${name}; it is left untouched`;
      await this.writeStatus(sandbox, spec, observation);
      return undefined;
    }

    const rendered = renderSandbox({
      name,
      spec,
      cluster: this.cluster.config.settings,
      sandboxUid: String(sandbox.metadata.uid ?? ''),
      restartedAt: sandbox.metadata.annotations?.[KARS_ANNOTATIONS.restartedAt],
    });
    try {
      await this.applyIfNeeded(rendered.namespace, liveNamespace);
      const liveAccess = this.liveOwned(
        'RoleBinding',
        rendered.secretAccess.metadata.name,
        namespaceName,
      );
      await this.applyIfNeeded(rendered.secretAccess, liveAccess);
      if (!liveAccess) await awaitSecretAccess(this.gateway, namespaceName);
      await this.ensureGeneratedSecrets(sandbox, rendered.secrets);
      for (const desired of rendered.objects) {
        await this.applyIfNeeded(
          desired,
          this.liveOwned(desired.kind, desired.metadata.name, namespaceName),
        );
      }
      await this.prune(name, namespaceName, [
        rendered.secretAccess,
        ...rendered.objects,
      ]);
    } catch (error) {
      const apiError = error instanceof KubeApiError ? error : undefined;
      observation.failure = {
        reason: 'ApplyFailed',
        message: `applying the sandbox objects failed: ${
          apiError ? `${apiError.statusCode} ${apiError.reason}` : 'error'
        }; retrying`,
      };
      await this.writeStatus(sandbox, spec, observation).catch(() => undefined);
      throw error;
    }

    const deployment = this.liveOwned(
      'Deployment',
      sandboxObjectNames(name).deployment,
      namespaceName,
    );
    if (deployment) observation.deployment = deploymentObservation(deployment);
    const policy = this.liveOwned(
      'NetworkPolicy',
      sandboxObjectNames(name).networkPolicy,
      namespaceName,
    );
    const desiredPolicy = rendered.objects.find(
      o => o.kind === 'NetworkPolicy',
    );
    observation.networkPolicyInPlace =
      !!policy && hashOf(policy) === hashOf(desiredPolicy);
    await this.writeStatus(sandbox, spec, observation);
    return undefined;
  }

  /**
   * Applies an object only when its live copy differs from what is desired: another desired hash,
   * or a field of ours that someone else edited since the last check. Deleted objects come back.
   */
  private async applyIfNeeded(
    desired: KubeObject,
    live: KubeObject | undefined,
  ) {
    const key = `${desired.kind}/${desired.metadata.namespace ?? ''}/${
      desired.metadata.name
    }`;
    if (live && hashOf(live) === hashOf(desired)) {
      const rv = String(live.metadata.resourceVersion ?? '');
      if (this.clean.get(key) === rv) return;
      if (!hasForeignEdits(live, desired)) {
        this.clean.set(key, rv);
        return;
      }
    }
    const applied = await this.gateway.apply(desired, {
      fieldManager: KARS_FIELD_MANAGER,
      force: true,
    });
    this.clean.set(key, String(applied.metadata.resourceVersion ?? ''));
  }

  /** The generated tokens are created once, never updated: Secret data is never applied. */
  private async ensureGeneratedSecrets(
    sandbox: KarsSandboxObject,
    secrets: ReturnType<typeof renderSandbox>['secrets'],
  ) {
    for (const { object, source } of secrets) {
      if (source.kind !== 'generated') continue;
      const key = `${sandbox.metadata.uid}/${object.metadata.name}`;
      if (this.confirmedSecrets.has(key)) continue;
      const ref = {
        apiVersion: 'v1',
        kind: 'Secret',
        name: object.metadata.name,
        namespace: object.metadata.namespace,
      };
      if (!(await this.gateway.get(ref))) {
        try {
          await this.gateway.create(
            {
              ...object,
              data: {
                [GENERATED_TOKEN_KEY]: Buffer.from(
                  randomBytes(source.bytes).toString('hex'),
                ).toString('base64'),
              },
            },
            { fieldManager: KARS_FIELD_MANAGER },
          );
        } catch (error) {
          if (!(error instanceof KubeApiError && error.statusCode === 409))
            throw error;
        }
      }
      this.confirmedSecrets.add(key);
    }
  }

  /** Deletes objects this sandbox owned that are no longer desired. */
  private async prune(name: string, namespace: string, desired: KubeObject[]) {
    const wanted = new Set(desired.map(o => `${o.kind}/${o.metadata.name}`));
    for (const k of OWNED_KINDS) {
      if (!k.namespaced) continue;
      for (const live of this.owned.get(k.kind)!.list()) {
        if (
          live.metadata.namespace === namespace &&
          live.metadata.labels?.[KARS_LABELS.sandbox] === name &&
          !wanted.has(`${k.kind}/${live.metadata.name}`)
        ) {
          await this.gateway.delete(
            {
              apiVersion: k.apiVersion,
              kind: k.kind,
              name: live.metadata.name,
              namespace,
            },
            { preconditions: { uid: String(live.metadata.uid) } },
          );
        }
      }
    }
  }

  private async writeStatus(
    sandbox: KarsSandboxObject,
    spec: ReturnType<typeof readSandboxSpec>,
    observation: Observation,
  ) {
    const previous = readSandboxStatus(sandbox.status);
    const next = computeStatus(
      spec,
      observation,
      previous,
      new Date(),
      sandboxNamespace(sandbox.metadata.name),
    );
    const strip = ({ lastReconciledAt: _l, ...rest }: typeof next) => rest;
    if (canonicalJson(strip(next)) === canonicalJson(strip(previous))) return;
    const written = await this.gateway.mergePatch(
      {
        apiVersion: KARS_API_GROUP_VERSION,
        kind: KARS_SANDBOX_KIND,
        name: sandbox.metadata.name,
        namespace: this.operatorNamespace,
      },
      { status: { ...next, lastReconciledAt: new Date().toISOString() } },
      { subresource: 'status', fieldManager: KARS_FIELD_MANAGER },
    );
    // The write queues no pass (its own status), so the next pass must find it in the cache: a
    // pass that compared with the status before it could leave a stale phase until the resync.
    const version = written.metadata.resourceVersion;
    await this.cluster.sandboxes.waitFor(
      () =>
        this.cluster.sandboxes.get(
          sandbox.metadata.name,
          this.operatorNamespace,
        )?.metadata.resourceVersion === version,
      STATUS_SEEN_TIMEOUT_MS,
    );
  }

  /** Deletion: the sandbox's namespace goes (never one the backend did not make), then the finalizer. */
  private async finalize(
    sandbox: KarsSandboxObject,
  ): Promise<void | { requeueAfterMs: number }> {
    const name = sandbox.metadata.name;
    const finalizers =
      (sandbox.metadata.finalizers as string[] | undefined) ?? [];
    if (!finalizers.includes(KARS_FINALIZER)) return undefined;
    const spec = readSandboxSpec(sandbox.spec);
    const namespaceName = sandboxNamespace(name);
    const namespace = await this.gateway.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: namespaceName,
    });
    const ours = namespace && isOwnNamespace(namespace, sandbox);
    if (namespace && ours) {
      await this.writeStatus(sandbox, spec, {
        generation: Number(sandbox.metadata.generation ?? 0),
        deleting: true,
        networkPolicyInPlace: false,
        credentialKeys: credentialKeysOf(sandbox),
      }).catch(() => undefined);
      if (!namespace.metadata.deletionTimestamp) {
        await this.gateway.delete(
          { apiVersion: 'v1', kind: 'Namespace', name: namespaceName },
          { preconditions: { uid: String(namespace.metadata.uid) } },
        );
      }
      return { requeueAfterMs: 1000 };
    }
    if (namespace && !ours) {
      this.logger.warn(
        `sandbox ${name} deleted; namespace ${namespaceName} is not ours and stays`,
      );
    }
    await this.gateway.replace({
      ...sandbox,
      metadata: {
        ...sandbox.metadata,
        finalizers: finalizers.filter(f => f !== KARS_FINALIZER),
      },
    });
    return undefined;
  }
}
