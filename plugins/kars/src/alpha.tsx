import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendModule,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  convertLegacyRouteRef,
  compatWrapper,
} from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  FormFieldBlueprint,
  createFormField,
} from '@backstage/plugin-scaffolder-react/alpha';
import { apiDocsConfigRef } from '@backstage/plugin-api-docs';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { KarsClient } from '@kars-portal/plugin-kars-common';
import { karsApiRef } from './api';
import { rootRouteRef } from './routes';
import { isKarsSandboxEntity } from './components/entity';
import { createKarsApiDocsConfig } from './components/A2aCard/a2aApiWidget';
import { prefetchFleet } from './components/FleetPage/firstPage';

/**
 * kars portal frontend for the new frontend system: the plugin (fleet page, Sandbox entity tab and
 * overview card, scaffolder form fields, the kars API) and a module that adds the A2A widget to
 * api-docs.
 *
 * @packageDocumentation
 */

/** The kars API client. @alpha */
export const karsApi = ApiBlueprint.make({
  params: define =>
    define({
      api: karsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KarsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The fleet page at `/kars`, and its Audit tab at `/kars/audit` for those who may read the
 * fleet-wide audit trail (`kars.audit.read`). Its code is loaded when the route is first shown, and
 * the page's first requests start at the same time instead of after it renders. @alpha
 */
export const karsFleetPage = PageBlueprint.makeWithOverrides({
  factory(originalFactory, { apis }) {
    return originalFactory({
      path: '/kars',
      title: 'kars sandboxes',
      icon: <StorageIcon />,
      routeRef: convertLegacyRouteRef(rootRouteRef),
      loader: () => {
        const api = apis.get(karsApiRef);
        if (api) prefetchFleet(api);
        return import('./components/FleetPage/FleetPage').then(m =>
          compatWrapper(<m.KarsFleetTabs />),
        );
      },
    });
  },
});

/** The Sandbox tab of `kars-sandbox` resources and `ai-agent` components. @alpha */
export const karsSandboxEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'kars',
    title: 'Sandbox',
    filter: isKarsSandboxEntity,
    loader: () =>
      import('./components/SandboxContent/SandboxContent').then(m =>
        compatWrapper(<m.KarsSandboxContent />),
      ),
  },
});

/** The overview card of `kars-sandbox` resources and `ai-agent` components. @alpha */
export const karsSandboxEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isKarsSandboxEntity,
    loader: () =>
      import('./components/OverviewCard/OverviewCard').then(m =>
        compatWrapper(<m.KarsSandboxOverviewCard />),
      ),
  },
});

/** Scaffolder field `ui:field: KarsSandboxName`. @alpha */
export const karsSandboxNameFormField = FormFieldBlueprint.make({
  name: 'kars-sandbox-name',
  params: {
    field: () =>
      import('./components/fields/KarsSandboxNameField').then(m =>
        createFormField({
          name: 'KarsSandboxName',
          component: m.KarsSandboxNameField,
          validation: m.karsSandboxNameValidation,
        }),
      ),
  },
});

/** Scaffolder field `ui:field: KarsCluster`: a picker over the configured clusters. @alpha */
export const karsClusterFormField = FormFieldBlueprint.make({
  name: 'kars-cluster',
  params: {
    field: () =>
      import('./components/fields/KarsClusterField').then(m =>
        createFormField({
          name: 'KarsCluster',
          component: m.KarsClusterField,
        }),
      ),
  },
});

/** Scaffolder field `ui:field: KarsEgressAllowlist`. @alpha */
export const karsEgressAllowlistFormField = FormFieldBlueprint.make({
  name: 'kars-egress-allowlist',
  params: {
    field: () =>
      import('./components/fields/KarsEgressAllowlistField').then(m =>
        createFormField({
          name: 'KarsEgressAllowlist',
          component: m.KarsEgressAllowlistField,
          validation: m.karsEgressAllowlistValidation,
        }),
      ),
  },
});

/**
 * The kars plugin for the new frontend system: API, fleet page, Sandbox tab and card,
 * scaffolder fields.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kars',
  info: { packageJson: () => import('../package.json') },
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [
    karsApi,
    karsFleetPage,
    karsSandboxEntityContent,
    karsSandboxEntityCard,
    karsSandboxNameFormField,
    karsClusterFormField,
    karsEgressAllowlistFormField,
  ],
});

/** api-docs config with the A2A widget (overrides `api:api-docs/config`). @alpha */
export const karsApiDocsConfigApi = ApiBlueprint.make({
  name: 'config',
  params: define =>
    define({
      api: apiDocsConfigRef,
      deps: {},
      factory: () => createKarsApiDocsConfig(),
    }),
});

/**
 * A frontend module for the api-docs plugin that renders `API` entities of type `a2a` as
 * A2A agent cards (and every other type as before).
 * @alpha
 */
export const karsApiDocsModule = createFrontendModule({
  pluginId: 'api-docs',
  extensions: [karsApiDocsConfigApi],
});

export { karsApiRef } from './api';
