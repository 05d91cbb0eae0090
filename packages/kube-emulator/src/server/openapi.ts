import { createHash } from 'node:crypto';
import { JsonObject, ResourceType } from '../api/types';
import { ResourceRegistry } from '../registry/registry';
import { KUBERNETES_VERSION } from './discovery';

/**
 * A minimal OpenAPI v3: one document per group version listing each kind's operations and the
 * query parameters they take (kubectl checks PATCH for `fieldValidation` before validating
 * server-side). It carries no component schemas, so kubectl computes strategic merge patches from
 * its compiled-in types, as it does for servers without OpenAPI.
 */
const gvPath = (t: { group: string; version: string }) =>
  t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;

const QUERY_PARAMS = [
  'dryRun',
  'fieldManager',
  'fieldValidation',
  'force',
  'pretty',
];

function operationsFor(t: ResourceType): Record<string, JsonObject> {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const base = t.namespaced
    ? `/${gvPath(t)}/namespaces/{namespace}/${t.plural}`
    : `/${gvPath(t)}/${t.plural}`;
  const op = (action: string, params: string[]) => ({
    operationId: `${action}${t.kind}`,
    parameters: params.map(name => ({
      name,
      in: 'query',
      schema: { type: 'string', uniqueItems: true },
    })),
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  return {
    [base]: {
      get: op('list', [
        'labelSelector',
        'fieldSelector',
        'limit',
        'continue',
        'resourceVersion',
        'watch',
      ]),
      post: op(
        'post',
        QUERY_PARAMS.filter(p => p !== 'force'),
      ),
    },
    [`${base}/{name}`]: {
      get: op('get', ['pretty']),
      put: op(
        'put',
        QUERY_PARAMS.filter(p => p !== 'force'),
      ),
      patch: op('patch', QUERY_PARAMS),
      delete: op('delete', [
        'dryRun',
        'gracePeriodSeconds',
        'propagationPolicy',
      ]),
    },
  };
}

const hashOf = (doc: JsonObject) =>
  createHash('sha512')
    .update(JSON.stringify(doc))
    .digest('hex')
    .slice(0, 128)
    .toUpperCase();

export function openApiV3Document(
  registry: ResourceRegistry,
  path: string,
): JsonObject | undefined {
  const types = registry.all().filter(t => gvPath(t) === path);
  if (!types.length) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
    paths: Object.assign({}, ...types.map(operationsFor)),
    components: { schemas: {} },
  };
}

export function openApiV3Index(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const t of registry.all()) {
    const p = gvPath(t);
    if (paths[p]) continue;
    paths[p] = {
      serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(
        openApiV3Document(registry, p)!,
      )}`,
    };
  }
  return { paths };
}
