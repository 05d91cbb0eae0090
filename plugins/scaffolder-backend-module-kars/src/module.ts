import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import {
  createKarsCredentialsRotateAction,
  createKarsSandboxCreateAction,
  createKarsSandboxDeleteAction,
  createKarsSandboxUpdateAction,
} from './actions';
import { karsChannelsFilter } from './filters';

/**
 * The scaffolder module with the kars actions: `kars:sandbox:create`, `kars:sandbox:update`,
 * `kars:credentials:rotate` and `kars:sandbox:delete`, and the template filter `karsChannels`.
 * @public
 */
export const scaffolderModuleKars = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kars',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        templating: scaffolderTemplatingExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, templating, auth, discovery }) {
        const options = { auth, discovery };
        scaffolder.addActions(
          createKarsSandboxCreateAction(options),
          createKarsSandboxUpdateAction(options),
          createKarsCredentialsRotateAction(options),
          createKarsSandboxDeleteAction(options),
        );
        templating.addTemplateFilters([karsChannelsFilter]);
      },
    });
  },
});
