import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  KARS_CONTAINERS,
  LogContainer,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { KubeApiError, KubeObject } from '@kars-portal/plugin-kars-node';
import type { Readable } from 'node:stream';
import { podSelectorLabels } from '../../render/labels';
import { HttpStatusError } from '../../requests';
import { ClusterConnection } from '../ClusterConnection';
import { FleetIndex } from '../FleetIndex';
import { LogRedactor } from './redact';

/** A Pod, as far as the logs route reads it. */
export interface PodObject extends KubeObject {
  metadata: KubeObject['metadata'] & {
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  spec?: {
    containers?: Array<{ name: string }>;
    initContainers?: Array<{ name: string }>;
  };
  status?: { phase?: string };
}

/**
 * The sandbox's current pod: of those its Deployment made, one not being deleted, Running before
 * any other phase, then the newest. Undefined when there is none. Pure.
 */
export function currentPod(pods: PodObject[]): PodObject | undefined {
  const created = (p: PodObject) =>
    Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return pods
    .filter(p => !p.metadata.deletionTimestamp)
    .sort(
      (a, b) =>
        Number(b.status?.phase === 'Running') -
          Number(a.status?.phase === 'Running') || created(b) - created(a),
    )[0];
}

/**
 * The name of the pod's container that plays a role: the agent container is `openclaw` for the
 * OpenClaw runtime. Undefined when the pod has none. Pure.
 */
export function podContainer(
  pod: PodObject,
  role: LogContainer,
): string | undefined {
  const names = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ].map(c => c.name);
  const candidates: string[] =
    role === KARS_CONTAINERS.agent
      ? [KARS_CONTAINERS.agent, KARS_CONTAINERS.openclaw]
      : [role];
  return candidates.find(name => names.includes(name));
}

/** The decoded values of the sandbox's credentials Secret, by key; none when there is no Secret. */
async function credentialValues(
  cluster: ClusterConnection,
  name: string,
): Promise<Record<string, string>> {
  const secret = await cluster.gateway.get<
    KubeObject & { data?: Record<string, string> }
  >({
    apiVersion: 'v1',
    kind: 'Secret',
    name: sandboxObjectNames(name).credentialsSecret,
    namespace: sandboxNamespace(name),
  });
  return Object.fromEntries(
    Object.entries(secret?.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}

/** What a request for logs asks. */
export interface LogsRequest {
  container: LogContainer;
  tailLines: number;
  previous: boolean;
  follow: boolean;
}

/** An open log stream: the container's text, and what redacts it chunk by chunk. */
export interface OpenLog {
  pod: string;
  container: string;
  stream: Readable;
  redactor: LogRedactor;
}

/**
 * The logs of a sandbox's containers: the current pod's container as `pods/log` serves it, with
 * every value of the sandbox's credentials Secret redacted. The Secret is read first; when it
 * cannot be read, no log is served (nothing could be redacted).
 */
export class SandboxLogs {
  constructor(private readonly fleet: FleetIndex) {}

  /**
   * Opens the log. A sandbox without a pod, or without that container, is a 404; a container the
   * server cannot read yet (waiting, no previous run) a 409; a server that fails to read it (no
   * kubelet answers, an error) a 502 with its reason.
   */
  async open(
    name: string,
    request: LogsRequest,
    signal: AbortSignal,
  ): Promise<OpenLog> {
    const { cluster } = this.fleet.mustLocate(name);
    const namespace = sandboxNamespace(name);
    const pods = await cluster.gateway.list<PodObject>('v1', 'Pod', {
      namespace,
      labelSelector: Object.entries(podSelectorLabels(name))
        .map(([key, value]) => `${key}=${value}`)
        .join(','),
    });
    const pod = currentPod(pods.items);
    if (!pod) throw new NotFoundError(`sandbox ${name} has no pod`);
    const container = podContainer(pod, request.container);
    if (!container) {
      throw new NotFoundError(
        `pod ${pod.metadata.name} of sandbox ${name} has no ${request.container} container`,
      );
    }
    let redactor: LogRedactor;
    try {
      redactor = new LogRedactor(await credentialValues(cluster, name));
    } catch (error) {
      throw new HttpStatusError(
        502,
        `the credentials of sandbox ${name} could not be read to redact its logs (${reasonOf(
          error,
        )}); no log is shown`,
      );
    }
    try {
      const stream = await cluster.gateway.podLog(
        namespace,
        pod.metadata.name,
        {
          container,
          tailLines: request.tailLines,
          previous: request.previous,
          follow: request.follow,
        },
        signal,
      );
      return { pod: pod.metadata.name, container, stream, redactor };
    } catch (error) {
      const what = `the logs of container ${container} of pod ${pod.metadata.name}`;
      if (
        error instanceof KubeApiError &&
        (error.statusCode === 400 || error.statusCode === 404)
      ) {
        throw new ConflictError(
          `the cluster cannot serve ${what} now: ${error.message}`,
        );
      }
      throw new HttpStatusError(
        502,
        `the cluster failed to read ${what} (${reasonOf(error)})`,
      );
    }
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof KubeApiError) {
    return `${error.statusCode} ${error.reason}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Where a redacted log goes: an HTTP response, as far as it is written to. */
export interface LogSink {
  write(chunk: string): unknown;
  end(chunk: string): unknown;
  destroy(): unknown;
}

/**
 * Writes an open log to a sink, redacted chunk by chunk, and ends the sink when the log ends; a log
 * that breaks off (the server failed, or the caller hung up and the request was aborted) destroys
 * it, so a cut log never looks complete. Resolves once the log is over.
 */
export function writeRedacted(log: OpenLog, sink: LogSink): Promise<void> {
  return new Promise(resolve => {
    log.stream.setEncoding('utf8');
    log.stream.on('data', (chunk: string) => {
      const text = log.redactor.push(chunk);
      if (text) sink.write(text);
    });
    log.stream.on('end', () => {
      sink.end(log.redactor.flush());
      resolve();
    });
    log.stream.on('error', () => {
      sink.destroy();
      resolve();
    });
    log.stream.on('close', () => resolve());
  });
}
