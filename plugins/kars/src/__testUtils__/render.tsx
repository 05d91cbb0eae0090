import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { alertApiRef } from '@backstage/core-plugin-api';
import {
  KarsClient,
  KARS_SANDBOX_ANNOTATION,
} from '@kars-portal/plugin-kars-common';
import { karsApiRef } from '../api';

export const karsClient = new KarsClient({
  discoveryApi: { getBaseUrl: async id => `http://localhost:7007/api/${id}` },
});

export function sandboxEntity(
  kind = 'Resource',
  type = 'kars-sandbox',
  annotation: string | undefined = 'tenant-a',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name: kind === 'Resource' ? 'tenant-a-sandbox' : 'tenant-a-agent',
      annotations: annotation ? { [KARS_SANDBOX_ANNOTATION]: annotation } : {},
    },
    spec: { type, owner: 'group:default/team-a' },
  };
}

export const alertApi = { post: jest.fn(), alert$: jest.fn() };

/** Renders a legacy view with the kars client (answered by msw) and a permission decision. */
export function renderLegacy(
  element: ReactElement,
  options: { allow?: boolean; entity?: Entity } = {},
) {
  const permissionApi = mockApis.permission({
    authorize:
      options.allow === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
  });
  const wrapped = options.entity ? (
    <EntityProvider entity={options.entity}>{element}</EntityProvider>
  ) : (
    element
  );
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [karsApiRef, karsClient],
        [permissionApiRef, permissionApi],
        [alertApiRef, alertApi],
      ]}
    >
      {wrapped}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
