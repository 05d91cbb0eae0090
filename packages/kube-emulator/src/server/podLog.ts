import { ServerResponse } from 'node:http';
import { badRequest } from '../api/errors';
import { JsonObject, KubeObject } from '../api/types';

/**
 * Where container logs come from (a workload simulator, say): it writes the log of one container
 * of a pod to the response, following it when asked. Without one the emulator answers as a
 * kube-apiserver whose pods have no kubelet: 204 No Content.
 */
export type PodLogSource = (request: {
  pod: KubeObject;
  container: string;
  query: URLSearchParams;
  res: ServerResponse;
}) => Promise<void>;

/** The container a log request is for, checked as kube-apiserver's pod log REST does. */
export function logContainer(
  pod: KubeObject,
  container: string | undefined,
): string {
  const names: string[] = [
    'initContainers',
    'containers',
    'ephemeralContainers',
  ]
    .flatMap(k => pod.spec?.[k] ?? [])
    .map((c: JsonObject) => c.name);
  const name = pod.metadata.name;
  if (container) {
    if (!names.includes(container))
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    return container;
  }
  const regular: JsonObject[] = pod.spec?.containers ?? [];
  if (regular.length === 1) return regular[0].name;
  const message = `a container name must be specified for pod ${name}`;
  throw badRequest(
    regular.length
      ? `${message}, choose one of: [${names.join(' ')}]`
      : message,
  );
}

/** GET pods/<name>/log. */
export async function servePodLog(
  res: ServerResponse,
  pod: KubeObject,
  query: URLSearchParams,
  source: PodLogSource | undefined,
): Promise<void> {
  const container = logContainer(pod, query.get('container') ?? undefined);
  if (source) {
    await source({ pod, container, query, res });
    return;
  }
  res.writeHead(204);
  res.end();
}
