import { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  badRequest,
  internal,
  methodNotSupported,
  pathNotFound,
} from '../api/errors';
import { JsonObject, KubeObject, ResourceType } from '../api/types';
import { ApiAuth } from '../auth/apiAuth';
import { Attributes } from '../auth/attributes';
import { tokenRequest } from '../registry/kinds/reviews';
import {
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  PROTOBUF,
} from '../protobuf/codec';
import { ResourceRegistry } from '../registry/registry';
import { ObjectStore } from '../storage/store';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryType,
  apiGroup,
  apiGroupList,
  apiVersions,
  resourceList,
  versionInfo,
} from './discovery';
import { buildFilter, listObjects } from './list';
import {
  OPENAPI_V2_PROTOBUF,
  OPENAPI_V2_PROTOBUF_RESPONSE,
} from '../protobuf/openapiV2';
import { OpenApi, OpenApiDocument } from './openapi';
import { ResourceService, WriteOptions } from './resources';
import { PodLogSource, servePodLog } from './podLog';
import { scaleOf, writeScale } from './scale';
import { IncludeObject, toTable } from './table';
import { serveWatch } from './watch';

const MAX_BODY = 3 * 1024 * 1024;

/** A request resolved to a resource (and maybe an object and subresource). */
interface ResourceRoute {
  t: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

interface HandlerDeps {
  store: ObjectStore;
  registry: ResourceRegistry;
  service: ResourceService;
  serverAddress: () => string;
  bookmarkIntervalMs: number;
  /** Watches in flight, ended on stop. */
  watches: Set<() => void>;
  /** Where pods/log reads container logs from (none: no kubelet, 204). */
  podLogs?: PodLogSource;
  /** Authentication, impersonation and RBAC of every request. */
  auth: ApiAuth;
}

/**
 * Whether a client prefers Kubernetes protobuf to JSON (runtime.NegotiateOutputMediaType: the
 * clauses by quality, the first one served wins). Clauses asking for another kind (`as=Table`)
 * are served as JSON.
 */
export function prefersProtobuf(accept: string | undefined): boolean {
  const clauses = (accept ?? '')
    .split(',')
    .map((clause, i) => {
      const [type, ...params] = clause.split(';').map(p => p.trim());
      const q = params.find(p => p.startsWith('q='));
      return {
        type: type.toLowerCase(),
        as: params.some(p => p.startsWith('as=')),
        q: q ? Number(q.slice(2)) : 1,
        i,
      };
    })
    .filter(c => c.type && c.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const c of clauses) {
    if (c.type === PROTOBUF) {
      if (!c.as) return true;
    } else if (
      ['application/json', 'application/yaml', 'application/*', '*/*'].includes(
        c.type,
      )
    )
      return false;
  }
  return false;
}

const sendJson = (
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  warnings: string[] = [],
) => {
  const headers: Record<string, string | string[]> = {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length)
    headers.Warning = [...new Set(warnings)].map(
      w => `299 - ${JSON.stringify(w)}`,
    );
  const protobuf =
    contentType === 'application/json' &&
    prefersProtobuf(res.req?.headers.accept)
      ? encodeKubernetesProtobuf(body as JsonObject)
      : undefined;
  if (protobuf) headers['Content-Type'] = PROTOBUF;
  res.writeHead(code, headers);
  res.end(protobuf ?? JSON.stringify(body));
};

const sendText = (res: ServerResponse, code: number, text: string) => {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
};

/** The request body as text; Kubernetes protobuf bodies are decoded to JSON first. */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY)
      throw new ApiError(
        413,
        'RequestEntityTooLarge',
        'Request entity too large: limit is 3145728',
      );
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (type === PROTOBUF && body.length)
    return JSON.stringify(decodeKubernetesProtobuf(body));
  return body.toString('utf8');
}

const parseJsonBody = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw badRequest(
      `the object provided is unrecognized (must be of type Object): couldn't get version/kind; json parse error: ${
        (e as Error).message
      }`,
    );
  }
};

/** Whether the client asked for a Table (kubectl get) or PartialObjectMetadata. */
function asKind(
  accept: string | undefined,
): 'Table' | 'PartialObjectMetadata' | undefined {
  for (const range of (accept ?? '').split(',')) {
    const params = range.split(';').map(s => s.trim());
    if (!params.includes('g=meta.k8s.io')) continue;
    if (params.includes('as=Table')) return 'Table';
    if (
      params.includes('as=PartialObjectMetadata') ||
      params.includes('as=PartialObjectMetadataList')
    ) {
      return 'PartialObjectMetadata';
    }
  }
  return undefined;
}

const flag = (q: URLSearchParams, name: string) =>
  ['true', '1'].includes(q.get(name) ?? '');

