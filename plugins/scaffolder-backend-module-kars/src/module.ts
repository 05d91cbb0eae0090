import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createKarsCredentialsRotateAction,
  createKarsSandboxCreateAction,
  createKarsSandboxDeleteAction,
  createKarsSandboxUpdateAction,
} from './actions';

/**
 * The scaffolder module with the kars actions: `kars:sandbox:create`, `kars:sandbox:update`,
 * `kars:credentials:rotate` and `kars:sandbox:delete`.
 * @public
 */
export const scaffolderModuleKars = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kars',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, auth, discovery }) {
        const options = { auth, discovery };
        scaffolder.addActions(
          createKarsSandboxCreateAction(options),
          createKarsSandboxUpdateAction(options),
          createKarsCredentialsRotateAction(options),
          createKarsSandboxDeleteAction(options),
        );
      },
    });
  },
});
