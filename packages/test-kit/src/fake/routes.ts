import {
  agentCardSchema,
  auditEventsResponseSchema,
  auditPageSchema,
  buildAgentCard,
  clusterInfoSchema,
  createSandboxRequestSchema,
  deleteSandboxDryRunResponseSchema,
  kubeEventsResponseSchema,
  listAuditQuerySchema,
  listSandboxesQuerySchema,
  pageSchema,
  putCredentialsDryRunResponseSchema,
  putCredentialsRequestSchema,
  putCredentialsResponseSchema,
  Sandbox,
  sandboxHealthSchema,
  sandboxListItemSchema,
  sandboxLogsQuerySchema,
  sandboxNameSchema,
  sandboxObjectNames,
  sandboxPatchSchema,
  sandboxSchema,
  SandboxSpec,
  sandboxSpecSchema,
  sandboxUsageHistorySchema,
  sandboxUsageQuerySchema,
  sandboxWriteResponseSchema,
  validateResponseSchema,
  validateWith,
  ValidationIssue,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { readyCondition } from '../fixtures/sandbox';
import { usageHistoryFixture } from '../fixtures/usage';
import { FakeHttpError, invalid, Reply, reply } from './answers';
import type { FakeKarsApi } from './FakeKarsApi';
import { pageSummaries, toSummary } from './listing';
import { mergePatch } from './mergePatch';
import { manifests } from './rendered';
import { FakeRoute, RoutedRequest } from './types';

type Route = (api: FakeKarsApi, request: RoutedRequest) => Reply;

const PERMISSIONS: Partial<Record<FakeRoute, string>> = {
  get: 'kars.sandbox.read',
  health: 'kars.sandbox.read',
  events: 'kars.sandbox.read',
  'agent-card': 'kars.sandbox.read',
  manifests: 'kars.sandbox.read',
  'kube-events': 'kars.sandbox.read',
  logs: 'kars.sandbox.logs',
  usage: 'kars.sandbox.read',
  update: 'kars.sandbox.update',
  delete: 'kars.sandbox.delete',
  credentials: 'kars.sandbox.credentials.update',
};

function authorize(
  api: FakeKarsApi,
  permission: string,
  target: string | undefined,
  dryRun: boolean,
) {
  if (!api.denied.has(target ? `${permission} ${target}` : permission)) return;
  throw new FakeHttpError(
    403,
    `user:default/mock may not ${permission} ${
      target ? `sandbox ${target}` : 'sandboxes'
    }${dryRun ? ' (dry run)' : ''}`,
  );
}

/** `?dryRun=true` or `All`; any other value is a 400, as the backend answers. */
function dryRunOf(request: RoutedRequest): boolean {
  const value = request.query.getAll('dryRun');
  if (value.length === 0) return false;
  if (value.length === 1 && (value[0] === 'true' || value[0] === 'All')) {
    return true;
  }
  throw invalid([
    { field: 'dryRun', rule: 'dry-run-value', message: 'must be true or All' },
  ]);
}

/** The sandbox a route is about (a 404 before any 403), after its permission check. */
function sandboxOf(api: FakeKarsApi, request: RoutedRequest): Sandbox {
  const name = request.name!;
  const sandbox = api.sandboxes.get(name);
  if (!sandbox) throw new FakeHttpError(404, `no sandbox named ${name}`);
  const dryRun = ['update', 'delete', 'credentials'].includes(request.route!)
    ? dryRunOf(request)
    : false;
  authorize(api, PERMISSIONS[request.route!]!, name, dryRun);
  return sandbox;
}

function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = '',
): z.output<S> {
  const result = validateWith(schema, input, prefix);
  if (!result.success) throw invalid(result.issues);
  return result.data;
}

const sameSpec = (a: SandboxSpec, b: SandboxSpec) =>
  JSON.stringify(a) === JSON.stringify(b);

const NAME_TAKEN: ValidationIssue = {
  field: 'name',
  rule: 'name-taken',
  message: 'is taken by an existing sandbox',
};

const differentSpec = (name: string) =>
  new FakeHttpError(
    409,
    `a sandbox named ${name} exists with a different spec; change it with PATCH /sandboxes/${name}`,
  );

const sortedKeys = (keys: Iterable<string>) => [...new Set(keys)].sort();

