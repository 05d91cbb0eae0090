import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CreateSandboxRequest,
  Credentials,
  SEED_TENANTS,
} from '@kars-portal/plugin-kars-common';
import { SandboxServices } from './sandboxServices';

/** Obviously fake credentials of the seed tenants, so that the dev portal shows configured channels. */
const DEMO_CREDENTIALS: Record<string, Credentials> = {
  'tenant-a': {
    TELEGRAM_BOT_TOKEN: '000000000:DEMO-fake-telegram-token-not-real',
    SLACK_BOT_TOKEN: 'xoxb-demo-fake-slack-token-not-real',
  },
  'tenant-c': { WHATSAPP_ENABLED: 'true' },
};

/**
 * The three tenants of the seed (kars-common's SEED_TENANTS), with obviously fake demo credentials.
 * Only for the dev portal (`kars.demoTenants: true`).
 */
export const DEMO_TENANTS: CreateSandboxRequest[] = SEED_TENANTS.map(
  ({ name, spec }) => ({
    name,
    spec,
    ...(DEMO_CREDENTIALS[name] ? { credentials: DEMO_CREDENTIALS[name] } : {}),
  }),
);

/** Creates the demo tenants through the same service path a user's request takes, once. */
export async function createDemoTenants(
  { fleet, commands }: Pick<SandboxServices, 'fleet' | 'commands'>,
  logger: LoggerService,
) {
  if (fleet.allSandboxes().length > 0) return;
  for (const tenant of DEMO_TENANTS) {
    try {
      await commands.create.run(
        {
          body: tenant,
          // The backend seeds its own demo tenants: their credentials are its to write.
          mayWriteCredentials: async () => {},
        },
        { userEntityRef: 'user:default/guest', type: 'user' },
      );
      logger.info(`created demo tenant ${tenant.name}`);
    } catch (error) {
      logger.warn(`could not create demo tenant ${tenant.name}: ${error}`);
    }
  }
}
