import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  makeValidator,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  agentCardSchema,
  buildAgentCard,
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import {
  karsSystemEntity,
  SandboxEntityOptions,
  sandboxToEntities,
  toTag,
} from './sandboxToEntities';

const options: SandboxEntityOptions = {
  defaultOwner: 'group:default/platform',
  systemOwner: 'group:default/platform',
  lifecycle: 'production',
};

/** A sandbox with the card the kars backend builds for it (none with A2A off). */
const sandbox = (
  name: string,
  input: SandboxSpecInput,
  cluster = 'primary',
) => {
  const spec = sandboxSpecSchema.parse(input);
  return {
    name,
    cluster,
    spec,
    agentCard: buildAgentCard(name, spec, {
      provider: { organization: 'Contoso', url: 'https://contoso.example' },
      clusterDomain: cluster === 'west' ? 'west.local' : undefined,
    }),
  };
};

const tenantASpec: SandboxSpecInput = {
  owner: 'group:default/team-a',
  model: 'gpt-4.1',
  sandbox: { isolation: 'enhanced' },
  a2a: {
    enabled: true,
    description: 'Answers questions about invoices',
    skills: [
      {
        id: 'invoices',
        name: 'Invoices',
        description: 'Answers invoice questions',
        tags: ['finance'],
      },
    ],
  },
};
const tenantA = sandbox('tenant-a', tenantASpec);

