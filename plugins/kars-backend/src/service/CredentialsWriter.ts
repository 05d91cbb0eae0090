import {
  credentialKeyNames,
  Credentials,
  KARS_ANNOTATIONS,
  KARS_API_GROUP_VERSION,
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_SANDBOX_KIND,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { ownedLabels } from '../render/labels';
import { ClusterConnection } from './ClusterConnection';
import { awaitSandboxNamespace, NAMESPACE_WAIT_MS } from './secretAccess';
import {
  CREDENTIAL_KEYS_ANNOTATION,
  isClaimedNamespace,
  KarsSandboxObject,
} from './sandboxObject';
import { isStatus, KubeApiError } from '@kars-portal/plugin-kars-node';

/** Raised when writing credentials fails; its message never carries a value. */
export class CredentialsWriteError extends Error {
  readonly name = 'CredentialsWriteError';
  constructor(step: string, cause: unknown) {
    const status =
      cause instanceof KubeApiError
        ? `${cause.statusCode} ${cause.reason}`
        : 'error';
    super(`writing credentials failed at ${step} (${status})`);
  }
}

/** How often a write that met a concurrent change is tried again before it fails. */
const MAX_ATTEMPTS = 50;

/** A short, growing, jittered pause between attempts, so concurrent writers fall out of step. */
const pause = (attempt: number) =>
  new Promise(resolve =>
    setTimeout(resolve, Math.random() * 5 * Math.min(attempt, 10)),
  );

/** Runs `fn` again (up to {@link MAX_ATTEMPTS} times) while it meets a 409 Conflict. */
async function onConflictRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isStatus(error, 409) || attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
}

/**
 * The restart annotation's next value: now, or just after the one it replaces when that is not
 * older (two rotations in the same millisecond still roll twice, the second after its own Secret
 * write). Pure.
 */
export function nextRestartedAt(previous: string | undefined, now: Date) {
  const last = previous ? Date.parse(previous) : NaN;
  return new Date(
    Number.isNaN(last) ? now.getTime() : Math.max(now.getTime(), last + 1),
  ).toISOString();
}

/**
 * Writes a sandbox's credentials Secret and, on the KarsSandbox, the key names (never values) and,
 * when asked to restart, the restart annotation; nothing else. The Secret is written under its own
 * field manager and never read back to a caller. The namespace, the RoleBinding that lets the
 * backend write Secrets there, and the Deployment belong to the reconciler: a write waits for the
 * namespace, and a restart is the annotation, which the renderer copies into the pod template.
 *
 * Concurrent writes lose nothing: a merge is a JSON merge patch of the given keys only, which the
 * server applies atomically; a replace is guarded by the Secret's resourceVersion. The key names are
 * read from the Secret after the KarsSandbox and written guarded by the KarsSandbox's
 * resourceVersion, so the last annotation written was computed after every Secret write before it.
 * Both are tried again on a 409 Conflict.
 */
export class CredentialsWriter {
  private readonly now: () => Date;
  private readonly namespaceWaitMs: number;

  constructor(options: { now?: () => Date; namespaceWaitMs?: number } = {}) {
    this.now = options.now ?? (() => new Date());
    this.namespaceWaitMs = options.namespaceWaitMs ?? NAMESPACE_WAIT_MS;
  }

  async write(
    cluster: ClusterConnection,
    sandbox: KarsSandboxObject,
    credentials: Credentials,
    options: { mode: 'merge' | 'replace'; restart: boolean },
  ): Promise<{
    credentialKeys: string[];
    restarted: boolean;
    sandboxResourceVersion: string;
  }> {
    const name = sandbox.metadata.name;
    try {
      await awaitSandboxNamespace(cluster.gateway, sandbox, {
        timeoutMs: this.namespaceWaitMs,
      });
    } catch (error) {
      if (
        error instanceof ConflictError ||
        error instanceof ServiceUnavailableError
      )
        throw error;
      throw new CredentialsWriteError(
        'waiting for the sandbox namespace',
        error,
      );
    }

    const given: Record<string, string> = Object.fromEntries(
      credentialKeyNames(credentials).map(key => [
        key,
        Buffer.from(credentials[key]!, 'utf8').toString('base64'),
      ]),
    );
    try {
      await onConflictRetry(() =>
        options.mode === 'merge'
          ? this.mergeKeys(cluster, name, given)
          : this.replaceKeys(cluster, name, given),
      );
    } catch (error) {
      throw new CredentialsWriteError('the credentials Secret', error);
    }

    const restarted =
      options.restart && Boolean(await this.liveDeployment(cluster, name));
    try {
      const recorded = await onConflictRetry(() =>
        this.recordKeyNames(cluster, sandbox, restarted),
      );
      return { ...recorded, restarted };
    } catch (error) {
      throw new CredentialsWriteError('recording the key names', error);
    }
  }

