import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import {
  Condition,
  createSandboxRequestSchema,
  formatValidationIssues,
  putCredentialsRequestSchema,
  RenderedObject,
  Sandbox,
  SandboxPhase,
  sandboxSpecSchema,
  validateWith,
} from '@kars-portal/plugin-kars-common';
import { KarsActionOptions } from '../actions/karsClient';

/** One request the fake backend received. */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: any;
}

/**
 * A real HTTP server standing in for the kars backend: it validates bodies with the kars-common
 * schemas (as the backend does) and answers 400s in the backend's format, naming field and rule.
 */
export class FakeKarsBackend {
  readonly requests: RecordedRequest[] = [];
  readonly sandboxes = new Map<string, Sandbox>();
  /** Phases GET answers for a sandbox, in turn (the last one repeats). */
  readonly phases = new Map<string, SandboxPhase[]>();
  /** Conditions GET answers for a sandbox per phase, instead of the default Ready condition. */
  readonly conditions = new Map<
    string,
    Partial<Record<SandboxPhase, Condition[]>>
  >();
  /**
   * Permissions refused, as `<permission> <sandbox>` (`kars.sandbox.delete tenant-a`): the fake
   * answers 403, dry run or not, as the backend does.
   */
  readonly denied = new Set<string>();
  /** Sandboxes whose namespace kars portal did not make (a delete keeps it). */
  readonly foreignNamespaces = new Set<string>();
  /** Delay before answering, to test aborts. */
  delayMs = 0;
  private server?: http.Server;
  baseUrl = '';

