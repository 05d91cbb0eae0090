import { agentA2aUrl, agentCardSchema, buildAgentCard } from './agentCard';
import { sandboxSpecSchema } from './spec';
import { RUNTIME_KINDS } from './specVocabulary';

describe('buildAgentCard', () => {
  const spec = sandboxSpecSchema.parse({
    model: 'gpt-4.1',
    a2a: {
      description: 'Answers billing questions',
      skills: [
        {
          id: 'billing',
          name: 'Billing',
          description: 'Invoices',
          tags: ['finance'],
        },
      ],
    },
  });
  const inCluster = 'https://tenant-a.kars-tenant-a.svc.cluster.local:8443/a2a';

  it('builds an A2A 1.0 card that its own schema accepts', () => {
    const card = buildAgentCard('tenant-a', spec, {
      provider: { organization: 'Contoso', url: 'https://contoso.example' },
    });
    expect(agentCardSchema.parse(card)).toEqual(card);
    expect(card).toMatchObject({
      name: 'tenant-a agent',
      description: 'Answers billing questions',
      supportedInterfaces: [
        {
          url: inCluster,
          protocolBinding: 'JSONRPC',
          protocolVersion: '1.0',
        },
      ],
      provider: { organization: 'Contoso' },
      skills: [{ id: 'billing', name: 'Billing', tags: ['finance'] }],
    });
    expect(card).not.toHaveProperty('securitySchemes');
    expect(card).not.toHaveProperty('securityRequirements');
  });

  it('describes the agent and its chat skill from the runtime and model when the spec does not', () => {
    const card = buildAgentCard(
      'tenant-b',
      sandboxSpecSchema.parse({ model: 'Phi-4' }),
    );
    expect(card?.description).toBe(
      'An OpenClaw agent in the kars sandbox tenant-b, on Phi-4.',
    );
    expect(card?.skills).toEqual([
      {
        id: 'chat',
        name: 'Chat',
        description: 'Chats with an OpenClaw agent on the model Phi-4.',
        tags: ['OpenClaw', 'Phi-4', 'chat'],
      },
    ]);
    expect(agentCardSchema.parse(card)).toEqual(card);
  });

  it('puts the right article before every runtime', () => {
    const articles = Object.fromEntries(
      RUNTIME_KINDS.map(kind => [
        kind,
        buildAgentCard(
          'x',
          sandboxSpecSchema.parse({ runtime: { kind } }),
        )?.description.split(' ')[0],
      ]),
    );
    expect(articles).toEqual({
      OpenClaw: 'An',
      Hermes: 'A',
      OpenAIAgents: 'An',
      MicrosoftAgentFramework: 'A',
      LangGraph: 'A',
      Anthropic: 'An',
      PydanticAi: 'A',
      BYO: 'A',
    });
  });

  it('behind the public gateway with client certificates: the gateway first and mTLS required', () => {
    const card = buildAgentCard('tenant-a', spec, {
      publicGateway: { url: 'https://a2a.contoso.example', callerAuth: 'mtls' },
    });
    expect(agentCardSchema.parse(card)).toEqual(card);
    expect(card?.supportedInterfaces.map(i => i.url)).toEqual([
      'https://a2a.contoso.example/a2a',
      inCluster,
    ]);
    expect(card?.securitySchemes).toEqual({
      mtls: {
        mtlsSecurityScheme: {
          description: 'A client certificate the public A2A gateway trusts.',
        },
      },
    });
    expect(card?.securityRequirements).toEqual([
      { schemes: { mtls: { list: [] } } },
    ]);
  });

  it('behind the public gateway open to anyone: the gateway first, no security scheme', () => {
    const card = buildAgentCard('tenant-a', spec, {
      publicGateway: { url: 'https://a2a.contoso.example', callerAuth: 'none' },
    });
    expect(agentCardSchema.parse(card)).toEqual(card);
    expect(card?.supportedInterfaces.map(i => i.url)).toEqual([
      'https://a2a.contoso.example/a2a',
      inCluster,
    ]);
    expect(card).not.toHaveProperty('securitySchemes');
    expect(card).not.toHaveProperty('securityRequirements');
  });

  it('builds no card when A2A is off', () => {
    expect(
      buildAgentCard(
        'tenant-c',
        sandboxSpecSchema.parse({ a2a: { enabled: false } }),
      ),
    ).toBeUndefined();
  });

  it('is deterministic, so the backend, the catalog and the router serve one document', () => {
    expect(JSON.stringify(buildAgentCard('tenant-a', spec))).toBe(
      JSON.stringify(buildAgentCard('tenant-a', spec)),
    );
    expect(agentA2aUrl('x', 'example.internal')).toBe(
      'https://x.kars-x.svc.example.internal:8443/a2a',
    );
  });

  it('its schema rejects a card without skills or with a skill missing its description or tags', () => {
    const card = buildAgentCard('tenant-a', spec)!;
    const skill = card.skills[0];
    for (const skills of [
      [],
      [{ ...skill, description: '' }],
      [{ ...skill, tags: [] }],
    ]) {
      expect(agentCardSchema.safeParse({ ...card, skills }).success).toBe(
        false,
      );
    }
  });
});
