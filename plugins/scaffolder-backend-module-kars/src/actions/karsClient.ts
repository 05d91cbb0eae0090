import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import {
  KARS_PLUGIN_ID,
  KarsApi,
  KarsClient,
  KarsRequestOptions,
} from '@kars-portal/plugin-kars-common';
import { ActionContext } from '@backstage/plugin-scaffolder-node';

/** What the kars actions need. @public */
export interface KarsActionOptions {
  auth: AuthService;
  discovery: DiscoveryService;
  /** Replaces the HTTP client (tests). */
  client?: KarsApi;
  /** How often `waitForRunning` and `waitUntilGone` ask the backend. */
  pollIntervalMs?: number;
}

/** The typed client, and per-call options acting on behalf of the task's initiator. */
export function karsCaller(options: KarsActionOptions) {
  const client =
    options.client ?? new KarsClient({ discoveryApi: options.discovery });
  return {
    client,
    async callOptions(
      ctx: Pick<ActionContext<any, any>, 'getInitiatorCredentials' | 'signal'>,
    ): Promise<KarsRequestOptions> {
      const { token } = await options.auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: KARS_PLUGIN_ID,
      });
      return { token, signal: ctx.signal };
    },
  };
}

/**
 * Turns a kars backend error answer into the matching Backstage error, carrying the backend's own
 * message (which names the field and the rule, and never a credential value).
 */
export function backendError(error: unknown, what: string): Error {
  if (error instanceof ResponseError) {
    const message = `${what}: ${error.body?.error?.message ?? error.message}`;
    switch (error.statusCode) {
      case 400:
        return new InputError(message);
      case 403:
        return new NotAllowedError(message);
      case 404:
        return new NotFoundError(message);
      case 409:
        return new ConflictError(message);
      default:
        return new Error(message);
    }
  }
  if (isError(error) && error.name === 'AbortError') {
    return new Error(`${what}: the task was cancelled`);
  }
  return isError(error) ? error : new Error(String(error));
}

/** Runs a backend call, translating its errors. */
export async function callKars<T>(
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw backendError(error, what);
  }
}

/** Sleeps, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('the task was cancelled'));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('the task was cancelled'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
