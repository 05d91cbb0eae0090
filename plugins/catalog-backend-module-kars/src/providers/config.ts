import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { SandboxEntityOptions } from './sandboxToEntities';

/** The provider's settings: `catalog.providers.kars`. @public */
export interface KarsProviderConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  entities: SandboxEntityOptions;
}

/** Default schedule of the full mutation. */
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 3 },
  initialDelay: { seconds: 15 },
};

/** Default owner of the System and of sandboxes that name none. */
export const DEFAULT_OWNER = 'group:default/platform';

/** Default lifecycle: the sandboxes are running tenants, not experiments. */
export const DEFAULT_LIFECYCLE = 'production';

/** Reads `catalog.providers.kars`. @public */
export function readKarsProviderConfig(config: Config): KarsProviderConfig {
  const c = config.getOptionalConfig('catalog.providers.kars');
  const schedule = c?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        c.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  const template = c?.getOptionalString('sandboxUrlTemplate');
  return {
    schedule,
    entities: {
      defaultOwner: c?.getOptionalString('defaultOwner') ?? DEFAULT_OWNER,
      systemOwner: c?.getOptionalString('systemOwner') ?? DEFAULT_OWNER,
      lifecycle: c?.getOptionalString('lifecycle') ?? DEFAULT_LIFECYCLE,
      sandboxUrl: template
        ? name => template.replace(/\{name\}/g, encodeURIComponent(name))
        : undefined,
    },
  };
}