  async start() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const body = text ? JSON.parse(text) : undefined;
        const url = new URL(req.url ?? '/', 'http://localhost');
        this.requests.push({
          method: req.method ?? '',
          path: `${url.pathname}${url.search}`,
          authorization: req.headers.authorization,
          body,
        });
        const answer = this.answer(req.method ?? '', url, body);
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(
            answer.body === undefined ? undefined : JSON.stringify(answer.body),
          );
        }, this.delayMs).unref();
      });
    });
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${
      (this.server!.address() as AddressInfo).port
    }/api/kars`;
    return this;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise(r => this.server?.close(r));
  }

  reset() {
    this.requests.length = 0;
    this.sandboxes.clear();
    this.phases.clear();
    this.conditions.clear();
    this.denied.clear();
    this.foreignNamespaces.clear();
    this.delayMs = 0;
  }

  /** Options for the action factories: real KarsClient, mock auth, discovery to this server. */
  actionOptions(): KarsActionOptions {
    return {
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => this.baseUrl,
        getExternalBaseUrl: async () => this.baseUrl,
      },
      pollIntervalMs: 10,
    };
  }

  /** Requests other than reads. */
  writes() {
    return this.requests.filter(r => r.method !== 'GET');
  }

  addSandbox(name: string, spec: unknown = {}, credentialKeys: string[] = []) {
    const sandbox: Sandbox = {
      name,
      cluster: 'primary',
      namespace: `kars-${name}`,
      spec: sandboxSpecSchema.parse(spec),
      status: { phase: 'Pending', conditions: [] },
      credentialKeys,
      uid: `uid-${name}`,
      generation: 1,
      createdAt: '2026-11-29T00:00:00Z',
      deleting: false,
    };
    this.sandboxes.set(name, sandbox);
    return sandbox;
  }

  private rendered(name: string): RenderedObject[] {
    const ns = `kars-${name}`;
    return [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'sandbox', namespace: ns },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-credentials`, namespace: ns },
        data: { SLACK_BOT_TOKEN: '<redacted>' },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns },
      },
    ];
  }

  private answer(
    method: string,
    url: URL,
    body: any,
  ): { status: number; body?: unknown } {
    const path = url.pathname.replace(/^\/api\/kars/, '');
    const dryRun = url.searchParams.get('dryRun') === 'true';
    const error = (status: number, name: string, message: string) => ({
      status,
      body: {
        error: { name, message },
        request: { method, url: path },
        response: { statusCode: status },
      },
    });
    const invalid = (issues: Parameters<typeof formatValidationIssues>[0]) =>
      error(
        400,
        'InputError',
        `Invalid request: ${formatValidationIssues(issues)}`,
      );

    if (method === 'POST' && path === '/sandboxes') {
      const result = validateWith(createSandboxRequestSchema, body);
      if (!result.success) return invalid(result.issues);
      const { name, credentials } = result.data;
      if (dryRun) {
        return {
          status: 200,
          body: { name, cluster: 'primary', objects: this.rendered(name) },
        };
      }
      const existing = this.sandboxes.get(name);
      if (existing)
        return { status: 200, body: { sandbox: existing, changed: false } };
      const sandbox = this.addSandbox(
        name,
        result.data.spec,
        Object.keys(credentials ?? {}).sort(),
      );
      return { status: 201, body: { sandbox, changed: true } };
    }
    const m = /^\/sandboxes\/([^/]+)(\/credentials)?$/.exec(path);
    const sandbox = m
      ? this.sandboxes.get(decodeURIComponent(m[1]))
      : undefined;
    if (!m || !sandbox) return error(404, 'NotFoundError', `sandbox not found`);
    const permission = m[2]
      ? 'kars.sandbox.credentials.update'
      : (
          {
            GET: 'kars.sandbox.read',
            PATCH: 'kars.sandbox.update',
            DELETE: 'kars.sandbox.delete',
          } as Record<string, string>
        )[method];
    if (permission && this.denied.has(`${permission} ${sandbox.name}`)) {
      return error(
        403,
        'NotAllowedError',
        `user:default/mock may not ${permission} sandbox ${sandbox.name}${
          dryRun ? ' (dry run)' : ''
        }`,
      );
    }
    if (method === 'GET' && !m[2]) {
      const phases = this.phases.get(sandbox.name);
      if (phases?.length) {
        const phase = phases.length > 1 ? phases.shift()! : phases[0];
        sandbox.status = {
          phase,
          conditions: this.conditions.get(sandbox.name)?.[phase] ?? [
            {
              type: 'Ready',
              status: phase === 'Running' ? 'True' : 'False',
              reason:
                phase === 'Running' ? 'WorkloadReady' : 'WorkloadProgressing',
              message: '',
              lastTransitionTime: '2026-11-29T00:00:00Z',
            },
          ],
        };
      }
      return { status: 200, body: sandbox };
    }
    if (method === 'PATCH') {
      const merged = mergePatch(sandbox.spec, body);
      const result = validateWith(sandboxSpecSchema, merged, 'spec');
      if (!result.success) return invalid(result.issues);
      if (dryRun)
        return {
          status: 200,
          body: {
            name: sandbox.name,
            cluster: 'primary',
            objects: this.rendered(sandbox.name),
          },
        };
      if (JSON.stringify(result.data) === JSON.stringify(sandbox.spec)) {
        return { status: 200, body: { sandbox, changed: false } };
      }
      sandbox.spec = result.data;
      sandbox.generation += 1;
      return { status: 200, body: { sandbox, changed: true } };
    }
    if (method === 'PUT' && m[2]) {
      const result = validateWith(putCredentialsRequestSchema, body);
      if (!result.success) return invalid(result.issues);
      const given = Object.keys(result.data.credentials).sort();
      if (dryRun) {
        const current = sandbox.credentialKeys;
        const replace = result.data.mode === 'replace';
        return {
          status: 200,
          body: {
            dryRun: true,
            name: sandbox.name,
            secret: {
              name: `${sandbox.name}-credentials`,
              namespace: sandbox.namespace,
            },
            credentialKeys: replace
              ? given
              : [...new Set([...current, ...given])].sort(),
            added: given.filter(k => !current.includes(k)),
            replaced: given.filter(k => current.includes(k)),
            removed: replace ? current.filter(k => !given.includes(k)) : [],
            wouldRestart: result.data.restart,
            restarted: false,
          },
        };
      }
      sandbox.credentialKeys =
        result.data.mode === 'replace'
          ? given.sort()
          : [...new Set([...sandbox.credentialKeys, ...given])].sort();
      return {
        status: 200,
        body: {
          credentialKeys: sandbox.credentialKeys,
          restarted: result.data.restart,
        },
      };
    }
    if (method === 'DELETE') {
      if (dryRun) {
        const ours = !this.foreignNamespaces.has(sandbox.name);
        return {
          status: 200,
          body: {
            dryRun: true,
            name: sandbox.name,
            cluster: sandbox.cluster,
            deleting: sandbox.deleting,
            namespace: { name: sandbox.namespace, exists: true, deleted: ours },
            objects: [
              ...(ours
                ? [
                    {
                      apiVersion: 'v1',
                      kind: 'Namespace',
                      name: sandbox.namespace,
                    },
                  ]
                : []),
              {
                apiVersion: 'kars.azure.com/v1alpha1',
                kind: 'KarsSandbox',
                name: sandbox.name,
                namespace: 'kars-system',
              },
            ],
          },
        };
      }
      this.sandboxes.delete(sandbox.name);
      return { status: 202, body: { name: sandbox.name } };
    }
    return error(405, 'Error', 'method not allowed');
  }
}

/** Objects merge, arrays and scalars replace, a top-level null removes the field (as the backend's PATCH). */
function mergePatch(base: any, patch: any): any {
  const out = deepMerge(base, patch);
  for (const [k, v] of Object.entries(patch ?? {}))
    if (v === null) delete out[k];
  return out;
}

function deepMerge(base: any, patch: any): any {
  if (
    patch === null ||
    typeof patch !== 'object' ||
    Array.isArray(patch) ||
    base === null ||
    typeof base !== 'object' ||
    Array.isArray(base)
  ) {
    return patch;
  }
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}
