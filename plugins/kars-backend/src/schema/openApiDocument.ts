import {
  agentCardSchema,
  auditEventsResponseSchema,
  auditPageSchema,
  clusterInfoSchema,
  createSandboxRequestSchema,
  deleteSandboxDryRunResponseSchema,
  errorResponseSchema,
  kubeEventsResponseSchema,
  listAuditQuerySchema,
  listSandboxesQuerySchema,
  manifestsResponseSchema,
  pageSchema,
  putCredentialsDryRunResponseSchema,
  putCredentialsRequestSchema,
  putCredentialsResponseSchema,
  sandboxHealthSchema,
  sandboxListItemSchema,
  sandboxLogsQuerySchema,
  sandboxSchema,
  sandboxUsageHistorySchema,
  sandboxUsageQuerySchema,
  sandboxWriteResponseSchema,
  updateSandboxRequestSchema,
  validateResponseSchema,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';

/** A JSON object of the document. */
type Json = { [key: string]: unknown };

/** The name of the sandbox every example acts on. */
export const EXAMPLE_SANDBOX = 'tenant-example';

const EXAMPLE_CREATE = {
  name: EXAMPLE_SANDBOX,
  spec: {
    owner: 'group:default/team-a',
    model: 'gpt-4.1',
    sandbox: { isolation: 'enhanced' },
    tokenBudget: { dailyTokens: 200000 },
  },
  credentials: { SLACK_BOT_TOKEN: 'xoxb-1111-2222-ExampleOnlyValue' },
};

/** The schemas of the document, from kars-common's zod contract: `input` as sent, `output` as answered. */
const SCHEMAS: Record<string, [z.ZodType, 'input' | 'output']> = {
  CreateSandboxRequest: [createSandboxRequestSchema, 'input'],
  UpdateSandboxRequest: [updateSandboxRequestSchema, 'input'],
  PutCredentialsRequest: [putCredentialsRequestSchema, 'input'],
  Sandbox: [sandboxSchema, 'output'],
  SandboxPage: [pageSchema(sandboxListItemSchema), 'output'],
  SandboxWriteResponse: [sandboxWriteResponseSchema, 'output'],
  ManifestsResponse: [manifestsResponseSchema, 'output'],
  ValidateResponse: [validateResponseSchema, 'output'],
  PutCredentialsResponse: [putCredentialsResponseSchema, 'output'],
  PutCredentialsDryRunResponse: [putCredentialsDryRunResponseSchema, 'output'],
  DeleteSandboxDryRunResponse: [deleteSandboxDryRunResponseSchema, 'output'],
  SandboxHealth: [sandboxHealthSchema, 'output'],
  AgentCard: [agentCardSchema, 'output'],
  AuditEventsResponse: [auditEventsResponseSchema, 'output'],
  KubeEventsResponse: [kubeEventsResponseSchema, 'output'],
  SandboxUsageHistory: [sandboxUsageHistorySchema, 'output'],
  AuditPage: [auditPageSchema, 'output'],
  ClusterInfo: [clusterInfoSchema, 'output'],
  Error: [errorResponseSchema, 'output'],
};

const ref = (name: keyof typeof SCHEMAS) => ({
  $ref: `#/components/schemas/${name}`,
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _draft, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as Json;
  return json;
}

/** An answer of JSON of one of the schemas (or of one of several). */
function answer(description: string, ...names: Array<keyof typeof SCHEMAS>) {
  return {
    description,
    content: {
      'application/json': {
        schema: names.length === 1 ? ref(names[0]) : { oneOf: names.map(ref) },
      },
    },
  };
}

/** The error answers an operation may give, each a Backstage error body. */
function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map(s => [String(s), { $ref: `#/components/responses/E${s}` }]),
  );
}

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is not valid: the message names each field and rule, never a value',
  401: 'No valid Backstage token',
  403: 'The permission policy refuses the caller',
  404: 'No such sandbox, or no such route',
  409: 'The write conflicts with the sandbox as it is (another spec, being deleted)',
  413: 'The body is over 1 MB',
  415: 'The body is not JSON',
  502: 'The cluster failed to answer the read, with its reason',
};

/** The path parameter of the routes of one sandbox, with the examples' sandbox. */
const NAME_PARAMETER = (keys: string[]) => ({
  name: 'name',
  in: 'path',
  required: true,
  schema: { type: 'string', minLength: 1, maxLength: 63 },
  examples: Object.fromEntries(keys.map(k => [k, { value: EXAMPLE_SANDBOX }])),
});

/** `?dryRun=true`: the same checks as the write, nothing written; examples by key. */
const DRY_RUN_PARAMETER = (keys: string[]) => ({
  name: 'dryRun',
  in: 'query',
  required: false,
  description:
    'true (or All): the same permission check and validation as the write, and nothing written',
  schema: { type: 'string', enum: ['true', 'All'] },
  examples: Object.fromEntries(keys.map(k => [k, { value: 'true' }])),
});

