import { Route, Routes } from 'react-router-dom';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { FakeKarsApi } from '@kars-portal/test-kit';
import { karsApiRef } from '../api';
import { KarsFleetTabs } from '../components/FleetPage/FleetPage';
import { karsClient } from './render';

/** Every query `GET /audit` was asked, oldest first. */
export function auditQueries(fake: FakeKarsApi): URLSearchParams[] {
  return fake.requestsOf('audit').map(r => r.query);
}

/**
 * The fleet's tabs mounted at `/kars` as an app mounts them, opened at `path`, with a permission API
 * that answers `kars.audit.read` with `result`. `usePermission` caches its answer for the whole test
 * file, so a file renders them for one answer only.
 */
export async function renderFleetTabs(
  path: string,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const authorize = jest.fn(async () => ({ result }));
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [karsApiRef, karsClient],
        [permissionApiRef, { authorize }],
      ]}
    >
      <Routes>
        <Route path="/kars/*" element={<KarsFleetTabs />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return authorize;
}
