import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import karsPlugin, { karsApiDocsModule } from '@kars-portal/plugin-kars/alpha';
import { navModule } from './modules/nav';

export default createApp({
  // The kars plugin is also found through `app.packages: all`; naming it here keeps the
  // app's features explicit (and present in tests). The api-docs module renders `API`
  // entities of type `a2a` as A2A agent cards. The Kubernetes plugin adds its standard tab to the
  // sandbox and agent entities (annotated by the kars catalog module). Notifications shows the
  // notices kars sends a sandbox's owners (Degraded or Failed, a token budget at 90 % or used up, a
  // chat channel starting to fail).
  features: [
    catalogPlugin,
    navModule,
    karsPlugin,
    karsApiDocsModule,
    kubernetesPlugin,
    notificationsPlugin,
  ],
});
