import { z } from 'zod';
import { buildAgentCard } from '../agentCard';
import { sandboxSpecSchema } from '../spec';
import { validateWith } from '../validation';
import {
  AuditEventsResponse,
  ClusterInfo,
  DeleteSandboxDryRunResponse,
  ManifestsResponse,
  Page,
  PutCredentialsDryRunResponse,
  PutCredentialsResponse,
  Sandbox,
  SandboxHealth,
  SandboxListItem,
  SandboxSummary,
  SandboxUsageHistory,
  SandboxWriteResponse,
  ValidateResponse,
} from './contract';
import {
  auditEventsResponseSchema,
  clusterInfoSchema,
  deleteSandboxDryRunResponseSchema,
  manifestsResponseSchema,
  pageSchema,
  putCredentialsDryRunResponseSchema,
  putCredentialsResponseSchema,
  sandboxHealthSchema,
  sandboxListItemSchema,
  sandboxSchema,
  sandboxSummarySchema,
  sandboxUsageHistorySchema,
  sandboxWriteResponseSchema,
  validateResponseSchema,
} from './responseSchemas';

/** True only when A and B are the same type (optional fields and nullability included). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B
  ? 1
  : 2
  ? true
  : false;

/** Compiles only when the schema's output is exactly the contract's type. */
const sameType = <S extends z.ZodType, T>(
  schema: S,
  _same: Same<z.output<S>, T>,
) => schema;

describe('the response schemas', () => {
  it('have exactly the types of the contract (checked by the compiler)', () => {
    const pairs = [
      sameType<typeof sandboxSchema, Sandbox>(sandboxSchema, true),
      sameType<typeof sandboxSummarySchema, SandboxSummary>(
        sandboxSummarySchema,
        true,
      ),
      sameType<typeof sandboxListItemSchema, SandboxListItem>(
        sandboxListItemSchema,
        true,
      ),
      sameType<
        ReturnType<typeof pageSchema<typeof sandboxListItemSchema>>,
        Page<SandboxListItem>
      >(pageSchema(sandboxListItemSchema), true),
      sameType<typeof sandboxWriteResponseSchema, SandboxWriteResponse>(
        sandboxWriteResponseSchema,
        true,
      ),
      sameType<typeof validateResponseSchema, ValidateResponse>(
        validateResponseSchema,
        true,
      ),
      sameType<typeof putCredentialsResponseSchema, PutCredentialsResponse>(
        putCredentialsResponseSchema,
        true,
      ),
      sameType<
        typeof putCredentialsDryRunResponseSchema,
        PutCredentialsDryRunResponse
      >(putCredentialsDryRunResponseSchema, true),
      sameType<
        typeof deleteSandboxDryRunResponseSchema,
        DeleteSandboxDryRunResponse
      >(deleteSandboxDryRunResponseSchema, true),
      sameType<typeof sandboxHealthSchema, SandboxHealth>(
        sandboxHealthSchema,
        true,
      ),
      sameType<typeof clusterInfoSchema, ClusterInfo>(clusterInfoSchema, true),
      sameType<typeof auditEventsResponseSchema, AuditEventsResponse>(
        auditEventsResponseSchema,
        true,
      ),
      sameType<typeof sandboxUsageHistorySchema, SandboxUsageHistory>(
        sandboxUsageHistorySchema,
        true,
      ),
    ];
    expect(pairs).toHaveLength(13);
    // A rendered object is open beyond its identity, as RenderedObject is.
    const manifests: ManifestsResponse = manifestsResponseSchema.parse({
      name: 'tenant-a',
      cluster: 'dev',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'kars-tenant-a', labels: { a: 'b' } },
          spec: {},
        },
      ],
    });
    expect(manifests.objects[0].metadata.labels).toEqual({ a: 'b' });
  });

  const sandbox: Sandbox = {
    name: 'tenant-a',
    cluster: 'dev',
    namespace: 'kars-tenant-a',
    spec: sandboxSpecSchema.parse({ channels: [{ type: 'slack' }] }),
    status: { phase: 'Running', conditions: [] },
    credentialKeys: ['SLACK_BOT_TOKEN'],
    uid: 'u1',
    generation: 1,
    createdAt: '2026-11-28T09:00:00Z',
    deleting: false,
  };
  const fields = (schema: z.ZodType, value: unknown) => {
    const result = validateWith(schema, value);
    return result.success ? [] : result.issues.map(i => `${i.field} ${i.rule}`);
  };

  it('take a sandbox as the backend serves it', () => {
    expect(fields(sandboxSchema, sandbox)).toEqual([]);
    expect(
      fields(sandboxWriteResponseSchema, { sandbox, changed: true }),
    ).toEqual([]);
  });

  it.each([
    [
      'a credential value beside the key names',
      { ...sandbox, credentials: { SLACK_BOT_TOKEN: 'xoxb-1' } },
      'credentials unknown-field',
    ],
    [
      'a phase kars does not have',
      { ...sandbox, status: { phase: 'Happy', conditions: [] } },
      'status.phase one-of',
    ],
    [
      'a spec field the schema does not know',
      { ...sandbox, spec: { ...sandbox.spec, note: 'x' } },
      'spec.note unknown-field',
    ],
    [
      'no generation',
      { ...sandbox, generation: undefined },
      'generation required',
    ],
  ])('refuse a sandbox with %s', (_, value, issue) => {
    expect(fields(sandboxSchema, value)).toEqual([issue]);
  });

  it('take list items with or without what include adds, and refuse a card that is no card', () => {
    const row = {
      name: 'tenant-a',
      cluster: 'dev',
      isolation: 'enhanced',
      model: 'gpt-4.1',
      ready: true,
      suspended: false,
      deleting: false,
      budget: { dailyFraction: 0.3, monthlyFraction: null },
      channelTrouble: ['slack'],
    };
    const card = buildAgentCard('tenant-a', sandbox.spec);
    const page = pageSchema(sandboxListItemSchema);
    expect(fields(page, { items: [row], totalCount: 1 })).toEqual([]);
    expect(
      fields(page, {
        items: [{ ...row, spec: sandbox.spec, agentCard: card }],
        totalCount: 1,
      }),
    ).toEqual([]);
    expect(
      fields(page, { items: [{ ...row, agentCard: null }], totalCount: 1 }),
    ).toEqual([]);
    expect(
      fields(page, {
        items: [{ ...row, agentCard: { name: 'x' } }],
        totalCount: 1,
      }),
    ).toContain('items.0.agentCard.description required');
    expect(fields(sandboxSummarySchema, { ...row, ready: 'yes' })).toEqual([
      'ready type-boolean',
    ]);
  });
});
