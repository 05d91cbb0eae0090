import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The kars entity provider: every sandbox the kars backend serves becomes a Resource
       * (kars-sandbox), a Component (ai-agent) and, with A2A on, an API (a2a), all part of the
       * System kars.
       */
      kars?: {
        /**
         * How often the provider reads every sandbox and replaces its entities (a full mutation).
         * Default: every 10 minutes, with a 3-minute timeout. Changes between runs arrive as
         * events from the kars backend.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Owner of sandboxes that name none. Default group:default/platform. */
        defaultOwner?: string;
        /** Owner of the System kars. Default group:default/platform. */
        systemOwner?: string;
        /** spec.lifecycle of the sandbox, agent and card entities. Default production. */
        lifecycle?: string;
        /**
         * A link put on every sandbox entity, with {name} replaced by the sandbox name, such as
         * https://portal.example.com/kars/sandboxes/{name}. Default: no link.
         */
        sandboxUrlTemplate?: string;
      };
    };
  };
}
