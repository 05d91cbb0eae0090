import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { KarsApi } from '@kars-portal/plugin-kars-common';
import { karsApiRef } from '../api';

/** Loads something from the kars API, with retry. */
export function useKars<T>(fn: (api: KarsApi) => Promise<T>, deps: unknown[]) {
  const api = useApi(karsApiRef);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(() => fn(api), [api, ...deps]);
}

/** The HTTP status of an error from the client, when it has one. */
export function errorStatus(error: unknown): number | undefined {
  if (error instanceof ResponseError) return error.statusCode;
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** What went wrong, in the backend's words when it said any. */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  return (error as Error)?.message ?? String(error);
}
