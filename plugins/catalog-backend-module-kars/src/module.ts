import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { KarsEntityProvider } from './providers/KarsEntityProvider';

/**
 * The catalog module of kars portal: installs the {@link KarsEntityProvider}, which turns every
 * sandbox of the kars backend into catalog entities.
 * @public
 */
const catalogModuleKars = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kars',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        logger,
        auth,
        discovery,
        scheduler,
        events,
      }) {
        catalog.addEntityProvider(
          KarsEntityProvider.fromConfig(config, {
            logger,
            auth,
            discovery,
            scheduler,
            events,
          }),
        );
      },
    });
  },
});

export { catalogModuleKars };
export default catalogModuleKars;
