import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  KarsApi,
  LOG_TAIL_LINES,
  LogContainer,
} from '@kars-portal/plugin-kars-common';
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

/** The Kubernetes Events of a sandbox's namespace and of its KarsSandbox, newest first. */
export function useKubeEvents(name: string) {
  return useKars(api => api.getKubeEvents(name), [name]);
}

/** `text` and then `chunk`, keeping at most the last `maxLines` lines. */
export function appendLogText(
  text: string,
  chunk: string,
  maxLines: number = LOG_TAIL_LINES.max,
): string {
  const joined = text + chunk;
  const lines = joined.split('\n');
  // A text ending in a newline splits into one empty last element, not a line.
  const count = joined.endsWith('\n') ? lines.length - 1 : lines.length;
  if (count <= maxLines) return joined;
  return lines.slice(count - maxLines).join('\n');
}

/** What {@link useSandboxLogs} has read so far. */
export interface SandboxLogsState {
  text: string;
  loading: boolean;
  error?: Error;
}

/**
 * The last `tailLines` lines of a container of the sandbox's pod; with `follow`, then what it
 * writes, streamed until the hook unmounts or `follow` turns off. Held in memory only.
 */
export function useSandboxLogs(
  name: string,
  container: LogContainer,
  tailLines: number,
  follow: boolean,
) {
  const api = useApi(karsApiRef);
  const [state, setState] = useState<SandboxLogsState>({
    text: '',
    loading: true,
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    const options = { signal: controller.signal };
    const query = { container, tailLines };
    setState({ text: '', loading: true });
    const read = async () => {
      if (!follow) {
        const text = await api.getLogs(name, query, options);
        setState({ text, loading: false });
        return;
      }
      const reader = (await api.followLogs(name, query, options)).getReader();
      setState({ text: '', loading: false });
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        setState(s => ({ ...s, text: appendLogText(s.text, value) }));
      }
    };
    read().catch(error => {
      if (!controller.signal.aborted) {
        setState(s => ({ ...s, loading: false, error }));
      }
    });
    return () => controller.abort();
  }, [api, name, container, tailLines, follow, attempt]);
  return { ...state, retry: () => setAttempt(a => a + 1) };
}
