import {
  MAX_SANDBOX_NAME_LENGTH,
  sandboxEntityNames,
  sandboxNamespace,
  LABEL_LIMITED_DERIVED_NAMES,
} from './names';
import {
  ISOLATION_LEVELS,
  isolationLevelLabel,
  sandboxNameSchema,
  sandboxPatchSchema,
  sandboxSpecSchema,
  SandboxSpecInput,
} from './spec';
import { validateWith } from './validation';

const validateSpec = (spec: SandboxSpecInput | Record<string, unknown>) =>
  validateWith(sandboxSpecSchema, spec, 'spec');

describe('sandbox name', () => {
  it.each([['tenant-a'], ['a'], ['t0'], ['a'.repeat(MAX_SANDBOX_NAME_LENGTH)]])(
    'accepts %s',
    name => {
      expect(validateWith(sandboxNameSchema, name, 'name')).toMatchObject({
        success: true,
      });
    },
  );

  it.each([
    ['', 'required'],
    ['Tenant-A', 'dns-1035-label'],
    ['1tenant', 'dns-1035-label'],
    ['tenant-', 'dns-1035-label'],
    ['tenant_a', 'dns-1035-label'],
    ['tenant.a', 'dns-1035-label'],
    ['a'.repeat(MAX_SANDBOX_NAME_LENGTH + 1), 'max-length'],
    ['system', 'reserved-name'],
  ])('rejects %j by rule %s', (name, rule) => {
    const result = validateWith(sandboxNameSchema, name, 'name');
    expect(result.success).toBe(false);
    expect(result.issues).toContainEqual(
      expect.objectContaining({ field: 'name', rule }),
    );
  });

  it('leaves room for every derived name to fit 63 characters', () => {
    const longest = 'a'.repeat(MAX_SANDBOX_NAME_LENGTH);
    for (const d of LABEL_LIMITED_DERIVED_NAMES) {
      expect(d.derive(longest).length).toBeLessThanOrEqual(63);
    }
    expect(
      LABEL_LIMITED_DERIVED_NAMES.some(
        d => d.derive(`${longest}a`).length > 63,
      ),
    ).toBe(true);
    expect(sandboxNamespace('tenant-a')).toBe('kars-tenant-a');
    expect(sandboxEntityNames('tenant-a')).toEqual({
      resource: 'tenant-a',
      component: 'tenant-a-agent',
      api: 'tenant-a-agent-card',
    });
  });
});

describe('sandbox spec defaults', () => {
  it('fills in every default from an empty spec', () => {
    const result = validateSpec({});
    expect(result.success).toBe(true);
    expect(result.success && result.data).toEqual({
      runtime: { kind: 'OpenClaw' },
      sandbox: { isolation: 'enhanced' },
      model: 'gpt-4.1',
      tokenBudget: { perRequestTokens: 0, dailyTokens: 0, monthlyTokens: 0 },
      contentSafety: {
        hate: 'Medium',
        selfHarm: 'Medium',
        sexual: 'Medium',
        violence: 'Medium',
        devOnly: false,
      },
      channels: [],
      networkPolicy: { allowedEndpoints: [] },
      governance: { enabled: false, trustThreshold: 500 },
      a2a: { enabled: true, description: '', skills: [] },
      resources: { limits: { cpu: '2', memory: '4Gi' } },
      suspended: false,
    });
  });
});