function resolveRoute(
  registry: ResourceRegistry,
  group: string,
  version: string,
  path: string[],
): ResourceRoute {
  const watch = path[0] === 'watch';
  const parts = watch ? path.slice(1) : path;
  let namespace: string | undefined;
  let rest = parts;
  if (
    parts[0] === 'namespaces' &&
    !group &&
    parts.length >= 3 &&
    parts[2] !== 'status' &&
    parts[2] !== 'finalize'
  ) {
    namespace = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'namespaces' && group && parts.length >= 3) {
    namespace = parts[1];
    rest = parts.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const t = plural ? registry.find(group, version, plural) : undefined;
  if (!t || extra.length) throw pathNotFound();
  if (namespace !== undefined && !t.namespaced) throw pathNotFound();
  const served =
    (subresource === 'status' && t.statusSubresource) ||
    (subresource === 'finalize' && t.kind === 'Namespace') ||
    (subresource === 'token' && t.kind === 'ServiceAccount') ||
    (subresource === 'scale' && t.scale !== undefined) ||
    (subresource === 'log' && t.kind === 'Pod' && !t.group);
  if (subresource && !served) {
    throw pathNotFound();
  }
  return { t, namespace, name, subresource, watch };
}

/** The request handler of the emulated kube-apiserver. */
export function createHandler(deps: HandlerDeps) {
  const { registry, store, service } = deps;

  const writeOptions = (
    req: IncomingMessage,
    q: URLSearchParams,
    attrs: Attributes,
  ): WriteOptions => {
    const dryRun = q.getAll('dryRun');
    if (dryRun.some(d => d !== 'All'))
      throw badRequest(`Invalid dry run value: ${dryRun.join(',')}`);
    const validation = q.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(validation)) {
      throw badRequest(
        `fieldValidation must be one of Ignore, Warn, or Strict, got ${validation}`,
      );
    }
    return {
      dryRun: dryRun.length > 0,
      fieldManager: q.get('fieldManager') ?? undefined,
      userAgent: req.headers['user-agent'],
      fieldValidation: validation as WriteOptions['fieldValidation'],
      force: flag(q, 'force'),
      warnings: [],
      user: attrs.user,
    };
  };

  const render = (
    route: ResourceRoute,
    req: IncomingMessage,
    q: URLSearchParams,
  ) => {
    const as = asKind(req.headers.accept);
    const include = (q.get('includeObject') as IncludeObject) || 'Metadata';
    return (obj: KubeObject): JsonObject => {
      const present = service.present(route.t, obj);
      if (as === 'Table') return toTable(route.t, [present], {}, include);
      if (as === 'PartialObjectMetadata')
        return {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: present.metadata,
        };
      return present;
    };
  };

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    route: ResourceRoute,
    q: URLSearchParams,
    attrs: Attributes,
  ) {
    const { t, namespace, name, subresource } = route;
    const method = req.method ?? 'GET';
    const as = asKind(req.headers.accept);
    const isWatch = route.watch || flag(q, 'watch');
    if (method === 'GET' && (isWatch || !name)) {
      const fieldSelector = name
        ? [`metadata.name=${name}`, q.get('fieldSelector')]
            .filter(Boolean)
            .join(',')
        : q.get('fieldSelector') ?? undefined;
      if (isWatch) {
        const filter = buildFilter(
          t,
          q.get('labelSelector') ?? undefined,
          fieldSelector,
        );
        const timeout = q.get('timeoutSeconds');
        const sendInitial = q.get('sendInitialEvents');
        const stop = serveWatch(store, res, {
          t,
          namespace,
          filter,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          allowBookmarks: flag(q, 'allowWatchBookmarks'),
          sendInitialEvents:
            sendInitial === null ? undefined : sendInitial === 'true',
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          bookmarkIntervalMs: deps.bookmarkIntervalMs,
          render: render(route, req, q),
          renderKey: [
            t.group,
            t.version,
            t.plural,
            asKind(req.headers.accept) ?? 'object',
            q.get('includeObject') ?? '',
          ].join('|'),
        });
        deps.watches.add(stop);
        res.on('close', () => deps.watches.delete(stop));
        return;
      }
      const limit = q.get('limit');
      const { items, metadata } = listObjects(store, t, namespace, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector,
        limit: limit ? Number(limit) : undefined,
        continue: q.get('continue') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
      });
      const presented = items.map(o => service.present(t, o));
      if (as === 'Table') {
        sendJson(
          res,
          200,
          toTable(
            t,
            presented,
            metadata,
            (q.get('includeObject') as IncludeObject) || 'Metadata',
          ),
        );
      } else if (as === 'PartialObjectMetadata') {
        sendJson(res, 200, {
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata,
          items: presented.map(o => ({
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: o.metadata,
          })),
        });
      } else {
        sendJson(res, 200, {
          kind: t.listKind,
          apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
          metadata,
          items: presented,
        });
      }
      return;
    }
    if (method === 'GET' && subresource === 'log') {
      await servePodLog(res, service.get(t, namespace, name!), q, deps.podLogs);
      return;
    }
    if (method === 'GET' && subresource === 'scale') {
      sendJson(res, 200, scaleOf(t.scale!, service.get(t, namespace, name!)));
      return;
    }
    if (method === 'GET') {
      const obj = service.get(t, namespace, name!);
      sendJson(res, 200, render(route, req, q)(obj));
      return;
    }
    const opts = writeOptions(req, q, attrs);
    const raw = await readBody(req);
    if (subresource === 'scale' && (method === 'PUT' || method === 'PATCH')) {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
      const scale = writeScale(
        service,
        t,
        namespace,
        name!,
        method === 'PATCH' ? type : undefined,
        raw,
        opts,
      );
      sendJson(res, 200, scale, 'application/json', opts.warnings);
      return;
    }
    const reviewContext = { user: attrs.user, namespace, auth: deps.auth };
    switch (method) {
      case 'POST': {
        if (subresource === 'token') {
          const sa = service.get(t, namespace, name!);
          const body = raw.trim()
            ? (parseJsonBody(raw) as KubeObject)
            : undefined;
          const lookup = (kind: string, objectName: string) =>
            store.get(
              { Pod: 'pods', Secret: 'secrets', Node: 'nodes' }[kind] ?? '',
              kind === 'Node' ? undefined : namespace,
              objectName,
            );
          sendJson(res, 201, tokenRequest(sa, body, reviewContext, lookup));
          return;
        }
        if (name) throw methodNotSupported(t, 'create');
        if (t.review) {
          const body = parseJsonBody(raw) as KubeObject;
          sendJson(
            res,
            201,
            t.review(
              {
                ...body,
                apiVersion: `${t.group}/${t.version}`,
                kind: t.kind,
                metadata: body.metadata ?? {},
              },
              reviewContext,
            ),
          );
          return;
        }
        if (t.namespaced && namespace === undefined)
          throw methodNotSupported(t, 'create');
        const created = service.create(t, namespace, parseJsonBody(raw), opts);
        sendJson(res, 201, created, 'application/json', opts.warnings);
        return;
      }
      case 'PUT': {
        if (!name) throw methodNotSupported(t, 'update');
        const sub = subresource === 'finalize' ? 'status' : subresource;
        const updated = service.update(
          t,
          namespace,
          name,
          parseJsonBody(raw),
          opts,
          sub,
        );
        sendJson(res, 200, updated, 'application/json', opts.warnings);
        return;
      }
      case 'PATCH': {
        if (!name) throw methodNotSupported(t, 'patch');
        const contentType = (req.headers['content-type'] ?? '')
          .split(';')[0]
          .trim();
        const { object, created } = service.patch(
          t,
          namespace,
          name,
          contentType,
          raw,
          opts,
          subresource,
        );
        sendJson(
          res,
          created ? 201 : 200,
          object,
          'application/json',
          opts.warnings,
        );
        return;
      }
      case 'DELETE': {
        const body = raw.trim() ? (parseJsonBody(raw) as JsonObject) : {};
        const deleteOptions = {
          preconditions: body.preconditions,
          propagationPolicy:
            q.get('propagationPolicy') ?? body.propagationPolicy,
        };
        if (!name) {
          if (!t.verbs.includes('deletecollection'))
            throw methodNotSupported(t, 'deletecollection');
          const { items } = listObjects(store, t, namespace, {
            labelSelector: q.get('labelSelector') ?? undefined,
            fieldSelector: q.get('fieldSelector') ?? undefined,
          });
          const deleted = items.map(
            o =>
              service.delete(
                t,
                o.metadata.namespace,
                o.metadata.name,
                deleteOptions,
                opts,
              ).body,
          );
          sendJson(res, 200, {
            kind: t.listKind,
            apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
            metadata: { resourceVersion: String(store.resourceVersion) },
            items: deleted.filter(d => d.kind !== 'Status'),
          });
          return;
        }
        const { body: result, code } = service.delete(
          t,
          namespace,
          name,
          deleteOptions,
          opts,
        );
        sendJson(res, code, result);
        return;
      }
      default:
        throw methodNotSupported(t, method.toLowerCase());
    }
  }

  const openApi = new OpenApi(store, registry);

  /**
   * An OpenAPI document as kube-openapi's handlers send it: an ETag of its hash, 304 for a
   * matching If-None-Match, and, for a URL with the current `?hash=`, cacheable for a year (a
   * stale hash is redirected to the current one).
   */
  function sendDocument(
    req: IncomingMessage,
    res: ServerResponse,
    doc: OpenApiDocument,
    q: URLSearchParams,
    path: string,
    contentType = 'application/json',
  ) {
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      Etag: JSON.stringify(doc.hash),
    };
    const hash = q.get('hash');
    if (hash && hash !== doc.hash) {
      res.writeHead(301, { Location: `${path}?hash=${doc.hash}` });
      res.end();
      return;
    }
    if (hash) {
      headers.Vary = 'Accept';
      headers['Cache-Control'] = 'public, immutable';
      headers.Expires = new Date(
        Date.now() + 365 * 24 * 3600_000,
      ).toUTCString();
    } else {
      headers['Cache-Control'] = 'no-cache, private';
    }
    if (req.headers['if-none-match'] === headers.Etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, headers);
    res.end(doc.bytes);
  }

  /** Serves /openapi/v2 and /openapi/v3[/<path>]; false for any other path. */
  function serveOpenApi(
    req: IncomingMessage,
    res: ServerResponse,
    parts: string[],
    q: URLSearchParams,
  ): boolean {
    if (parts[0] !== 'openapi') return false;
    if (parts.length === 2 && parts[1] === 'v2') {
      const accept = req.headers.accept ?? '';
      if (
        accept.includes(OPENAPI_V2_PROTOBUF) ||
        accept.includes(OPENAPI_V2_PROTOBUF_RESPONSE)
      )
        sendDocument(
          req,
          res,
          openApi.v2Protobuf(),
          q,
          '/openapi/v2',
          OPENAPI_V2_PROTOBUF_RESPONSE,
        );
      else sendDocument(req, res, openApi.v2Document(), q, '/openapi/v2');
      return true;
    }
    if (parts[1] !== 'v3') return false;
    if (parts.length === 2) {
      sendJson(res, 200, openApi.v3Index());
      return true;
    }
    const path = parts.slice(2).join('/');
    const doc = openApi.v3Document(path);
    if (!doc) throw pathNotFound();
    sendDocument(req, res, doc, q, `/openapi/v3/${path}`);
    return true;
  }

  /** The answer to a discovery or version request; undefined for resource paths. */
  function discovery(
    req: IncomingMessage,
    path: string,
    parts: string[],
  ): { body: unknown; type?: string } | undefined {
    const found = <T>(v: T | undefined): T => {
      if (v === undefined) throw pathNotFound();
      return v;
    };
    const aggregated = aggregatedDiscoveryType(req.headers.accept);
    const aggregatedVersion = aggregated?.includes('v=v2;') ? 'v2' : 'v2beta1';
    if (path === '/version') return { body: versionInfo() };
    if (parts[0] === 'api' && parts.length <= 2) {
      if (parts.length === 2)
        return { body: found(resourceList(registry, '', parts[1])) };
      if (aggregated)
        return {
          body: aggregatedDiscovery(registry, true, aggregatedVersion),
          type: aggregated,
        };
      return { body: apiVersions(deps.serverAddress()) };
    }
    if (parts[0] === 'apis' && parts.length <= 3) {
      if (parts.length === 3)
        return { body: found(resourceList(registry, parts[1], parts[2])) };
      if (parts.length === 2)
        return { body: found(apiGroup(registry, parts[1])) };
      if (aggregated)
        return {
          body: aggregatedDiscovery(registry, false, aggregatedVersion),
          type: aggregated,
        };
      return { body: apiGroupList(registry) };
    }
    return undefined;
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const attrs = deps.auth.admit(req, url.pathname, url.searchParams);
    if (/^\/(healthz|readyz|livez)(\/|$)/.test(path)) {
      sendText(res, 200, 'ok');
      return;
    }
    if (serveOpenApi(req, res, parts, url.searchParams)) return;
    const answer = discovery(req, path, parts);
    if (answer) {
      sendJson(res, 200, answer.body, answer.type);
      return;
    }
    if (parts[0] === 'api') {
      await handleResource(
        req,
        res,
        resolveRoute(registry, '', parts[1], parts.slice(2)),
        url.searchParams,
        attrs,
      );
    } else if (parts[0] === 'apis') {
      await handleResource(
        req,
        res,
        resolveRoute(registry, parts[1], parts[2], parts.slice(3)),
        url.searchParams,
        attrs,
      );
    } else {
      throw pathNotFound();
    }
  }

  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      await serve(req, res);
    } catch (e) {
      const err =
        e instanceof ApiError
          ? e
          : internal((e as Error)?.message ?? String(e));
      if (!res.headersSent) sendJson(res, err.code, err.toStatus());
      else res.end();
    }
  };
}
