import { KubeConfig } from '@kubernetes/client-node';
import type { Readable } from 'node:stream';
import { KubeHttp } from './KubeHttp';
import {
  KubeApiError,
  KubeGateway,
  KubeObject,
  ObjectList,
  ObjectRef,
  PodLogOptions,
  WatchEvent,
  WatchHandle,
} from './types';

/** Where a kind is served: its plural resource name and whether it is namespaced. */
interface ServedResource {
  name: string;
  namespaced: boolean;
}

/** The API path of a group version: `/api/v1` for the core group, `/apis/<group>/<version>` else. */
function groupVersionPath(apiVersion: string) {
  return apiVersion.includes('/')
    ? `/apis/${apiVersion}`
    : `/api/${apiVersion}`;
}

/** Turns anything a request throws into a KubeApiError (status 0 for network failures). */
export function toKubeApiError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
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

/**
 * The {@link KubeGateway} for a kubeconfig. Every read and write is plain JSON over one keep-alive
 * connection pool (`KubeHttp`), so what the backend sends is what the server stores; a watch is a
 * stream of its own (`KubeHttp.stream`), read a line (one event) at a time.
 *
 * @public
 */
export class ClientNodeGateway implements KubeGateway {
  private readonly http: KubeHttp;
  private readonly discovery = new Map<
    string,
    Promise<Map<string, ServedResource>>
  >();

  constructor(kubeConfig: KubeConfig) {
    this.http = new KubeHttp(kubeConfig);
  }

  /** The resources of a group version, discovered once and again when a kind is not found. */
  private resources(apiVersion: string, fresh = false) {
    let served = fresh ? undefined : this.discovery.get(apiVersion);
    if (!served) {
      served = this.http
        .json<{
          resources?: Array<{
            name: string;
            kind: string;
            namespaced: boolean;
          }>;
        }>({ method: 'GET', path: groupVersionPath(apiVersion) })
        .then(
          list =>
            new Map(
              (list.resources ?? [])
                .filter(r => !r.name.includes('/'))
                .map(r => [r.kind, { name: r.name, namespaced: r.namespaced }]),
            ),
        );
      this.discovery.set(apiVersion, served);
      served.catch(() => this.discovery.delete(apiVersion));
    }
    return served;
  }

  private async resource(
    apiVersion: string,
    kind: string,
  ): Promise<ServedResource> {
    const found =
      (await this.resources(apiVersion)).get(kind) ??
      (await this.resources(apiVersion, true)).get(kind);
    if (!found) {
      throw new KubeApiError(
        404,
        'NotFound',
        `the server does not serve ${kind} in ${apiVersion}`,
      );
    }
    return found;
  }

