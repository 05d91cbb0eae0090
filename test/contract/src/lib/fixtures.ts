import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { RawClient, RawResponse } from './raw';

/** deploy/ of the repository. */
// eslint-disable-next-line no-restricted-syntax -- never bundled: runs from source
export const DEPLOY_DIR = path.resolve(__dirname, '../../../../deploy');

/** The YAML documents of one file in deploy/. */
export function deployDocs(file: string): any[] {
  return YAML.parseAllDocuments(
    fs.readFileSync(path.join(DEPLOY_DIR, file), 'utf8'),
  )
    .map(d => d.toJS())
    .filter(Boolean);
}

export const KARS_GROUP = 'kars.azure.com';
export const KARS_VERSION = 'v1alpha1';
export const KARS_API = `${KARS_GROUP}/${KARS_VERSION}`;
export const CRD_FILES = [
  '10-crd-karssandboxes.yaml',
  '11-crd-inferencepolicies.yaml',
];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Retries `fn` until it stops throwing, at most `timeoutMs`; then throws its last
 * error. For what the server does asynchronously (controllers, informers).
 */
export async function eventually<T>(
  fn: () => Promise<T>,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(intervalMs);
    }
  }
}

/** Installs the kars CRDs from deploy/ (server-side apply) and waits until they are served. */
export async function ensureCrds(raw: RawClient) {
  for (const file of CRD_FILES) {
    for (const crd of deployDocs(file)) {
      const res = await raw.apply(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
        crd,
        'kars-contract',
        true,
      );
      if (res.status !== 200 && res.status !== 201) {
        throw new Error(`applying ${file}: HTTP ${res.status} ${res.text}`);
      }
      await eventually(async () => {
        const got = await raw.get(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
        );
        const established = got.json.status?.conditions?.find(
          (c: any) => c.type === 'Established',
        );
        if (established?.status !== 'True')
          throw new Error(`${crd.metadata.name} not Established`);
        const list = await raw.get(
          `/apis/${KARS_API}/${crd.spec.names.plural}`,
        );
        if (list.status !== 200)
          throw new Error(`${crd.spec.names.plural}: HTTP ${list.status}`);
      });
    }
  }
}

/** Asserts that a response is the Status body of a failure. */
export function expectStatus(
  res: RawResponse,
  code: number,
  reason: string,
  details?: Record<string, unknown>,
) {
  expect({ status: res.status, body: res.json }).toMatchObject({
    status: code,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason,
      code,
      ...(details ? { details } : {}),
    },
  });
  expect(typeof res.json.message).toBe('string');
}

/** Paths of the API. */
export const paths = {
  ns: (name?: string) => `/api/v1/namespaces${name ? `/${name}` : ''}`,
  core: (ns: string, resource: string, name?: string) =>
    `/api/v1/namespaces/${ns}/${resource}${name ? `/${name}` : ''}`,
  group: (
    apiVersion: string,
    ns: string | undefined,
    resource: string,
    name?: string,
  ) =>
    `/apis/${apiVersion}${ns ? `/namespaces/${ns}` : ''}/${resource}${
      name ? `/${name}` : ''
    }`,
  kars: (ns: string, resource: string, name?: string) =>
    `/apis/${KARS_API}/namespaces/${ns}/${resource}${name ? `/${name}` : ''}`,
};

/** Removes what the server sets on every object, to compare the rest exactly. */
export function withoutServerMetadata<T extends { metadata?: any }>(obj: T): T {
  const {
    uid,
    resourceVersion,
    creationTimestamp,
    managedFields,
    generation,
    ...metadata
  } = obj.metadata ?? {};
  return { ...obj, metadata };
}

/** A minimal valid KarsSandbox. */
export function karsSandbox(
  name: string,
  namespace: string,
  spec: Record<string, unknown> = {},
) {
  return {
    apiVersion: KARS_API,
    kind: 'KarsSandbox',
    metadata: { name, namespace },
    spec: { inferenceRef: { name }, ...spec },
  };
}

/** A minimal valid InferencePolicy. */
export function inferencePolicy(
  name: string,
  namespace: string,
  spec: Record<string, unknown> = {},
  labels?: Record<string, string>,
) {
  return {
    apiVersion: KARS_API,
    kind: 'InferencePolicy',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: {
      appliesTo: { sandboxName: name },
      modelPreference: { primary: { deployment: 'gpt-4.1' } },
      ...spec,
    },
  };
}

/** The HTTP code and parsed Status body of a client-node call that must fail. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: number; body: any }> {
  try {
    await promise;
  } catch (e: any) {
    if (typeof e?.code !== 'number') throw e;
    let body = e.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // keep the text
      }
    }
    return { code: e.code, body };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
export const RFC3339_MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
export const UID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const RV = /^\d+$/;
