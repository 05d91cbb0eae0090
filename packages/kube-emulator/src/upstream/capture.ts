/* eslint-disable no-console */
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { brotliCompressSync, constants } from 'node:zlib';
import { JsonObject, KubeObject } from '../api/types';
import {
  CRD_TEMPLATES,
  CrdTemplate,
  UPSTREAM_FILE,
  UpstreamBundle,
} from './upstream';

/** How to reach a real kube-apiserver as an admin. */
export interface UpstreamServer {
  server: string;
  caData: string;
  adminToken: string;
}

function request(
  s: UpstreamServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    https
      .request(
        s.server + path,
        {
          method,
          ca: Buffer.from(s.caData, 'base64'),
          headers: {
            Accept: 'application/json',
            Authorization: `Bearer ${s.adminToken}`,
            ...(payload ? { 'Content-Type': 'application/json' } : {}),
          },
          agent: false,
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      )
      .on('error', reject)
      .end(payload);
  });
}

async function getJson(s: UpstreamServer, path: string): Promise<JsonObject> {
  const res = await request(s, 'GET', path);
  if (res.status !== 200)
    throw new Error(
      `GET ${path}: HTTP ${res.status} ${res.body.slice(0, 200)}`,
    );
  return JSON.parse(res.body);
}

/** An RBAC object as kube-apiserver's bootstrap policy makes it (no server-set metadata). */
function policyObject(
  o: KubeObject,
  apiVersion: string,
  kind: string,
): KubeObject {
  const { name, namespace, labels, annotations } = o.metadata;
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = o;
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
    ...rest,
  };
}

const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping=rbac-defaults';

/**
 * Reads what the emulator takes from a real kube-apiserver that has no CRDs: the bootstrap RBAC
 * objects (labelled kubernetes.io/bootstrapping=rbac-defaults, once kube-controller-manager has
 * aggregated admin, edit and view), every OpenAPI document it serves, and then what it makes of
 * the two template CRDs (installed last, left installed).
 */
export async function captureUpstream(
  s: UpstreamServer,
): Promise<UpstreamBundle> {
  const rbac: KubeObject[] = [];
  for (const [plural, kind] of [
    ['clusterroles', 'ClusterRole'],
    ['clusterrolebindings', 'ClusterRoleBinding'],
    ['roles', 'Role'],
    ['rolebindings', 'RoleBinding'],
  ]) {
    const list = await getJson(
      s,
      `/apis/rbac.authorization.k8s.io/v1/${plural}?labelSelector=${encodeURIComponent(
        BOOTSTRAP_LABEL,
      )}`,
    );
    for (const item of list.items as KubeObject[])
      rbac.push(policyObject(item, 'rbac.authorization.k8s.io/v1', kind));
  }
  const index = await getJson(s, '/openapi/v3');
  const v3: Record<string, JsonObject> = {};
  for (const [path, entry] of Object.entries(index.paths as JsonObject)) {
    v3[path] = await getJson(s, entry.serverRelativeURL);
  }
  const version = (await getJson(s, '/version')).gitVersion;
  const v2 = await getJson(s, '/openapi/v2');
  const crdTemplates: Record<string, CrdTemplate> = {};
  for (const template of CRD_TEMPLATES)
    crdTemplates[template.spec.scope] = await captureTemplate(s, template);
  return { version, rbac, openapi: { v2, v3, crdTemplates } };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** What kube-apiserver's OpenAPI builders make of a CRD: its v3 document and its v2 part. */
async function captureTemplate(
  s: UpstreamServer,
  crd: KubeObject,
): Promise<CrdTemplate> {
  const res = await request(
    s,
    'POST',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    crd,
  );
  if (res.status !== 201)
    throw new Error(
      `creating ${crd.metadata.name}: HTTP ${res.status} ${res.body}`,
    );
  const { group } = crd.spec;
  const version = crd.spec.versions[0].name;
  const gv = `apis/${group}/${version}`;
  for (;;) {
    const index = await getJson(s, '/openapi/v3');
    const v2 = await getJson(s, '/openapi/v2');
    const prefix = `/apis/${group}/`;
    const paths = Object.fromEntries(
      Object.entries(v2.paths as JsonObject).filter(([p]) =>
        p.startsWith(prefix),
      ),
    );
    const model = group.split('.').reverse().join('.');
    const definitions = Object.fromEntries(
      Object.entries(v2.definitions as JsonObject).filter(([d]) =>
        d.startsWith(`${model}.`),
      ),
    );
    if (
      index.paths[gv] &&
      Object.keys(paths).length &&
      Object.keys(definitions).length
    ) {
      return {
        crd,
        v3: await getJson(s, index.paths[gv].serverRelativeURL),
        v2: { paths, definitions },
      };
    }
    await sleep(200);
  }
}

/** Whether kube-controller-manager has filled the aggregated ClusterRoles yet. */
export async function aggregated(s: UpstreamServer): Promise<boolean> {
  const admin = await getJson(
    s,
    '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin',
  );
  return (admin.rules ?? []).length > 0;
}

export function encodeBundle(bundle: UpstreamBundle): Buffer {
  const raw = Buffer.from(JSON.stringify(bundle));
  return brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
}

async function main() {
  // A script run in the repository: the capture needs the real control plane, the emulator never.
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-undeclared-imports
  const { startKubeTestenv } = require('@kars-portal/kube-testenv');
  const testenv = await startKubeTestenv();
  try {
    const s = {
      server: testenv.server,
      caData: testenv.caData,
      adminToken: testenv.adminToken,
    };
    while (!(await aggregated(s))) await new Promise(r => setTimeout(r, 200));
    const bundle = await captureUpstream(s);
    const encoded = encodeBundle(bundle);
    writeFileSync(UPSTREAM_FILE, encoded);
    console.log(
      `${UPSTREAM_FILE}: ${bundle.version}, ${
        bundle.rbac.length
      } RBAC objects, ${
        Object.keys(bundle.openapi.v3).length
      } OpenAPI v3 documents, ${encoded.length} bytes`,
    );
  } finally {
    await testenv.stop();
  }
}

if (require.main === module) {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
