import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { JsonObject, KubeObject } from '../api/types';

/**
 * What the emulator serves as kube-apiserver's own: its bootstrap RBAC policy and its OpenAPI
 * documents, captured from the real kube-apiserver of test/kube-testenv by `capture.ts` (with no
 * CRD installed) and committed brotli-compressed next to this file.
 */
export interface UpstreamBundle {
  /** kube-apiserver's gitVersion the bundle was captured from. */
  version: string;
  /** ClusterRoles, ClusterRoleBindings, Roles and RoleBindings kube-apiserver makes at start. */
  rbac: KubeObject[];
  openapi: {
    /** `/openapi/v2` as JSON. */
    v2: JsonObject;
    /** `/openapi/v3/<path>` by path (`api/v1`, `apis/apps/v1`, `version`, …). */
    v3: Record<string, JsonObject>;
  };
}

export const UPSTREAM_VERSION = 'v1.36.5';
export const UPSTREAM_FILE = join(
  // The bundle sits next to the sources, which run untranspiled from the repository.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  `kube-apiserver-${UPSTREAM_VERSION}.json.br`,
);

let cached: UpstreamBundle | undefined;

/** The committed bundle, read once. */
export function upstream(): UpstreamBundle {
  cached ??= JSON.parse(
    brotliDecompressSync(readFileSync(UPSTREAM_FILE)).toString('utf8'),
  );
  return cached!;
}
