import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import {
  missingBinaryReason,
  SWITCH_ENV,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import { FAULT_ANNOTATION } from '../faults';

export type TargetName = 'emulator' | 'kube-apiserver';

/** Tests only: the emulator always; the real kube-apiserver when built (with CI=true it must be). */
export function targetNames(): TargetName[] {
  if (process.env[SWITCH_ENV] === 'off') return ['emulator'];
  if (testenvBinaryPath()) return ['emulator', 'kube-apiserver'];
  if (process.env.CI === 'true')
    throw new Error(
      `kube-testenv is required with CI=true: ${missingBinaryReason()}`,
    );
  return ['emulator'];
}

/** Tests only: plain JSON to the API server of a kubeconfig, errors as statuses. */
export interface JsonResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
}

export function kubeJson(kubeconfigPath: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const server = new URL(kc.getCurrentCluster()!.server);
  const open = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ) => {
    const options: https.RequestOptions = {
      method,
      headers: { accept: 'application/json', 'content-type': contentType },
      agent: false,
    };
    await kc.applyToHTTPSOptions(options);
    const transport = server.protocol === 'https:' ? https : http;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(new URL(path, server), options, resolve);
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  };
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<JsonResponse> => {
    const res = await open(method, path, body, contentType);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode ?? 0, json, text };
  };
  return {
    get: (path: string) => request('GET', path),
    post: (path: string, body: unknown) => request('POST', path, body),
    patch: (path: string, body: unknown) =>
      request('PATCH', path, body, 'application/merge-patch+json'),
    delete: (path: string) => request('DELETE', path),
    /** A streaming GET (pods/log?follow=true): the response, read as it comes. */
    stream: (path: string) => open('GET', path),
  };
}

/** Polls `fn` until it stops throwing (or the time is up). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 50));
    }
  }
}

export const SANDBOX_TOLERATION = {
  key: 'kars.azure.com/sandbox',
  operator: 'Equal',
  value: 'true',
  effect: 'NoSchedule',
};

/** A sandbox Deployment shaped as the kars renderer makes it (render/deployment.ts), smaller. */
export function sandboxDeployment(
  name: string,
  options: {
    confidential?: boolean;
    /** Whether a confidential sandbox names its RuntimeClass; default true. */
    runtimeClass?: boolean;
    fault?: string;
    replicas?: number;
  } = {},
) {
  const labels = {
    'kars.azure.com/sandbox': name,
    'kars.azure.com/component': 'sandbox',
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      labels: { ...labels, 'kars.azure.com/parent-namespace': 'kars-system' },
      ...(options.fault
        ? { annotations: { [FAULT_ANNOTATION]: options.fault } }
        : {}),
    },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      strategy: { type: 'Recreate' },
      template: {
        metadata: {
          labels: {
            ...labels,
            'kars.azure.com/parent-namespace': 'kars-system',
          },
        },
        spec: {
          ...(options.confidential && options.runtimeClass !== false
            ? { runtimeClassName: 'kata-vm-isolation' }
            : {}),
          nodeSelector: {
            'kars.azure.com/pool': options.confidential
              ? 'sandbox-kata'
              : 'sandbox',
          },
          tolerations: [SANDBOX_TOLERATION],
          initContainers: [
            {
              name: 'egress-guard',
              image: 'ghcr.io/azure/kars/egress-guard:0.1.18',
              command: ['/bin/sh', '-c', 'true'],
              resources: {
                requests: { cpu: '10m', memory: '16Mi' },
                limits: { cpu: '100m', memory: '64Mi' },
              },
            },
          ],
          containers: [
            {
              name: 'agent',
              image: 'ghcr.io/azure/kars/agent-runtime:0.1.18',
              env: [{ name: 'KARS_MODEL', value: 'gpt-4o' }],
              securityContext: { runAsUser: 1000 },
              resources: {
                requests: { cpu: '500m', memory: '1Gi' },
                limits: { cpu: '1', memory: '2Gi' },
              },
            },
            {
              name: 'inference-router',
              image: 'ghcr.io/azure/kars/inference-router:0.1.18',
              env: [
                { name: 'AZURE_OPENAI_DEPLOYMENT', value: 'gpt-4o' },
                { name: 'INFERENCE_POLICY_NAME', value: `${name}-policy` },
              ],
              readinessProbe: {
                httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' },
              },
              resources: {
                requests: { cpu: '100m', memory: '64Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
            },
          ],
        },
      },
    },
  };
}
