import {
  credentialKeyNames,
  Credentials,
  KARS_ANNOTATIONS,
  KARS_API_GROUP_VERSION,
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_FIELD_MANAGER,
  KARS_SANDBOX_KIND,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { ConflictError } from '@backstage/errors';
import { ownedLabels } from '../render/labels';
import { renderNamespace } from '../render/namespace';
import { withDesiredHash } from '../render/renderSandbox';
import { sha256Hex } from '../render/hash';
import { KubeApiError } from '../kube/types';
import { ClusterConnection } from './ClusterConnection';
import {
  CREDENTIAL_KEYS_ANNOTATION,
  isClaimedNamespace,
  readSandboxSpec,
  KarsSandboxObject,
} from './sandboxObject';

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

/**
 * Writes a sandbox's credentials Secret, and nothing else of it: under its own field manager, never
 * read back to a caller; records the key names (never values) on the KarsSandbox; and, when asked,
 * rolls only that sandbox's Deployment through a pod-template annotation that hashes the key names
 * and a version.
 */
export class CredentialsWriter {
  constructor(private readonly now: () => Date = () => new Date()) {}

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
    const names = sandboxObjectNames(name);
    const namespace = sandboxNamespace(name);
    const gateway = cluster.gateway;

    await this.ensureNamespace(cluster, sandbox);

    const secretRef = {
      apiVersion: 'v1',
      kind: 'Secret',
      name: names.credentialsSecret,
      namespace,
    };
    let data: Record<string, string> = {};
    try {
      if (options.mode === 'merge') {
        const existing = await gateway.get<
          { data?: Record<string, string> } & any
        >(secretRef);
        data = { ...(existing?.data ?? {}) };
      }
      for (const key of credentialKeyNames(credentials)) {
        data[key] = Buffer.from(credentials[key]!, 'utf8').toString('base64');
      }
      await gateway.apply(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: names.credentialsSecret,
            namespace,
            labels: ownedLabels(name),
          },
          type: 'Opaque',
          data,
        },
        { fieldManager: KARS_CREDENTIALS_FIELD_MANAGER, force: true },
      );
    } catch (error) {
      throw new CredentialsWriteError('the credentials Secret', error);
    }
    const credentialKeys = Object.keys(data).sort();

    let sandboxResourceVersion: string;
    try {
      const patched = await gateway.mergePatch(
        {
          apiVersion: KARS_API_GROUP_VERSION,
          kind: KARS_SANDBOX_KIND,
          name,
          namespace: sandbox.metadata.namespace,
        },
        {
          metadata: {
            annotations: {
              [CREDENTIAL_KEYS_ANNOTATION]: credentialKeys.join(','),
            },
          },
        },
        { fieldManager: KARS_CREDENTIALS_FIELD_MANAGER },
      );
      sandboxResourceVersion = String(patched.metadata.resourceVersion);
    } catch (error) {
      throw new CredentialsWriteError('recording the key names', error);
    }

    let restarted = false;
    if (options.restart) {
      const deployment = await gateway.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: names.deployment,
        namespace,
      });
      if (deployment) {
        const version = sha256Hex({
          keys: credentialKeys,
          version: this.now().toISOString(),
        }).slice(0, 16);
        try {
          await gateway.apply(
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name: names.deployment, namespace },
              spec: {
                template: {
                  metadata: {
                    annotations: {
                      [KARS_ANNOTATIONS.credentialsVersion]: version,
                    },
                  },
                },
              },
            },
            { fieldManager: KARS_CREDENTIALS_FIELD_MANAGER, force: true },
          );
          restarted = true;
        } catch (error) {
          throw new CredentialsWriteError('rolling the Deployment', error);
        }
      }
    }
    return { credentialKeys, restarted, sandboxResourceVersion };
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
    const name = sandbox.metadata.name;
    const names = sandboxObjectNames(name);
    const namespace = sandboxNamespace(name);
    const gateway = cluster.gateway;
    const namespaceExists = await this.checkNamespace(cluster, sandbox);

    let current: string[] = [];
    if (namespaceExists) {
      try {
        const existing = await gateway.get<
          { data?: Record<string, string> } & any
        >({
          apiVersion: 'v1',
          kind: 'Secret',
          name: names.credentialsSecret,
          namespace,
        });
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
    const deployment =
      options.restart && namespaceExists
        ? await gateway.get({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: names.deployment,
            namespace,
          })
        : undefined;
    return {
      credentialKeys: [...new Set([...kept, ...given])].sort(),
      added: given.filter(k => !current.includes(k)),
      replaced: given.filter(k => current.includes(k)),
      removed:
        options.mode === 'replace'
          ? current.filter(k => !given.includes(k)).sort()
          : [],
      wouldRestart: Boolean(deployment),
      secret: { name: names.credentialsSecret, namespace },
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

  /** The Secret lives in the sandbox namespace: make and claim it if the reconciler has not yet. */
  private async ensureNamespace(
    cluster: ClusterConnection,
    sandbox: KarsSandboxObject,
  ) {
    const name = sandbox.metadata.name;
    if (await this.checkNamespace(cluster, sandbox)) return;
    const namespace = withDesiredHash(
      renderNamespace({
        name,
        spec: readSandboxSpec(sandbox.spec),
        cluster: cluster.config.settings,
        sandboxUid: String(sandbox.metadata.uid ?? ''),
      }),
    );
    try {
      await cluster.gateway.apply(namespace, {
        fieldManager: KARS_FIELD_MANAGER,
        force: true,
      });
    } catch (error) {
      throw new CredentialsWriteError('the sandbox namespace', error);
    }
  }
}
