import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import {
  KubeApiError,
  KubeGateway,
  KubeObject,
  ObjectList,
  ObjectRef,
  WatchEvent,
  WatchHandle,
} from './types';

/** Exposes the resource paths KubernetesObjectApi resolves through discovery, for watches. */
class ObjectApi extends KubernetesObjectApi {
  static fromKubeConfig(kc: KubeConfig): ObjectApi {
    const api = kc.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  async collectionPath(apiVersion: string, kind: string, namespace?: string) {
    const resource = await this.resource(apiVersion, kind);
    if (!resource) {
      throw new KubeApiError(
        404,
        'NotFound',
        `the server does not serve ${kind} in ${apiVersion}`,
      );
    }
    const base = this.apiVersionPath(apiVersion);
    return resource.namespaced && namespace
      ? `${base}/namespaces/${namespace}/${resource.name}`
      : `${base}/${resource.name}`;
  }

  async plural(apiVersion: string, kind: string) {
    const resource = await this.resource(apiVersion, kind);
    if (!resource) {
      throw new KubeApiError(
        404,
        'NotFound',
        `unknown kind ${kind} in ${apiVersion}`,
      );
    }
    return resource.name;
  }
}

function parseBody(body: unknown): { reason?: string; message?: string } {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return { message: body.slice(0, 500) };
    }
  }
  return (body as { reason?: string; message?: string }) ?? {};
}

/** Turns anything client-node throws into a KubeApiError (status 0 for network failures). */
export function toKubeApiError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) {
    const status = parseBody(error.body);
    const retryAfter = Number(error.headers?.['retry-after']);
    return new KubeApiError(
      error.code,
      status.reason ?? 'Unknown',
      status.message ?? `HTTP ${error.code}`,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new KubeApiError(0, 'NetworkError', message);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toKubeApiError(error);
  }
}

const header = (ref: ObjectRef) => ({
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  metadata: { name: ref.name, namespace: ref.namespace },
});

/** The {@link KubeGateway} over `@kubernetes/client-node`. */
export class ClientNodeGateway implements KubeGateway {
  private readonly objects: ObjectApi;
  private readonly customObjects: CustomObjectsApi;
  private readonly watcher: Watch;

  constructor(kubeConfig: KubeConfig) {
    this.objects = ObjectApi.fromKubeConfig(kubeConfig);
    this.customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.watcher = new Watch(kubeConfig);
  }

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return (await call(() => this.objects.read(header(ref)))) as unknown as T;
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async list<T extends KubeObject>(
    apiVersion: string,
    kind: string,
    options: {
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
      limit?: number;
      continueToken?: string;
    } = {},
  ): Promise<ObjectList<T>> {
    const list = await call(() =>
      this.objects.list(
        apiVersion,
        kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        options.fieldSelector,
        options.labelSelector,
        options.limit,
        options.continueToken,
      ),
    );
    return {
      items: list.items.map(item => ({
        apiVersion,
        kind,
        ...(item as object),
      })) as unknown as T[],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?._continue || undefined,
    };
  }

  async create<T extends KubeObject>(
    object: KubeObject,
    options: { fieldManager?: string; dryRun?: boolean } = {},
  ): Promise<T> {
    return (await call(() =>
      this.objects.create(
        object as KubernetesObject,
        undefined,
        options.dryRun ? 'All' : undefined,
        options.fieldManager,
      ),
    )) as unknown as T;
  }

  async replace<T extends KubeObject>(
    object: KubeObject,
    options: { fieldManager?: string } = {},
  ): Promise<T> {
    return (await call(() =>
      this.objects.replace(
        object as KubernetesObject,
        undefined,
        undefined,
        options.fieldManager,
      ),
    )) as unknown as T;
  }

  async apply<T extends KubeObject>(
    object: KubeObject,
    options: { fieldManager: string; force?: boolean; dryRun?: boolean },
  ): Promise<T> {
    return (await call(() =>
      this.objects.patch(
        object as KubernetesObject,
        undefined,
        options.dryRun ? 'All' : undefined,
        options.fieldManager,
        options.force ?? false,
        PatchStrategy.ServerSideApply,
      ),
    )) as unknown as T;
  }

  async mergePatch<T extends KubeObject>(
    ref: ObjectRef,
    patch: unknown,
    options: { subresource?: 'status'; fieldManager?: string } = {},
  ): Promise<T> {
    if (options.subresource === 'status') {
      const [group, version] = ref.apiVersion.split('/');
      const plural = await this.objects.plural(ref.apiVersion, ref.kind);
      return (await call(() =>
        this.customObjects.patchNamespacedCustomObjectStatus(
          {
            group,
            version,
            namespace: ref.namespace!,
            plural,
            name: ref.name,
            body: patch as object,
            fieldManager: options.fieldManager,
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      )) as unknown as T;
    }
    const body = {
      ...(patch as object),
      ...header(ref),
      metadata: {
        ...(patch as { metadata?: object }).metadata,
        ...header(ref).metadata,
      },
    };
    return (await call(() =>
      this.objects.patch(
        body as KubernetesObject,
        undefined,
        undefined,
        options.fieldManager,
        undefined,
        PatchStrategy.MergePatch,
      ),
    )) as unknown as T;
  }

  async delete(
    ref: ObjectRef,
    options: {
      preconditions?: { uid?: string; resourceVersion?: string };
      propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
    } = {},
  ): Promise<boolean> {
    try {
      await call(() =>
        this.objects.delete(
          header(ref),
          undefined,
          undefined,
          undefined,
          undefined,
          options.propagationPolicy,
          options.preconditions
            ? { preconditions: options.preconditions }
            : undefined,
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404)
        return false;
      throw error;
    }
  }

  async watch<T extends KubeObject>(
    apiVersion: string,
    kind: string,
    options: {
      namespace?: string;
      labelSelector?: string;
      resourceVersion: string;
      allowWatchBookmarks?: boolean;
      timeoutSeconds?: number;
    },
    onEvent: (event: WatchEvent<T>) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle> {
    const path = await call(() =>
      this.objects.collectionPath(apiVersion, kind, options.namespace),
    );
    let stopped = false;
    let controller: AbortController | undefined = undefined;
    controller = await call(() =>
      this.watcher.watch(
        path,
        {
          resourceVersion: options.resourceVersion,
          labelSelector: options.labelSelector,
          allowWatchBookmarks: options.allowWatchBookmarks ?? true,
          timeoutSeconds: options.timeoutSeconds,
        },
        (type, object) => {
          if (stopped) return;
          if (type === 'ERROR') {
            const status = object as {
              code?: number;
              reason?: string;
              message?: string;
            };
            stopped = true;
            onDone(
              new KubeApiError(
                status.code ?? 500,
                status.reason ?? 'Unknown',
                status.message ?? 'watch error',
              ),
            );
            controller?.abort();
            return;
          }
          onEvent({
            type: type as WatchEvent['type'],
            object: { apiVersion, kind, ...object } as T,
          });
        },
        error => {
          if (stopped) return;
          stopped = true;
          // client-node ends a watch that saw no data for 30 s with a TimeoutError: that is an
          // idle watch, not a failure; the caller resumes from the last resourceVersion.
          const idle =
            (error as { name?: string } | undefined)?.name === 'TimeoutError';
          onDone(error && !idle ? toKubeApiError(error) : undefined);
        },
      ),
    );
    return {
      stop() {
        stopped = true;
        controller?.abort();
      },
    };
  }
}