  /** The collection path of a kind, in a namespace when it is namespaced and one is given. */
  private async collectionPath(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ) {
    const resource = await this.resource(apiVersion, kind);
    const base = groupVersionPath(apiVersion);
    return resource.namespaced && namespace
      ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.name}`
      : `${base}/${resource.name}`;
  }

  private async objectPath(ref: ObjectRef) {
    const collection = await this.collectionPath(
      ref.apiVersion,
      ref.kind,
      ref.namespace,
    );
    return `${collection}/${encodeURIComponent(ref.name)}`;
  }

  private refOf(object: KubeObject): ObjectRef {
    return {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
    };
  }

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await call(async () =>
        this.http.json<T>({ method: 'GET', path: await this.objectPath(ref) }),
      );
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
    const list = await call(async () =>
      this.http.json<{
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>({
        method: 'GET',
        path: await this.collectionPath(apiVersion, kind, options.namespace),
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit,
          continue: options.continueToken,
        },
      }),
    );
    return {
      items: (list.items ?? []).map(item => ({ ...item, apiVersion, kind })),
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?.continue || undefined,
    };
  }

  async create<T extends KubeObject>(
    object: KubeObject,
    options: { fieldManager?: string; dryRun?: boolean } = {},
  ): Promise<T> {
    return call(async () =>
      this.http.json<T>({
        method: 'POST',
        path: await this.collectionPath(
          object.apiVersion,
          object.kind,
          object.metadata.namespace,
        ),
        query: {
          fieldManager: options.fieldManager,
          dryRun: options.dryRun ? 'All' : undefined,
        },
        body: object,
      }),
    );
  }

  async replace<T extends KubeObject>(
    object: KubeObject,
    options: { fieldManager?: string } = {},
  ): Promise<T> {
    return call(async () =>
      this.http.json<T>({
        method: 'PUT',
        path: await this.objectPath(this.refOf(object)),
        query: { fieldManager: options.fieldManager },
        body: object,
      }),
    );
  }

  async apply<T extends KubeObject>(
    object: KubeObject,
    options: { fieldManager: string; force?: boolean; dryRun?: boolean },
  ): Promise<T> {
    return call(async () =>
      this.http.json<T>({
        method: 'PATCH',
        path: await this.objectPath(this.refOf(object)),
        query: {
          fieldManager: options.fieldManager,
          force: options.force ? true : undefined,
          dryRun: options.dryRun ? 'All' : undefined,
        },
        body: object,
        contentType: 'application/apply-patch+yaml',
      }),
    );
  }

  async mergePatch<T extends KubeObject>(
    ref: ObjectRef,
    patch: unknown,
    options: { subresource?: 'status'; fieldManager?: string } = {},
  ): Promise<T> {
    return call(async () =>
      this.http.json<T>({
        method: 'PATCH',
        path: `${await this.objectPath(ref)}${
          options.subresource ? `/${options.subresource}` : ''
        }`,
        query: { fieldManager: options.fieldManager },
        body: patch,
        contentType: 'application/merge-patch+json',
      }),
    );
  }

  async delete(
    ref: ObjectRef,
    options: {
      preconditions?: { uid?: string; resourceVersion?: string };
      propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
    } = {},
  ): Promise<boolean> {
    try {
      await call(async () =>
        this.http.json({
          method: 'DELETE',
          path: await this.objectPath(ref),
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            propagationPolicy: options.propagationPolicy,
            preconditions: options.preconditions,
          },
        }),
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
      this.collectionPath(apiVersion, kind, options.namespace),
    );
    const controller = new AbortController();
    const response = await call(() =>
      this.http.stream(
        {
          path,
          query: {
            watch: true,
            resourceVersion: options.resourceVersion,
            labelSelector: options.labelSelector,
            allowWatchBookmarks: options.allowWatchBookmarks ?? true,
            timeoutSeconds: options.timeoutSeconds,
          },
        },
        controller.signal,
        { longLived: true },
      ),
    );
    let stopped = false;
    const end = (error?: unknown) => {
      if (stopped) return;
      stopped = true;
      controller.abort();
      onDone(error);
    };
    const line = (text: string) => {
      let event: { type?: string; object?: Record<string, unknown> };
      try {
        event = JSON.parse(text);
      } catch {
        end(
          new KubeApiError(
            0,
            'NetworkError',
            'the watch sent a malformed event',
          ),
        );
        return;
      }
      if (event.type === 'ERROR') {
        const status = (event.object ?? {}) as {
          code?: number;
          reason?: string;
          message?: string;
        };
        end(
          new KubeApiError(
            status.code ?? 500,
            status.reason ?? 'Unknown',
            status.message ?? 'watch error',
          ),
        );
        return;
      }
      onEvent({
        type: event.type as WatchEvent['type'],
        object: { apiVersion, kind, ...event.object } as T,
      });
    };
    // One JSON event per line; a chunk may end inside a line.
    let pending = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      pending += chunk;
      let start = 0;
      for (
        let newline = pending.indexOf('\n');
        newline >= 0 && !stopped;
        newline = pending.indexOf('\n', start)
      ) {
        if (newline > start) line(pending.slice(start, newline));
        start = newline + 1;
      }
      pending = pending.slice(start);
    });
    response.on('end', () => {
      if (pending.trim() && !stopped) line(pending);
      end();
    });
    response.on('error', error => end(toKubeApiError(error)));
    response.on('close', () => end());
    return {
      stop() {
        stopped = true;
        controller.abort();
      },
    };
  }

  async podLog(
    namespace: string,
    pod: string,
    options: PodLogOptions,
    signal?: AbortSignal,
  ): Promise<Readable> {
    return call(() =>
      this.http.stream(
        {
          path: `/api/v1/namespaces/${encodeURIComponent(
            namespace,
          )}/pods/${encodeURIComponent(pod)}/log`,
          query: {
            container: options.container,
            tailLines: options.tailLines,
            limitBytes: options.limitBytes,
            previous: options.previous || undefined,
            follow: options.follow || undefined,
          },
        },
        signal,
      ),
    );
  }
}
