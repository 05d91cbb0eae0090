import { parse as parseYaml } from 'yaml';
import {
  ApiError,
  badRequest,
  causes,
  invalid,
  unsupportedMediaType,
} from '../api/errors';
import {
  apiVersionOf,
  JsonObject,
  KubeObject,
  ResourceType,
  ScaleSubresource,
} from '../api/types';
import { applyJsonPatch } from '../patch/jsonPatch';
import { applyMergePatch } from '../patch/mergePatch';
import { applyStrategicMergePatch } from '../patch/strategicMerge';
import { clone } from './objects';
import { ResourceService, WriteOptions } from './resources';

const SCALE_API_VERSION = 'autoscaling/v1';
const APPLY = 'application/apply-patch+yaml';

const at = (obj: JsonObject, path: string[]): unknown =>
  path.reduce<unknown>((n, k) => (n as JsonObject | undefined)?.[k], obj);

function setAt(obj: JsonObject, path: string[], value: unknown) {
  let node = obj;
  for (const k of path.slice(0, -1)) node = node[k] ??= {};
  node[path[path.length - 1]] = value;
}

/** The autoscaling/v1 Scale of an object whose type has a scale subresource. */
export function scaleOf(scale: ScaleSubresource, obj: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } =
    obj.metadata;
  const status: JsonObject = {
    replicas: at(obj, scale.statusReplicasPath) ?? 0,
  };
  const selector = scale.selector(obj);
  if (selector) status.selector = selector;
  const replicas = at(obj, scale.specReplicasPath);
  return {
    kind: 'Scale',
    apiVersion: SCALE_API_VERSION,
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: replicas ? { replicas } : {},
    status,
  };
}

/** The Scale a write asks for: a PUT body, an applied configuration or the current Scale patched. */
function requestedScale(
  current: KubeObject,
  contentType: string | undefined,
  raw: string,
): JsonObject {
  if (contentType === APPLY) {
    try {
      return parseYaml(raw);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  switch (contentType) {
    case undefined:
      return body as JsonObject;
    case 'application/merge-patch+json':
      return applyMergePatch(current, body) as JsonObject;
    case 'application/json-patch+json':
      return applyJsonPatch(current, body) as JsonObject;
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(current, body, () => undefined);
    default:
      throw unsupportedMediaType(contentType);
  }
}

/** A conflict of an apply to the scale subresource, told in the Scale's version as upstream does. */
function scaleConflict(e: ApiError, parentVersion: string): ApiError {
  const rename = (text: string) =>
    text.split(` using ${parentVersion}`).join(` using ${SCALE_API_VERSION}`);
  return new ApiError(e.code, e.reason, rename(e.message), {
    causes: (e.details?.causes ?? []).map((c: JsonObject) => ({
      ...c,
      message: rename(c.message),
    })),
  });
}

/** Server-side apply of a Scale: an apply of the replicas to the parent through subresource "scale". */
function applyScale(
  service: ResourceService,
  t: ResourceType,
  namespace: string | undefined,
  name: string,
  replicas: number,
  opts: WriteOptions,
): KubeObject {
  const config: JsonObject = {
    apiVersion: apiVersionOf(t),
    kind: t.kind,
    metadata: { name },
  };
  setAt(config, t.scale!.specReplicasPath, replicas);
  try {
    return service.patch(
      t,
      namespace,
      name,
      APPLY,
      JSON.stringify(config),
      opts,
      'scale',
    ).object;
  } catch (e) {
    if (e instanceof ApiError && e.code === 409)
      throw scaleConflict(e, apiVersionOf(t));
    throw e;
  }
}

/**
 * A write to `<resource>/<name>/scale` (PUT, or PATCH with `contentType`): the replicas go to the
 * object's spec through an update (an apply for an apply patch) of the `scale` subresource, whose
 * manager then owns the replicas with subresource "scale"; answers the new Scale.
 */
export function writeScale(
  service: ResourceService,
  t: ResourceType,
  namespace: string | undefined,
  name: string,
  contentType: string | undefined,
  raw: string,
  opts: WriteOptions,
): KubeObject {
  const scale = t.scale!;
  const current = service.get(t, namespace, name);
  const wanted = requestedScale(scaleOf(scale, current), contentType, raw);
  if (typeof wanted !== 'object' || wanted === null || Array.isArray(wanted))
    throw badRequest("Object 'Kind' is missing in 'null'");
  if (wanted.apiVersion && wanted.apiVersion !== SCALE_API_VERSION) {
    throw badRequest(
      `the API version in the data (${wanted.apiVersion}) does not match the expected API version (${SCALE_API_VERSION})`,
    );
  }
  const replicas = wanted.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid({ group: 'autoscaling', kind: 'Scale', name }, [
      causes.invalid(
        'spec.replicas',
        replicas ?? null,
        'must be greater than or equal to 0',
      ),
    ]);
  }
  if (contentType === APPLY)
    return scaleOf(
      scale,
      applyScale(service, t, namespace, name, replicas, opts),
    );
  const parent = clone(current);
  setAt(parent, scale.specReplicasPath, replicas);
  parent.apiVersion = apiVersionOf(t);
  parent.metadata.resourceVersion =
    wanted.metadata?.resourceVersion || current.metadata.resourceVersion;
  return scaleOf(
    scale,
    service.update(t, namespace, name, parent, opts, 'scale'),
  );
}
