import { LoggerService } from '@backstage/backend-plugin-api';
import { CreateSandboxRequest } from '@kars-portal/plugin-kars-common';
import { SandboxService } from './SandboxService';

/**
 * The three tenants of the seed (kars-multi-tenancy.txt), with obviously fake demo credentials.
 * Only for the dev portal (`kars.demoTenants: true`).
 */
export const DEMO_TENANTS: CreateSandboxRequest[] = [
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
    credentials: {
      TELEGRAM_BOT_TOKEN: '000000000:DEMO-fake-telegram-token-not-real',
      SLACK_BOT_TOKEN: 'xoxb-demo-fake-slack-token-not-real',
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
    credentials: { WHATSAPP_ENABLED: 'true' },
  },
];

/** Creates the demo tenants through the same service path a user's request takes, once. */
export async function createDemoTenants(
  service: SandboxService,
  logger: LoggerService,
) {
  if (service.allSandboxes().length > 0) return;
  for (const tenant of DEMO_TENANTS) {
    try {
      await service.create(
        tenant,
        { userEntityRef: 'user:default/guest', type: 'user' },
        // The backend seeds its own demo tenants: their credentials are its to write.
        { mayWriteCredentials: async () => {} },
      );
      logger.info(`created demo tenant ${tenant.name}`);
    } catch (error) {
      logger.warn(`could not create demo tenant ${tenant.name}: ${error}`);
    }
  }
}