describe('sandbox spec rules', () => {
  const accepted: Array<[string, Record<string, unknown>]> = [
    ['owner group ref', { owner: 'group:default/team-a' }],
    ['owner user ref without namespace', { owner: 'user:jane' }],
    ['isolation standard', { sandbox: { isolation: 'standard' } }],
    ['isolation confidential', { sandbox: { isolation: 'confidential' } }],
    ['runtime Hermes', { runtime: { kind: 'Hermes' } }],
    ['model Phi-4', { model: 'Phi-4' }],
    [
      'model with dots and colons',
      { model: 'Meta-Llama-3.1-405B-Instruct:v2' },
    ],
    [
      'budgets in order',
      {
        tokenBudget: {
          perRequestTokens: 8000,
          dailyTokens: 100000,
          monthlyTokens: 2000000,
        },
      },
    ],
    [
      'monthly unlimited with a daily cap',
      { tokenBudget: { dailyTokens: 100000, monthlyTokens: 0 } },
    ],
    [
      'monthly equal to daily',
      { tokenBudget: { dailyTokens: 1000, monthlyTokens: 1000 } },
    ],
    ['per-request only', { tokenBudget: { perRequestTokens: 4000 } }],
    [
      'all four channels',
      {
        channels: [
          { type: 'telegram' },
          { type: 'slack' },
          { type: 'discord' },
          { type: 'whatsapp' },
        ],
      },
    ],
    [
      'egress host name, IP and CIDR',
      {
        networkPolicy: {
          allowedEndpoints: [
            { host: 'api.github.com', port: 443 },
            { host: '203.0.113.7', port: 8080 },
            { host: '198.51.100.0/24' },
            { host: '10.20.0.0/16', port: 5432 },
          ],
        },
      },
    ],
    [
      'egress port 1',
      { networkPolicy: { allowedEndpoints: [{ host: 'a.io', port: 1 }] } },
    ],
    [
      'egress port 65535',
      { networkPolicy: { allowedEndpoints: [{ host: 'a.io', port: 65535 }] } },
    ],
    ['governance on', { governance: { enabled: true, trustThreshold: 700 } }],
    [
      'a2a skills',
      {
        a2a: {
          description: 'Answers billing questions',
          skills: [
            {
              id: 'billing',
              name: 'Billing',
              description: 'Answers invoice questions',
              tags: ['finance'],
            },
          ],
        },
      },
    ],
    ['cpu millis', { resources: { limits: { cpu: '500m', memory: '512Mi' } } }],
    ['cpu decimal', { resources: { limits: { cpu: '1.5', memory: '8Gi' } } }],
    [
      'workload identity client id',
      {
        workloadIdentity: { clientId: '6c6f3e2a-1b2c-4d5e-8f90-123456789abc' },
      },
    ],
    ['suspended', { suspended: true }],
    [
      'content safety Safe and High',
      { contentSafety: { hate: 'Safe', violence: 'High' } },
    ],
  ];

  it.each(accepted)('accepts %s', (_what, spec) => {
    const result = validateSpec(spec);
    expect(result.issues).toEqual([]);
    expect(result.success).toBe(true);
  });

  const rejected: Array<[string, Record<string, unknown>, string, string]> = [
    [
      'owner not an entity ref',
      { owner: 'team-a' },
      'spec.owner',
      'owner-entity-ref',
    ],
    [
      'owner of kind component',
      { owner: 'component:default/x' },
      'spec.owner',
      'owner-entity-ref',
    ],
    [
      'unknown isolation',
      { sandbox: { isolation: 'paranoid' } },
      'spec.sandbox.isolation',
      'one-of',
    ],
    [
      'unknown runtime',
      { runtime: { kind: 'openclaw' } },
      'spec.runtime.kind',
      'one-of',
    ],
    ['empty model', { model: '' }, 'spec.model', 'required'],
    ['model with spaces', { model: 'gpt 4' }, 'spec.model', 'model-name'],
    ['model too long', { model: 'a'.repeat(101) }, 'spec.model', 'max-length'],
    [
      'negative budget',
      { tokenBudget: { dailyTokens: -1 } },
      'spec.tokenBudget.dailyTokens',
      'minimum',
    ],
    [
      'fractional budget',
      { tokenBudget: { dailyTokens: 1.5 } },
      'spec.tokenBudget.dailyTokens',
      'integer',
    ],
    [
      'budget as string',
      { tokenBudget: { dailyTokens: '100' } },
      'spec.tokenBudget.dailyTokens',
      'type-number',
    ],
    [
      'monthly below daily',
      { tokenBudget: { dailyTokens: 1000, monthlyTokens: 999 } },
      'spec.tokenBudget.monthlyTokens',
      'monthly-at-least-daily',
    ],
    [
      'monthly below per-request',
      { tokenBudget: { perRequestTokens: 5000, monthlyTokens: 4000 } },
      'spec.tokenBudget.monthlyTokens',
      'monthly-at-least-per-request',
    ],
    [
      'daily below per-request',
      { tokenBudget: { perRequestTokens: 5000, dailyTokens: 4000 } },
      'spec.tokenBudget.dailyTokens',
      'daily-at-least-per-request',
    ],
    [
      'unknown severity',
      { contentSafety: { hate: 'Extreme' } },
      'spec.contentSafety.hate',
      'one-of',
    ],
    [
      'lowercase severity',
      { contentSafety: { sexual: 'low' } },
      'spec.contentSafety.sexual',
      'one-of',
    ],
    [
      'unknown channel',
      { channels: [{ type: 'irc' }] },
      'spec.channels.0.type',
      'one-of',
    ],
    [
      'channel twice',
      { channels: [{ type: 'slack' }, { type: 'slack' }] },
      'spec.channels.1.type',
      'channel-unique',
    ],
    [
      'egress host with uppercase',
      { networkPolicy: { allowedEndpoints: [{ host: 'API.github.com' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-host',
    ],
    [
      'egress host with a path',
      { networkPolicy: { allowedEndpoints: [{ host: 'github.com/x' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-host',
    ],
    [
      'egress wildcard',
      { networkPolicy: { allowedEndpoints: [{ host: '*.github.com' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-host',
    ],
    [
      'egress octet above 255',
      { networkPolicy: { allowedEndpoints: [{ host: '300.1.2.3' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'ipv4-address',
    ],
    [
      'egress CIDR wider than /8',
      { networkPolicy: { allowedEndpoints: [{ host: '0.0.0.0/0' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'ipv4-address',
    ],
    [
      'egress to IMDS',
      { networkPolicy: { allowedEndpoints: [{ host: '169.254.169.254' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-range-forbidden',
    ],
    [
      'egress to loopback',
      { networkPolicy: { allowedEndpoints: [{ host: '127.0.0.1' }] } },
      'spec.networkPolicy.allowedEndpoints.0.host',
      'egress-range-forbidden',
    ],
    [
      'egress port 0',
      { networkPolicy: { allowedEndpoints: [{ host: 'a.io', port: 0 }] } },
      'spec.networkPolicy.allowedEndpoints.0.port',
      'minimum',
    ],
    [
      'egress port 65536',
      { networkPolicy: { allowedEndpoints: [{ host: 'a.io', port: 65536 }] } },
      'spec.networkPolicy.allowedEndpoints.0.port',
      'maximum',
    ],
    [
      'egress entry twice',
      {
        networkPolicy: {
          allowedEndpoints: [{ host: 'a.io' }, { host: 'a.io', port: 443 }],
        },
      },
      'spec.networkPolicy.allowedEndpoints.1',
      'endpoint-unique',
    ],
    [
      'trust threshold above 1000',
      { governance: { trustThreshold: 1001 } },
      'spec.governance.trustThreshold',
      'maximum',
    ],
    [
      'a2a skill id with spaces',
      {
        a2a: {
          skills: [
            { id: 'my skill', name: 'x', description: 'd', tags: ['t'] },
          ],
        },
      },
      'spec.a2a.skills.0.id',
      'skill-id',
    ],
    [
      'a2a skill twice',
      {
        a2a: {
          skills: [
            { id: 'x', name: 'x', description: 'd', tags: ['t'] },
            { id: 'x', name: 'y', description: 'd', tags: ['t'] },
          ],
        },
      },
      'spec.a2a.skills.1.id',
      'skill-unique',
    ],
    [
      'a2a description too long',
      { a2a: { description: 'x'.repeat(1001) } },
      'spec.a2a.description',
      'max-length',
    ],
    [
      'cpu not a quantity',
      { resources: { limits: { cpu: 'two' } } },
      'spec.resources.limits.cpu',
      'cpu-quantity',
    ],
    [
      'cpu above 16',
      { resources: { limits: { cpu: '32' } } },
      'spec.resources.limits.cpu',
      'cpu-range',
    ],
    [
      'cpu below 100m',
      { resources: { limits: { cpu: '50m' } } },
      'spec.resources.limits.cpu',
      'cpu-range',
    ],
    [
      'memory in bytes',
      { resources: { limits: { memory: '4000000' } } },
      'spec.resources.limits.memory',
      'memory-quantity',
    ],
    [
      'memory above 64Gi',
      { resources: { limits: { memory: '65Gi' } } },
      'spec.resources.limits.memory',
      'memory-range',
    ],
    [
      'client id not a UUID',
      { workloadIdentity: { clientId: 'abc' } },
      'spec.workloadIdentity.clientId',
      'uuid',
    ],
    [
      'suspended as string',
      { suspended: 'yes' },
      'spec.suspended',
      'type-boolean',
    ],
    [
      'unknown top-level field',
      { replicas: 3 },
      'spec.replicas',
      'unknown-field',
    ],
    [
      'unknown nested field',
      { sandbox: { isolation: 'enhanced', privileged: true } },
      'spec.sandbox.privileged',
      'unknown-field',
    ],
  ];

  it.each(rejected)('rejects %s (%s, %s)', (_what, spec, field, rule) => {
    const result = validateSpec(spec);
    expect(result.success).toBe(false);
    expect(result.issues).toContainEqual(
      expect.objectContaining({ field, rule }),
    );
    for (const issue of result.issues) {
      expect(issue.message.length).toBeGreaterThan(0);
    }
  });
});

describe('isolation level labels', () => {
  it('name every level, weakest first, with what it runs on', () => {
    expect(ISOLATION_LEVELS.map(isolationLevelLabel)).toEqual([
      'Standard: runc with the RuntimeDefault seccomp profile',
      'Enhanced: runc with the kars-strict seccomp profile',
      'Confidential: Kata VM on the Kata node pool, with the RuntimeDefault seccomp profile',
    ]);
  });
});

describe('sandbox patch', () => {
  it('accepts the fields that may change', () => {
    expect(
      sandboxPatchSchema.safeParse({
        sandbox: { isolation: 'confidential' },
        model: 'Phi-4',
        tokenBudget: { dailyTokens: 5 },
        channels: [{ type: 'slack' }],
        networkPolicy: { allowedEndpoints: [] },
        governance: { enabled: true },
        suspended: true,
      }).success,
    ).toBe(true);
  });

  it('refuses the runtime, which is fixed at creation', () => {
    const result = validateWith(
      sandboxPatchSchema,
      { runtime: { kind: 'Hermes' } },
      'patch',
    );
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        field: 'patch.runtime',
        rule: 'unknown-field',
      }),
    );
  });
});
