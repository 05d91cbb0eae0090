import { SandboxSpecInput } from './spec';

/** A tenant of the seed: its sandbox's name and spec, as a client sends them. @public */
export interface SeedTenant {
  name: string;
  spec: SandboxSpecInput;
}

/**
 * The three tenants of the product description (kars-multi-tenancy.txt), one per isolation level:
 * the one place their specs are written. The dev portal creates them (`kars.demoTenants: true`),
 * and the test kit, the acceptance suite and the e2e suite expect them.
 * @public
 */
export const SEED_TENANTS: ReadonlyArray<SeedTenant> = [
  {
    name: 'tenant-a',
    spec: {
      owner: 'group:default/team-a',
      sandbox: { isolation: 'enhanced' },
      model: 'gpt-4.1',
      tokenBudget: {
        perRequestTokens: 8000,
        dailyTokens: 200000,
        monthlyTokens: 4000000,
      },
      channels: [{ type: 'telegram' }, { type: 'slack' }],
      networkPolicy: {
        allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
      },
      a2a: {
        description:
          'Team A assistant: triages issues and answers on Telegram and Slack.',
        skills: [
          {
            id: 'triage',
            name: 'Issue triage',
            description: 'Labels and routes new issues',
            tags: ['github'],
          },
        ],
      },
    },
  },
  {
    name: 'tenant-b',
    spec: {
      owner: 'group:default/team-b',
      sandbox: { isolation: 'confidential' },
      model: 'Phi-4',
      tokenBudget: {
        perRequestTokens: 4000,
        dailyTokens: 100000,
        monthlyTokens: 2000000,
      },
      channels: [{ type: 'discord' }],
      governance: { enabled: true },
    },
  },
  {
    name: 'tenant-c',
    spec: {
      owner: 'group:default/team-c',
      sandbox: { isolation: 'standard' },
      model: 'gpt-4o',
      tokenBudget: { dailyTokens: 50000 },
      channels: [{ type: 'whatsapp' }],
    },
  },
];

/** The seed tenant of that name; throws for a name the seed does not have. @public */
export function seedTenant(name: string): SeedTenant {
  const tenant = SEED_TENANTS.find(t => t.name === name);
  if (!tenant) {
    throw new Error(
      `${name} is not a seed tenant (${SEED_TENANTS.map(t => t.name).join(
        ', ',
      )})`,
    );
  }
  return tenant;
}
