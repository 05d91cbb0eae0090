import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { ApiEntity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { agentCardFixture, fleet, tenantA } from '@kars-portal/test-kit';
import karsPlugin, {
  karsApi,
  karsApiDocsConfigApi,
  karsApiDocsModule,
  karsEgressAllowlistFormField,
  karsFleetPage,
  karsSandboxEntityCard,
  karsSandboxEntityContent,
  karsSandboxNameFormField,
  karsClusterFormField,
} from './alpha';
import { karsApiRef } from './api';
import { arrangeTenantA, registerFakeKarsApi } from './__testUtils__/fakeApi';
import { karsClient, sandboxEntity } from './__testUtils__/render';

const { fake } = registerFakeKarsApi(f => {
  arrangeTenantA(f);
  f.addSandbox(tenantA({ name: 'tenant-nfs-denied' }));
});

const apis = (allow = true) =>
  [
    [karsApiRef, karsClient],
    mockApis.permission({
      authorize: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    }),
  ] as const;

describe('kars plugin for the new frontend system (./alpha)', () => {
  it('is the kars plugin with its extensions', () => {
    expect(karsPlugin.pluginId).toBe('kars');
    expect(karsApiDocsModule.pluginId).toBe('api-docs');
  });

  it('provides the kars API', () => {
    const factory = createExtensionTester(karsApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe(karsApiRef.id);
  });

  it('renders the Sandbox tab on kars-sandbox resources and ai-agent components only', async () => {
    const tester = createExtensionTester(karsSandboxEntityContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(sandboxEntity())).toBe(true);
    expect(filter(sandboxEntity('Component', 'ai-agent'))).toBe(true);
    expect(filter(sandboxEntity('Component', 'service'))).toBe(false);
    expect(filter(sandboxEntity('Resource', 'kars-sandbox', ''))).toBe(false);

    await renderInTestApp(
      <EntityProvider entity={sandboxEntity()}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: apis() },
    );
    expect(await screen.findByText('Isolation: enhanced')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Rotate credentials' }),
    ).toBeInTheDocument();
  });

  it('hides the actions in the Sandbox tab when not permitted', async () => {
    const tester = createExtensionTester(karsSandboxEntityContent);
    await renderInTestApp(
      <EntityProvider
        entity={sandboxEntity('Resource', 'kars-sandbox', 'tenant-nfs-denied')}
      >
        {tester.reactElement()}
      </EntityProvider>,
      { apis: apis(false) },
    );
    expect(
      await screen.findByText('You are not permitted to change this sandbox.'),
    ).toBeInTheDocument();
  });

  it('renders the overview card', async () => {
    const tester = createExtensionTester(karsSandboxEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(sandboxEntity('Component', 'ai-agent'))).toBe(true);
    await renderInTestApp(
      <EntityProvider entity={sandboxEntity()}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: apis() },
    );
    expect(await screen.findByText('kars sandbox')).toBeInTheDocument();
    expect(await screen.findByText('Running')).toBeInTheDocument();
  });

  it('renders the fleet page at /kars', async () => {
    fake.reset().addSandboxes(fleet(5000));
    const tester = createExtensionTester(karsFleetPage);
    await renderInTestApp(tester.reactElement(), {
      apis: apis(),
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(await screen.findByText('tenant-0000')).toBeInTheDocument();
    expect(screen.getByText('1–50 of 5000')).toBeInTheDocument();
  });

  it('renders the Audit tab of the fleet page at /kars/audit for who may read the trail', async () => {
    const tester = createExtensionTester(karsFleetPage);
    await renderInTestApp(tester.reactElement(), {
      apis: apis(),
      mountPath: '/kars',
      initialRouteEntries: ['/kars/audit'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(await screen.findByText('Audit trail')).toBeInTheDocument();
    expect(screen.getByText('1–50 of 120')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Audit' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(screen.getByRole('tab', { name: 'Sandboxes' })).toBeInTheDocument();
  });

  it('provides the three scaffolder fields', async () => {
    const name = createExtensionTester(karsSandboxNameFormField).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    await expect(name()).resolves.toBeDefined();
    const egress = createExtensionTester(karsEgressAllowlistFormField).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    await expect(egress()).resolves.toBeDefined();
    const cluster = createExtensionTester(karsClusterFormField).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    await expect(cluster()).resolves.toBeDefined();
  });

  it('overrides the api-docs config with the A2A widget', () => {
    const factory = createExtensionTester(karsApiDocsConfigApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe('plugin.api-docs.config');
    const config = factory.factory({}) as any;
    const entity: ApiEntity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: { name: 'tenant-a-card' },
      spec: {
        type: 'a2a',
        lifecycle: 'production',
        owner: 'group:default/team-a',
        definition: JSON.stringify(agentCardFixture(tenantA())),
      },
    };
    expect(config.getApiDefinitionWidget(entity).type).toBe('a2a');
    expect(
      config.getApiDefinitionWidget({
        ...entity,
        spec: { ...entity.spec, type: 'openapi' },
      }).type,
    ).toBe('openapi');
  });
});
