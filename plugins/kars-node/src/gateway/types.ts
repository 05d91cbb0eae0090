import type { Readable } from 'node:stream';

/** A Kubernetes object, as the backend renders, writes and reads it (plain JSON). @public */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Which object: enough to address it on the API server. @public */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A page of a list. @public */
export interface ObjectList<T extends KubeObject = KubeObject> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

/** One watch event. @public */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

/** A running watch. @public */
export interface WatchHandle {
  stop(): void;
}

/**
 * An API error from the server: its HTTP status and the `reason` of its Status body.
 * The message comes from the server and never carries a request body.
 *
 * @public
 */
export class KubeApiError extends Error {
  readonly name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** 5xx, 429 and network failures are worth retrying; 4xx are not (409 by the caller's choice). */
  get retryable(): boolean {
    return (
      this.statusCode === 0 || this.statusCode === 429 || this.statusCode >= 500
    );
  }
}

/** Whether an error is a KubeApiError with the given status code. @public */
export function isStatus(error: unknown, statusCode: number): boolean {
  return error instanceof KubeApiError && error.statusCode === statusCode;
}

/** Which lines of a container's log to read (`pods/log`). @public */
export interface PodLogOptions {
  container: string;
  /** The last lines only. */
  tailLines?: number;
  /** At most this many bytes, from the start of what is chosen (the whole log, without tailLines). */
  limitBytes?: number;
  /** The previous run of the container (after a restart). */
  previous?: boolean;
  /** Keep the stream open and send what the container writes from then on. */
  follow?: boolean;
}

/**
 * The port through which everything in the backend talks to a cluster. The only adapter that
 * imports `@kubernetes/client-node` implements it; tests can count or fail its calls.
 *
 * @public
 */
export interface KubeGateway {
  /** The object, or undefined when it does not exist. */
  get<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
  ): Promise<T | undefined>;
  list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    options?: {
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
      limit?: number;
      continueToken?: string;
    },
  ): Promise<ObjectList<T>>;
  create<T extends KubeObject = KubeObject>(
    object: KubeObject,
    options?: { fieldManager?: string; dryRun?: boolean },
  ): Promise<T>;
  replace<T extends KubeObject = KubeObject>(
    object: KubeObject,
    options?: { fieldManager?: string },
  ): Promise<T>;
  /** Server-side apply. */
  apply<T extends KubeObject = KubeObject>(
    object: KubeObject,
    options: { fieldManager: string; force?: boolean; dryRun?: boolean },
  ): Promise<T>;
  /** JSON merge patch of the object, or of its status subresource. */
  mergePatch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    patch: unknown,
    options?: { subresource?: 'status'; fieldManager?: string },
  ): Promise<T>;
  /** Deletes; false when it was already gone. */
  delete(
    ref: ObjectRef,
    options?: {
      preconditions?: { uid?: string; resourceVersion?: string };
      propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
    },
  ): Promise<boolean>;
  watch<T extends KubeObject = KubeObject>(
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
  ): Promise<WatchHandle>;
  /**
   * The log of a pod's container (`pods/log`) as a byte stream, once the server has answered 2xx;
   * a KubeApiError when it does not. Aborting `signal` ends the request to the server.
   */
  podLog(
    namespace: string,
    pod: string,
    options: PodLogOptions,
    signal?: AbortSignal,
  ): Promise<Readable>;
}
