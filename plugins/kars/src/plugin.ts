import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { karsApiFactory } from './api';
import { rootRouteRef } from './routes';
import {
  KarsSandboxNameField,
  karsSandboxNameValidation,
} from './components/fields/KarsSandboxNameField';
import { KarsClusterField } from './components/fields/KarsClusterField';
import {
  EgressRow,
  KarsEgressAllowlistField,
  karsEgressAllowlistValidation,
} from './components/fields/KarsEgressAllowlistField';

/** The kars frontend plugin for legacy Backstage apps. @public */
export const karsPlugin = createPlugin({
  id: 'kars',
  apis: [karsApiFactory],
  routes: { root: rootRouteRef },
});

/** The fleet page, to mount at `/kars`. @public */
export const KarsFleetPage: () => JSX.Element = karsPlugin.provide(
  createRoutableExtension({
    name: 'KarsFleetPage',
    component: () =>
      import('./components/FleetPage/FleetPage').then(m => m.KarsFleetPage),
    mountPoint: rootRouteRef,
  }),
);

/** The Sandbox tab of `kars-sandbox` resources and `ai-agent` components. @public */
export const EntityKarsSandboxContent: () => JSX.Element = karsPlugin.provide(
  createComponentExtension({
    name: 'EntityKarsSandboxContent',
    component: {
      lazy: () =>
        import('./components/SandboxContent/SandboxContent').then(
          m => m.KarsSandboxContent,
        ),
    },
  }),
);

/** The overview card of `kars-sandbox` resources and `ai-agent` components. @public */
export const EntityKarsSandboxCard: (props: {
  tabPath?: string;
}) => JSX.Element = karsPlugin.provide(
  createComponentExtension({
    name: 'EntityKarsSandboxCard',
    component: {
      lazy: () =>
        import('./components/OverviewCard/OverviewCard').then(
          m => m.KarsSandboxOverviewCard,
        ),
    },
  }),
);

/** The embedded/simulated cluster banner. @public */
export const KarsClusterBanner: () => JSX.Element | null = karsPlugin.provide(
  createComponentExtension({
    name: 'KarsClusterBanner',
    component: {
      lazy: () =>
        import('./components/ClusterBanner').then(m => m.KarsClusterBanner),
    },
  }),
);

/** Scaffolder field `ui:field: KarsSandboxName`. @public */
export const KarsSandboxNameFieldExtension = karsPlugin.provide(
  createScaffolderFieldExtension<string>({
    name: 'KarsSandboxName',
    component: KarsSandboxNameField,
    validation: karsSandboxNameValidation,
  }),
);

/** Scaffolder field `ui:field: KarsCluster`: a picker over the configured clusters. @public */
export const KarsClusterFieldExtension = karsPlugin.provide(
  createScaffolderFieldExtension<string>({
    name: 'KarsCluster',
    component: KarsClusterField,
  }),
);

/** Scaffolder field `ui:field: KarsEgressAllowlist`. @public */
export const KarsEgressAllowlistFieldExtension = karsPlugin.provide(
  createScaffolderFieldExtension<EgressRow[]>({
    name: 'KarsEgressAllowlist',
    component: KarsEgressAllowlistField,
    validation: karsEgressAllowlistValidation,
  }),
);
