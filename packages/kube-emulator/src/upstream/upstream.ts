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
    /** What the OpenAPI builders make of a template CRD, by its scope (see CRD_TEMPLATES). */
    crdTemplates: Record<string, CrdTemplate>;
  };
}

/** A template CRD and the OpenAPI kube-apiserver made of it. */
export interface CrdTemplate {
  crd: KubeObject;
  /** `/openapi/v3/apis/<group>/<version>`. */
  v3: JsonObject;
  /** Its paths and definitions in `/openapi/v2`. */
  v2: { paths: JsonObject; definitions: JsonObject };
}

/** Both subresources: a CRD without one serves the template's paths without it. */
const template = (scope: 'Namespaced' | 'Cluster'): KubeObject => {
  const group = `zqx${scope.toLowerCase()}.example.com`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `zqxkinds.${group}` },
    spec: {
      group,
      scope,
      names: {
        plural: 'zqxkinds',
        singular: 'zqxkind',
        kind: 'Zqxkind',
        listKind: 'ZqxkindList',
      },
      versions: [
        {
          name: 'vzq',
          served: true,
          storage: true,
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.replicas',
              statusReplicasPath: '.status.replicas',
            },
          },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: { replicas: { type: 'integer' } },
                },
                status: {
                  type: 'object',
                  properties: { replicas: { type: 'integer' } },
                },
              },
            },
          },
        },
      ],
    },
  };
};

/**
 * CRDs whose names are placeholders no real name contains: the OpenAPI kube-apiserver makes of
 * them is the template of every CRD's (names substituted, schemas converted).
 */
export const CRD_TEMPLATES: KubeObject[] = [
  template('Namespaced'),
  template('Cluster'),
];

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
