/**
 * Shared specs on which the zod source and the generated CRD schema must agree. `judge` says who
 * decides a case when plain JSON Schema cannot:
 * - `schema`: the CRD's JSON Schema alone, so a JSON-Schema validator agrees with zod;
 * - `cel`: an `x-kubernetes-validations` rule of the CRD, judged only by a real API server;
 * - `list-map`: uniqueness through `x-kubernetes-list-type: map`, judged only by a real API server;
 * - `pruned`: an unknown field, which the API server drops instead of rejecting;
 * - `preserved`: an unknown field where the kars CLI writes kars's own (the top of the spec and the
 *   blocks kars shares), which the API server keeps so that the portal never loses it;
 * - `backend`: a semantic rule only the backend applies (before anything reaches the cluster).
 */
export interface CrdAgreementCase {
  what: string;
  spec: Record<string, unknown>;
  valid: boolean;
  judge: 'schema' | 'cel' | 'list-map' | 'pruned' | 'preserved' | 'backend';
}

export const crdAgreementCases: CrdAgreementCase[] = [
  { what: 'empty spec (all defaults)', spec: {}, valid: true, judge: 'schema' },
  {
    what: 'a full spec',
    spec: {
      owner: 'group:default/team-a',
      runtime: { kind: 'OpenClaw' },
      sandbox: { isolation: 'confidential' },
      model: 'Phi-4',
      tokenBudget: {
        perRequestTokens: 8000,
        dailyTokens: 100000,
        monthlyTokens: 2000000,
      },
      contentSafety: {
        hate: 'Low',
        selfHarm: 'Safe',
        sexual: 'Medium',
        violence: 'Low',
        devOnly: false,
      },
      channels: [{ type: 'telegram' }, { type: 'slack' }],
      networkPolicy: {
        allowedEndpoints: [
          { host: 'api.github.com', port: 443 },
          { host: '203.0.113.0/24', port: 8443 },
        ],
      },
      governance: { enabled: true, trustThreshold: 700 },
      a2a: {
        enabled: true,
        description: 'Billing agent',
        skills: [
          {
            id: 'billing',
            name: 'Billing',
            description: 'Answers invoice questions',
            tags: ['finance'],
          },
        ],
      },
      resources: { limits: { cpu: '1500m', memory: '2Gi' } },
      workloadIdentity: { clientId: '6c6f3e2a-1b2c-4d5e-8f90-123456789abc' },
      suspended: false,
    },
    valid: true,
    judge: 'schema',
  },
  {
    what: 'unknown isolation',
    spec: { sandbox: { isolation: 'paranoid' } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'unknown runtime kind',
    spec: { runtime: { kind: 'Foo' } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'model with a space',
    spec: { model: 'gpt 4' },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'model too long',
    spec: { model: 'm'.repeat(101) },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'negative budget',
    spec: { tokenBudget: { dailyTokens: -5 } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'fractional budget',
    spec: { tokenBudget: { perRequestTokens: 2.5 } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'severity not in the enum',
    spec: { contentSafety: { hate: 'Extreme' } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'unknown channel',
    spec: { channels: [{ type: 'irc' }] },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'egress host with uppercase',
    spec: { networkPolicy: { allowedEndpoints: [{ host: 'Example.com' }] } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'egress port 0',
    spec: {
      networkPolicy: { allowedEndpoints: [{ host: 'example.com', port: 0 }] },
    },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'egress port 70000',
    spec: {
      networkPolicy: {
        allowedEndpoints: [{ host: 'example.com', port: 70000 }],
      },
    },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'owner not a ref',
    spec: { owner: 'team-a' },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'trust threshold 1001',
    spec: { governance: { trustThreshold: 1001 } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'cpu not a quantity',
    spec: { resources: { limits: { cpu: 'lots' } } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'memory in bytes',
    spec: { resources: { limits: { memory: '1000' } } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'client id not a UUID',
    spec: { workloadIdentity: { clientId: 'abc' } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'suspended as a string',
    spec: { suspended: 'yes' },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'too many skills',
    spec: {
      a2a: {
        skills: Array.from({ length: 33 }, (_, i) => ({
          id: `s${i}`,
          name: 's',
          description: 'd',
          tags: ['t'],
        })),
      },
    },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'a skill without a description',
    spec: { a2a: { skills: [{ id: 's', name: 's', tags: ['t'] }] } },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'a skill with an empty description',
    spec: {
      a2a: { skills: [{ id: 's', name: 's', description: '', tags: ['t'] }] },
    },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'a skill without tags',
    spec: {
      a2a: { skills: [{ id: 's', name: 's', description: 'd', tags: [] }] },
    },
    valid: false,
    judge: 'schema',
  },
  {
    what: 'monthly below daily',
    spec: { tokenBudget: { dailyTokens: 10, monthlyTokens: 5 } },
    valid: false,
    judge: 'cel',
  },
  {
    what: 'monthly below per-request',
    spec: { tokenBudget: { perRequestTokens: 10, monthlyTokens: 5 } },
    valid: false,
    judge: 'cel',
  },
  {
    what: 'daily below per-request',
    spec: { tokenBudget: { perRequestTokens: 10, dailyTokens: 5 } },
    valid: false,
    judge: 'cel',
  },
  {
    what: 'monthly 0 is unlimited',
    spec: { tokenBudget: { dailyTokens: 10, monthlyTokens: 0 } },
    valid: true,
    judge: 'schema',
  },
  {
    what: 'a channel twice',
    spec: { channels: [{ type: 'slack' }, { type: 'slack' }] },
    valid: false,
    judge: 'list-map',
  },
  {
    what: 'an endpoint twice',
    spec: {
      networkPolicy: {
        allowedEndpoints: [
          { host: 'a.io', port: 443 },
          { host: 'a.io', port: 443 },
        ],
      },
    },
    valid: false,
    judge: 'list-map',
  },
  {
    what: 'an unknown field in a block only the portal writes',
    spec: { tokenBudget: { weeklyTokens: 3 } },
    valid: false,
    judge: 'pruned',
  },
  {
    what: 'a kars-only field at the top of the spec',
    spec: { meshAuth: { mode: 'strict' } },
    valid: false,
    judge: 'preserved',
  },
  {
    what: 'a kars-only field in a block kars shares',
    spec: {
      sandbox: { isolation: 'confidential', seccompProfile: 'kars-strict' },
    },
    valid: false,
    judge: 'preserved',
  },
  {
    what: 'egress to IMDS',
    spec: {
      networkPolicy: { allowedEndpoints: [{ host: '169.254.169.254' }] },
    },
    valid: false,
    judge: 'backend',
  },
  {
    what: 'egress octet above 255',
    spec: { networkPolicy: { allowedEndpoints: [{ host: '999.1.1.1' }] } },
    valid: false,
    judge: 'backend',
  },
  {
    what: 'cpu above 16',
    spec: { resources: { limits: { cpu: '64' } } },
    valid: false,
    judge: 'backend',
  },
];