  /**
   * What {@link CredentialsWriter.write} would change, writing nothing: key names before and after
   * (read from the Secret as `write` merges them; values are never kept or returned) and whether the
   * Deployment would roll. Refuses what `write` would refuse (a namespace kars portal did not make).
   */
  async plan(
    cluster: ClusterConnection,
    sandbox: KarsSandboxObject,
    credentials: Credentials,
    options: { mode: 'merge' | 'replace'; restart: boolean },
  ): Promise<{
    credentialKeys: string[];
    added: string[];
    replaced: string[];
    removed: string[];
    wouldRestart: boolean;
    secret: { name: string; namespace: string };
  }> {
    const namespaceExists = await this.checkNamespace(cluster, sandbox);
    const secret = this.secretRef(sandbox.metadata.name);
    let current: string[] = [];
    if (namespaceExists) {
      try {
        const existing = await cluster.gateway.get<
          { data?: Record<string, string> } & any
        >(secret);
        current = Object.keys(existing?.data ?? {});
      } catch (error) {
        throw new CredentialsWriteError(
          'reading the credentials Secret',
          error,
        );
      }
    }
    const given: string[] = credentialKeyNames(credentials);
    const kept =
      options.mode === 'merge' ? current.filter(k => !given.includes(k)) : [];
    const wouldRestart =
      options.restart &&
      namespaceExists &&
      Boolean(await this.liveDeployment(cluster, sandbox.metadata.name));
    return {
      credentialKeys: [...new Set([...kept, ...given])].sort(),
      added: given.filter(k => !current.includes(k)),
      replaced: given.filter(k => current.includes(k)),
      removed:
        options.mode === 'replace'
          ? current.filter(k => !given.includes(k)).sort()
          : [],
      wouldRestart,
      secret: { name: secret.name, namespace: secret.namespace },
    };
  }

  /** Whether the sandbox namespace exists; a conflict when it does and kars portal did not make it. */
  private async checkNamespace(
    cluster: ClusterConnection,
    sandbox: KarsSandboxObject,
  ): Promise<boolean> {
    const name = sandbox.metadata.name;
    const existing = await cluster.gateway.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: sandboxNamespace(name),
    });
    if (existing && !isClaimedNamespace(existing, name)) {
      throw new ConflictError(
        `namespace ${sandboxNamespace(
          name,
        )} exists and was not made by kars portal for ${name} [NamespaceOwnershipConflict]`,
      );
    }
    return Boolean(existing);
  }

  /** Sets the given keys, leaving the others: a JSON merge patch, or a create when there is no Secret. */
  private async mergeKeys(
    cluster: ClusterConnection,
    name: string,
    given: Record<string, string>,
  ) {
    try {
      await cluster.gateway.mergePatch(
        this.secretRef(name),
        { metadata: { labels: ownedLabels(name) }, data: given },
        { fieldManager: KARS_CREDENTIALS_FIELD_MANAGER },
      );
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      await this.createSecret(cluster, name, given);
    }
  }

  /** Leaves exactly the given keys: a patch guarded by the resourceVersion the removals were read at. */
  private async replaceKeys(
    cluster: ClusterConnection,
    name: string,
    given: Record<string, string>,
  ) {
    const existing = await cluster.gateway.get<
      { data?: Record<string, string> } & any
    >(this.secretRef(name));
    if (!existing) {
      await this.createSecret(cluster, name, given);
      return;
    }
    const removed = Object.keys(existing.data ?? {}).filter(
      key => !(key in given),
    );
    await cluster.gateway.mergePatch(
      this.secretRef(name),
      {
        metadata: {
          resourceVersion: existing.metadata.resourceVersion,
          labels: ownedLabels(name),
        },
        data: {
          ...Object.fromEntries(removed.map(key => [key, null])),
          ...given,
        },
      },
      { fieldManager: KARS_CREDENTIALS_FIELD_MANAGER },
    );
  }

  /**
   * Records the Secret's key names on the KarsSandbox, and a new restart annotation when asked: read
   * after the KarsSandbox, written guarded by its resourceVersion, so a write computed from an older
   * Secret meets a 409 and reads again.
   */
  private async recordKeyNames(
    cluster: ClusterConnection,
    sandbox: KarsSandboxObject,
    restart: boolean,
  ) {
    const name = sandbox.metadata.name;
    const ref = {
      apiVersion: KARS_API_GROUP_VERSION,
      kind: KARS_SANDBOX_KIND,
      name,
      namespace: sandbox.metadata.namespace,
    };
    const live = await cluster.gateway.get(ref);
    if (!live) {
      throw new KubeApiError(404, 'NotFound', `sandbox ${name} is gone`);
    }
    const secret = await cluster.gateway.get<
      { data?: Record<string, string> } & any
    >(this.secretRef(name));
    const credentialKeys = Object.keys(secret?.data ?? {}).sort();
    const restartedAt = KARS_ANNOTATIONS.restartedAt;
    const patched = await cluster.gateway.mergePatch(
      ref,
      {
        metadata: {
          resourceVersion: live.metadata.resourceVersion,
          annotations: {
            [CREDENTIAL_KEYS_ANNOTATION]: credentialKeys.join(','),
            ...(restart
              ? {
                  [restartedAt]: nextRestartedAt(
                    live.metadata.annotations?.[restartedAt],
                    this.now(),
                  ),
                }
              : {}),
          },
        },
      },
      { fieldManager: KARS_CREDENTIALS_FIELD_MANAGER },
    );
    return {
      credentialKeys,
      sandboxResourceVersion: String(patched.metadata.resourceVersion),
    };
  }

  private liveDeployment(cluster: ClusterConnection, name: string) {
    return cluster.gateway.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: sandboxObjectNames(name).deployment,
      namespace: sandboxNamespace(name),
    });
  }

  /** Creates the Secret; a 409 (someone else created it first) is for the caller to retry. */
  private async createSecret(
    cluster: ClusterConnection,
    name: string,
    data: Record<string, string>,
  ) {
    const ref = this.secretRef(name);
    await cluster.gateway.create(
      {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: {
          name: ref.name,
          namespace: ref.namespace,
          labels: ownedLabels(name),
        },
        type: 'Opaque',
        data,
      },
      { fieldManager: KARS_CREDENTIALS_FIELD_MANAGER },
    );
  }

  private secretRef(name: string) {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      name: sandboxObjectNames(name).credentialsSecret,
      namespace: sandboxNamespace(name),
    };
  }
}