describe('sandboxToEntities', () => {
  it('emits the Resource, the Component and the API with every relation', () => {
    const [resource, component, api, ...rest] = sandboxToEntities(
      tenantA,
      options,
    );
    expect(rest).toEqual([]);
    expect(resource).toMatchObject({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'tenant-a', namespace: 'default' },
      spec: {
        type: 'kars-sandbox',
        owner: 'group:default/team-a',
        lifecycle: 'production',
        system: 'kars',
      },
    });
    expect(resource.spec).not.toHaveProperty('dependsOn');
    expect(component).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'tenant-a-agent',
        namespace: 'default',
        description: 'Answers questions about invoices',
      },
      spec: {
        type: 'ai-agent',
        owner: 'group:default/team-a',
        lifecycle: 'production',
        system: 'kars',
        dependsOn: ['resource:default/tenant-a'],
        providesApis: ['api:default/tenant-a-agent-card'],
      },
    });
    expect(api).toMatchObject({
      kind: 'API',
      metadata: { name: 'tenant-a-agent-card', namespace: 'default' },
      spec: {
        type: 'a2a',
        owner: 'group:default/team-a',
        lifecycle: 'production',
        system: 'kars',
      },
    });
  });

  it('puts the same annotations on all three entities', () => {
    for (const entity of sandboxToEntities(tenantA, options)) {
      expect(entity.metadata.annotations).toEqual({
        'kars.azure.com/sandbox': 'tenant-a',
        'kars.azure.com/cluster': 'primary',
        'kars.azure.com/isolation': 'enhanced',
        'kars.azure.com/model': 'gpt-4.1',
        'backstage.io/kubernetes-id': 'tenant-a',
        'backstage.io/kubernetes-namespace': 'kars-tenant-a',
        'backstage.io/kubernetes-label-selector':
          'kars.azure.com/sandbox=tenant-a',
        'backstage.io/kubernetes-cluster': 'primary',
        'backstage.io/managed-by-location': 'kars:primary/tenant-a',
        'backstage.io/managed-by-origin-location': 'kars:primary/tenant-a',
      });
      expect(entity.metadata.tags).toEqual(['enhanced', 'gpt-4-1']);
      expect(entity.metadata).not.toHaveProperty('links');
    }
  });

  it('makes the definition the card the kars backend built, provider and cluster domain included', () => {
    const west = sandbox('tenant-a', tenantASpec, 'west');
    const api = sandboxToEntities(west, options)[2];
    expect(api.spec?.definition).toBe(JSON.stringify(west.agentCard, null, 2));
    const card = agentCardSchema.parse(
      JSON.parse(api.spec?.definition as string),
    );
    expect(card.provider).toEqual({
      organization: 'Contoso',
      url: 'https://contoso.example',
    });
    expect(card.supportedInterfaces[0].url).toBe(
      'https://tenant-a.kars-tenant-a.svc.west.local:8443/a2a',
    );
    expect(card.skills.map(s => s.id)).toEqual(['invoices']);
  });

  it('emits no API and no providesApis when A2A is off', () => {
    const off = sandbox('tenant-b', {
      owner: 'group:default/team-b',
      a2a: { enabled: false },
    });
    const entities = sandboxToEntities(off, options);
    expect(entities.map(e => e.kind)).toEqual(['Resource', 'Component']);
    expect(entities[1].spec).not.toHaveProperty('providesApis');
    expect(entities[1].spec?.dependsOn).toEqual(['resource:default/tenant-b']);
  });

  it('falls back to the default owner, and takes lifecycle and links from the options', () => {
    const noOwner = sandbox('tenant-c', { model: 'Phi-4' });
    const entities = sandboxToEntities(noOwner, {
      ...options,
      lifecycle: 'experimental',
      sandboxUrl: name => `https://portal.example/kars/sandboxes/${name}`,
    });
    for (const entity of entities) {
      expect(entity.spec?.owner).toBe('group:default/platform');
      expect(entity.spec?.lifecycle).toBe('experimental');
      expect(entity.metadata.links).toEqual([
        {
          url: 'https://portal.example/kars/sandboxes/tenant-c',
          title: 'kars sandbox tenant-c',
        },
      ]);
      expect(entity.metadata.tags).toContain('phi-4');
    }
  });

  it('emits entities the catalog accepts', async () => {
    const policy = EntityPolicies.allOf([
      new SchemaValidEntityPolicy(),
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
    ]);
    const kinds = [
      systemEntityV1alpha1Validator,
      resourceEntityV1alpha1Validator,
      componentEntityV1alpha1Validator,
      apiEntityV1alpha1Validator,
    ];
    const validator = makeValidator();
    const entities = [
      karsSystemEntity(options),
      ...sandboxToEntities(tenantA, options),
      ...sandboxToEntities(
        sandbox('t', { model: 'Meta.Llama-3_1:70B-Instruct' }),
        options,
      ),
    ];
    for (const entity of entities) {
      await expect(policy.enforce(entity)).resolves.toBeDefined();
      const checks = await Promise.all(kinds.map(k => k.check(entity)));
      expect(checks.filter(Boolean)).toHaveLength(1);
      for (const tag of entity.metadata.tags ?? []) {
        expect(validator.isValidTag(tag)).toBe(true);
      }
    }
    expect(entities.map(e => stringifyEntityRef(e))).toEqual([
      'system:default/kars',
      'resource:default/tenant-a',
      'component:default/tenant-a-agent',
      'api:default/tenant-a-agent-card',
      'resource:default/t',
      'component:default/t-agent',
      'api:default/t-agent-card',
    ]);
  });

  it('carries no live state and no spec field beyond the ones it names', () => {
    const text = JSON.stringify(sandboxToEntities(tenantA, options));
    expect(text).not.toMatch(/"(status|phase|conditions|credentials)"/);
    expect(text).not.toContain('tokenBudget');
  });
});

describe('karsSystemEntity', () => {
  it('is the System kars with its owner and location', () => {
    expect(karsSystemEntity({ systemOwner: 'group:default/ops' })).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: expect.objectContaining({
        name: 'kars',
        namespace: 'default',
        annotations: {
          'backstage.io/managed-by-location': 'kars:system',
          'backstage.io/managed-by-origin-location': 'kars:system',
        },
      }),
      spec: { owner: 'group:default/ops' },
    });
  });
});

describe('toTag', () => {
  it.each([
    ['gpt-4.1', 'gpt-4-1'],
    ['Phi-4', 'phi-4'],
    ['enhanced', 'enhanced'],
    ['Meta.Llama-3_1:70B', 'meta-llama-3-1:70b'],
    ['--a..b--', 'a-b'],
    [`${'x'.repeat(62)}.y`, 'x'.repeat(62)],
  ])('%s → %s', (value, tag) => {
    expect(toTag(value)).toBe(tag);
  });
});