/** Every route of the kars API, as the fake answers it. */
export const ROUTES: Record<FakeRoute, Route> = {
  cluster: api => reply(clusterInfoSchema, api.clusterInfo),

  list: (api, request) => {
    authorize(api, 'kars.sandbox.read', undefined, false);
    const query = parse(
      listSandboxesQuerySchema,
      Object.fromEntries(request.query),
      'query',
    );
    if (query.cursor !== undefined && !/^\d+$/.test(query.cursor)) {
      throw invalid([
        {
          field: 'cursor',
          rule: 'cursor',
          message:
            'is not a cursor of this listing (it must come from nextCursor of the same query)',
        },
      ]);
    }
    const sandboxes = [...api.sandboxes.values()];
    const page = pageSummaries(
      sandboxes.map(s => toSummary(s, api.healthOf(s))),
      { ...query, include: undefined },
    );
    const include = new Set(query.include);
    return reply(pageSchema(sandboxListItemSchema), {
      ...page,
      items: page.items.map(item => {
        const sandbox = api.sandboxes.get(item.name)!;
        return {
          ...item,
          ...(include.has('spec') ? { spec: sandbox.spec } : {}),
          ...(include.has('agentCard')
            ? { agentCard: buildAgentCard(sandbox.name, sandbox.spec) ?? null }
            : {}),
        };
      }),
    });
  },

  validate: (api, request) => {
    const whole = validateWith(createSandboxRequestSchema, request.body);
    if (whole.success) {
      const existing = api.sandboxes.get(whole.data.name);
      const taken = existing && !sameSpec(existing.spec, whole.data.spec);
      return reply(validateResponseSchema, {
        valid: !taken,
        issues: taken ? [NAME_TAKEN] : [],
      });
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const name = validateWith(sandboxNameSchema, body.name, 'name');
    return reply(validateResponseSchema, {
      valid: false,
      issues: [
        ...whole.issues,
        ...(name.success && api.sandboxes.has(name.data) ? [NAME_TAKEN] : []),
      ],
    });
  },

  create: (api, request) => {
    const dryRun = dryRunOf(request);
    const { name, spec, credentials } = parse(
      createSandboxRequestSchema,
      request.body,
    );
    authorize(api, 'kars.sandbox.create', undefined, dryRun);
    const keys = Object.keys(credentials ?? {});
    const existing = api.sandboxes.get(name);
    if (existing && !sameSpec(existing.spec, spec)) throw differentSpec(name);
    if (existing && keys.length) {
      authorize(api, 'kars.sandbox.credentials.update', name, dryRun);
    }
    if (dryRun) return manifests(api, name, spec);
    if (existing) {
      const sandbox = keys.length
        ? api.addSandbox({
            ...existing,
            credentialKeys: sortedKeys([...existing.credentialKeys, ...keys]),
          })
        : existing;
      return reply(sandboxWriteResponseSchema, { sandbox, changed: false });
    }
    const sandbox = api.addSandbox({
      name,
      spec,
      status: { phase: 'Pending', conditions: [] },
      credentialKeys: sortedKeys(keys),
      createdAt: '2026-11-29T00:00:00Z',
    });
    return reply(sandboxWriteResponseSchema, { sandbox, changed: true }, 201);
  },

  get: (api, request) => {
    let sandbox = sandboxOf(api, request);
    const phases = api.phases.get(sandbox.name);
    if (phases?.length) {
      const phase = phases.length > 1 ? phases.shift()! : phases[0];
      sandbox = api.addSandbox({
        ...sandbox,
        status: {
          phase,
          conditions: api.conditions.get(sandbox.name)?.[phase] ?? [
            readyCondition(phase === 'Running', '2026-11-29T00:00:00Z'),
          ],
        },
      });
    }
    return reply(sandboxSchema, sandbox);
  },

  update: (api, request) => {
    const sandbox = sandboxOf(api, request);
    const patch = parse(sandboxPatchSchema, request.body, 'patch');
    if (sandbox.deleting) {
      throw new FakeHttpError(409, `sandbox ${sandbox.name} is being deleted`);
    }
    const spec = parse(
      sandboxSpecSchema,
      mergePatch(sandbox.spec, patch),
      'spec',
    );
    if (dryRunOf(request)) return manifests(api, sandbox.name, spec);
    if (sameSpec(spec, sandbox.spec)) {
      return reply(sandboxWriteResponseSchema, { sandbox, changed: false });
    }
    const changed = api.addSandbox({
      ...sandbox,
      spec,
      generation: sandbox.generation + 1,
    });
    return reply(sandboxWriteResponseSchema, {
      sandbox: changed,
      changed: true,
    });
  },

  credentials: (api, request) => {
    const sandbox = sandboxOf(api, request);
    const { credentials, mode, restart } = parse(
      putCredentialsRequestSchema,
      request.body,
    );
    if (sandbox.deleting) {
      throw new FakeHttpError(409, `sandbox ${sandbox.name} is being deleted`);
    }
    const given = sortedKeys(Object.keys(credentials));
    const current = sandbox.credentialKeys;
    const after =
      mode === 'replace' ? given : sortedKeys([...current, ...given]);
    if (dryRunOf(request)) {
      return reply(putCredentialsDryRunResponseSchema, {
        dryRun: true,
        name: sandbox.name,
        secret: {
          name: sandboxObjectNames(sandbox.name).credentialsSecret,
          namespace: sandbox.namespace,
        },
        credentialKeys: after,
        added: given.filter(k => !current.includes(k)),
        replaced: given.filter(k => current.includes(k)),
        removed:
          mode === 'replace' ? current.filter(k => !given.includes(k)) : [],
        wouldRestart: restart,
        restarted: false,
      });
    }
    api.addSandbox({ ...sandbox, credentialKeys: after });
    return reply(putCredentialsResponseSchema, {
      credentialKeys: after,
      restarted: restart,
    });
  },

  delete: (api, request) => {
    const sandbox = sandboxOf(api, request);
    if (dryRunOf(request)) {
      const ours = !api.foreignNamespaces.has(sandbox.name);
      return reply(deleteSandboxDryRunResponseSchema, {
        dryRun: true,
        name: sandbox.name,
        cluster: sandbox.cluster,
        deleting: sandbox.deleting,
        namespace: { name: sandbox.namespace, exists: true, deleted: ours },
        objects: [
          ...(ours
            ? [{ apiVersion: 'v1', kind: 'Namespace', name: sandbox.namespace }]
            : []),
          {
            apiVersion: 'kars.azure.com/v1alpha1',
            kind: 'KarsSandbox',
            name: sandbox.name,
            namespace: 'kars-system',
          },
        ],
      });
    }
    api.sandboxes.delete(sandbox.name);
    return reply(sandboxSchema, { ...sandbox, deleting: true }, 202);
  },

  health: (api, request) =>
    reply(sandboxHealthSchema, api.healthOf(sandboxOf(api, request))),

  events: (api, request) =>
    reply(auditEventsResponseSchema, {
      items: api.events.get(sandboxOf(api, request).name) ?? [],
    }),

  usage: (api, request) => {
    const sandbox = sandboxOf(api, request);
    const { days } = parse(
      sandboxUsageQuerySchema,
      Object.fromEntries(request.query),
      'query',
    );
    return reply(
      sandboxUsageHistorySchema,
      api.usage.get(sandbox.name) ?? usageHistoryFixture({ days }),
    );
  },

  'kube-events': (api, request) =>
    reply(kubeEventsResponseSchema, {
      items: api.kubeEvents.get(sandboxOf(api, request).name) ?? [],
    }),

  /** The last `tailLines` lines of what a test set; `follow` answers the same, then ends. */
  logs: (api, request) => {
    const sandbox = sandboxOf(api, request);
    const { container, tailLines } = parse(
      sandboxLogsQuerySchema,
      Object.fromEntries(request.query),
      'query',
    );
    const lines = (api.logs.get(`${sandbox.name}/${container}`) ?? '')
      .split('\n')
      .filter(line => line !== '');
    return {
      status: 200,
      body: lines
        .slice(-tailLines)
        .map(line => `${line}\n`)
        .join(''),
    };
  },

  'agent-card': (api, request) => {
    const sandbox = sandboxOf(api, request);
    const card = buildAgentCard(sandbox.name, sandbox.spec);
    if (!card) {
      throw new FakeHttpError(
        404,
        `sandbox ${sandbox.name} has A2A turned off`,
      );
    }
    return reply(agentCardSchema, card);
  },

  manifests: (api, request) => {
    const sandbox = sandboxOf(api, request);
    return manifests(api, sandbox.name, sandbox.spec);
  },

  audit: (api, request) => {
    authorize(api, 'kars.audit.read', undefined, false);
    const query = parse(
      listAuditQuerySchema,
      Object.fromEntries(request.query),
      'query',
    );
    const all = [...api.auditTrail]
      .sort((a, b) => Number(b.id) - Number(a.id))
      .filter(
        e =>
          (['sandbox', 'actor', 'action', 'outcome'] as const).every(
            key => query[key] === undefined || e[key] === query[key],
          ) &&
          (query.since === undefined ||
            Date.parse(e.at) >= Date.parse(query.since)),
      );
    const after = query.cursor
      ? all.filter(e => Number(e.id) < Number(query.cursor))
      : all;
    const items = after.slice(0, query.limit);
    return reply(auditPageSchema, {
      items,
      totalCount: all.length,
      ...(after.length > query.limit
        ? { nextCursor: items[items.length - 1].id }
        : {}),
    });
  },
};