/** The query parameters of a query schema, each with the examples that give it. */
function queryParameters(
  schema: z.ZodObject,
  examples: Record<string, Record<string, string>> = {},
) {
  const json = jsonSchema(schema, 'input') as {
    properties: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(json.properties).map(([name, property]) => {
    const given = Object.entries(examples).filter(([, v]) => name in v);
    return {
      name,
      in: 'query',
      required: (json.required ?? []).includes(name),
      schema: property,
      ...(given.length
        ? {
            examples: Object.fromEntries(
              given.map(([key, values]) => [key, { value: values[name] }]),
            ),
          }
        : {}),
    };
  });
}

/** A JSON request body of a schema, with examples by key. */
function body(
  name: keyof typeof SCHEMAS,
  examples: Record<string, unknown>,
  types = ['application/json'],
) {
  return {
    required: true,
    content: Object.fromEntries(
      types.map(type => [
        type,
        {
          schema: ref(name),
          examples: Object.fromEntries(
            Object.entries(examples).map(([key, value]) => [key, { value }]),
          ),
        },
      ]),
    ),
  };
}

/** A read of one sandbox: its name, one answer, the errors of a read. */
function sandboxRead(operationId: string, summary: string, response: Json) {
  return {
    get: {
      operationId,
      summary,
      parameters: [NAME_PARAMETER(['tenant'])],
      responses: { '200': response, ...errors(401, 403, 404) },
    },
  };
}

/**
 * The OpenAPI 3.1 document of the REST API at `/api/kars`, generated from kars-common's zod
 * contract (request bodies and queries as sent, answers as given), with an example of every
 * operation on the sandbox {@link EXAMPLE_SANDBOX}. Committed as `openapi.json` beside this file
 * and served at `GET /api/kars/openapi.json`. Pure.
 */
export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'kars portal API',
      version: '1',
      description:
        "The REST API of the kars backend plugin: sandboxes (AI agent runtimes on Kubernetes) over one or more clusters. Every route needs a Backstage token (a user or a service); what each caller may do is the permission policy's. Answers never carry a credential value.",
    },
    servers: [{ url: '/api/kars' }],
    security: [{ backstage: [] }],
    paths: {
      '/cluster': {
        get: {
          operationId: 'getClusters',
          summary: 'The clusters, with their preflight checks',
          responses: {
            '200': answer('The clusters', 'ClusterInfo'),
            ...errors(401),
          },
        },
      },
      '/sandboxes': {
        get: {
          operationId: 'listSandboxes',
          summary:
            'A page of the fleet list, of the sandboxes the caller may read',
          parameters: queryParameters(listSandboxesQuerySchema, {
            page: { limit: '10', sort: 'name', order: 'asc' },
          }),
          responses: {
            '200': answer('A page', 'SandboxPage'),
            '304': { description: 'The page is as the If-None-Match ETag' },
            ...errors(400, 401, 403),
          },
        },
        post: {
          operationId: 'createSandbox',
          summary:
            'Creates a sandbox (the same spec again is a no-op, another spec a 409); credentials beside the spec are write-only',
          parameters: [DRY_RUN_PARAMETER(['dryRun'])],
          requestBody: body('CreateSandboxRequest', {
            dryRun: EXAMPLE_CREATE,
            create: EXAMPLE_CREATE,
          }),
          responses: {
            '200': answer(
              'The same spec was there (changed: false), or with dryRun the objects it would render',
              'SandboxWriteResponse',
              'ManifestsResponse',
            ),
            '201': answer('Created', 'SandboxWriteResponse'),
            ...errors(400, 401, 403, 409, 413, 415),
          },
        },
      },
      '/sandboxes/validate': {
        post: {
          operationId: 'validateSandbox',
          summary:
            'Whether a create request would be admitted, with every issue; writes nothing',
          requestBody: body('CreateSandboxRequest', { valid: EXAMPLE_CREATE }),
          responses: {
            '200': answer('The verdict', 'ValidateResponse'),
            ...errors(400, 401, 413, 415),
          },
        },
      },
      '/sandboxes/{name}': {
        get: {
          operationId: 'getSandbox',
          summary: 'A sandbox: spec, status, credential key names',
          parameters: [NAME_PARAMETER(['tenant'])],
          responses: {
            '200': answer('The sandbox', 'Sandbox'),
            ...errors(401, 403, 404),
          },
        },
        patch: {
          operationId: 'updateSandbox',
          summary:
            'Changes the mutable fields of the spec (a JSON merge patch, checked as a whole)',
          parameters: [
            NAME_PARAMETER(['dryRun', 'change']),
            DRY_RUN_PARAMETER(['dryRun']),
          ],
          requestBody: body(
            'UpdateSandboxRequest',
            {
              dryRun: { tokenBudget: { dailyTokens: 300000 } },
              change: { tokenBudget: { dailyTokens: 300000 } },
            },
            ['application/json', 'application/merge-patch+json'],
          ),
          responses: {
            '200': answer(
              'The sandbox written, or with dryRun the objects it would render',
              'SandboxWriteResponse',
              'ManifestsResponse',
            ),
            ...errors(400, 401, 403, 404, 409, 413, 415),
          },
        },
        delete: {
          operationId: 'deleteSandbox',
          summary:
            'Deletes the sandbox and the namespace kars portal made for it',
          parameters: [
            NAME_PARAMETER(['dryRun', 'delete']),
            DRY_RUN_PARAMETER(['dryRun']),
          ],
          responses: {
            '200': answer(
              'With dryRun: what would go',
              'DeleteSandboxDryRunResponse',
            ),
            '202': answer('The sandbox, being deleted', 'Sandbox'),
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/sandboxes/{name}/credentials': {
        put: {
          operationId: 'putCredentials',
          summary:
            'Sets (merge) or replaces the credentials; answers key names, never values',
          parameters: [
            NAME_PARAMETER(['dryRun', 'rotate']),
            DRY_RUN_PARAMETER(['dryRun']),
          ],
          requestBody: body('PutCredentialsRequest', {
            dryRun: {
              credentials: {
                SLACK_BOT_TOKEN: 'xoxb-3333-4444-ExampleOnlyValue',
              },
              restart: false,
            },
            rotate: {
              credentials: {
                SLACK_BOT_TOKEN: 'xoxb-3333-4444-ExampleOnlyValue',
              },
              mode: 'merge',
              restart: true,
            },
          }),
          responses: {
            '200': answer(
              'The key names now set, or with dryRun what the write would change',
              'PutCredentialsResponse',
              'PutCredentialsDryRunResponse',
            ),
            ...errors(400, 401, 403, 404, 409, 413, 415),
          },
        },
      },
      '/sandboxes/{name}/health': sandboxRead(
        'getSandboxHealth',
        'Enforcement layers, budget use, channels, workload, identity, pods',
        answer('The health', 'SandboxHealth'),
      ),
      '/sandboxes/{name}/manifests': sandboxRead(
        'getSandboxManifests',
        'The objects the reconciler renders for the sandbox, secret values redacted',
        answer('The objects', 'ManifestsResponse'),
      ),
      '/sandboxes/{name}/agent-card': sandboxRead(
        'getAgentCard',
        'The A2A agent card of the sandbox',
        answer('The card', 'AgentCard'),
      ),
      '/sandboxes/{name}/events': sandboxRead(
        'getSandboxEvents',
        'The audit trail of the sandbox, newest first',
        answer('The events', 'AuditEventsResponse'),
      ),
      '/sandboxes/{name}/kube-events': sandboxRead(
        'getSandboxKubeEvents',
        'The Kubernetes Events of the sandbox, newest first',
        answer('The events', 'KubeEventsResponse'),
      ),
      '/sandboxes/{name}/usage': {
        get: {
          operationId: 'getSandboxUsage',
          summary: 'Daily token use over the last days',
          parameters: [
            NAME_PARAMETER(['week']),
            ...queryParameters(sandboxUsageQuerySchema, {
              week: { days: '7' },
            }),
          ],
          responses: {
            '200': answer('Daily token use', 'SandboxUsageHistory'),
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/sandboxes/{name}/logs': {
        get: {
          operationId: 'getSandboxLogs',
          summary:
            'The last lines of a container of the sandbox, as text (users only; credential values redacted)',
          parameters: [
            NAME_PARAMETER([]),
            ...queryParameters(sandboxLogsQuerySchema),
          ],
          responses: {
            '200': {
              description: 'The lines; with follow, streamed',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            ...errors(400, 401, 403, 404, 409, 502),
          },
        },
      },
      '/audit': {
        get: {
          operationId: 'listAudit',
          summary: 'The fleet-wide audit trail (kars.audit.read)',
          parameters: queryParameters(listAuditQuerySchema, {
            recent: { limit: '5' },
          }),
          responses: {
            '200': answer('A page of events', 'AuditPage'),
            ...errors(400, 401, 403),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          responses: {
            '200': {
              description: 'The OpenAPI document',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors(401),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        backstage: {
          type: 'http',
          scheme: 'bearer',
          description:
            "A Backstage token: a user's identity token, or a service token (static external access, or another plugin's)",
        },
      },
      schemas: Object.fromEntries(
        Object.entries(SCHEMAS).map(([name, [schema, io]]) => [
          name,
          jsonSchema(schema, io),
        ]),
      ),
      responses: Object.fromEntries(
        Object.entries(ERROR_TEXT).map(([status, description]) => [
          `E${status}`,
          answer(description, 'Error'),
        ]),
      ),
    },
  };
}
