import {
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { KarsApi, KarsClient } from '@kars-portal/plugin-kars-common';

/**
 * The kars REST API as a Backstage utility API: the typed client of kars-common.
 * @public
 */
export const karsApiRef = createApiRef<KarsApi>({ id: 'plugin.kars.api' });

/**
 * The factory of {@link karsApiRef}: {@link @kars-portal/plugin-kars-common#KarsClient} over
 * discovery and fetch.
 * @public
 */
export const karsApiFactory = createApiFactory({
  api: karsApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new KarsClient({ discoveryApi, fetchApi }),
});
