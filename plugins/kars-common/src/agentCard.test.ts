import { agentA2aUrl, agentCardSchema, buildAgentCard } from './agentCard';
import { sandboxSpecSchema } from './spec';

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
          url: 'https://tenant-a.kars-tenant-a.svc.cluster.local:8443/a2a',
          protocolBinding: 'JSONRPC',
          protocolVersion: '1.0',
        },
      ],
      provider: { organization: 'Contoso' },
      skills: [{ id: 'billing', name: 'Billing', tags: ['finance'] }],
    });
  });

  it('describes the agent when the spec gives no description', () => {
    const card = buildAgentCard(
      'tenant-b',
      sandboxSpecSchema.parse({ model: 'Phi-4' }),
    );
    expect(card?.description).toBe(
      'A OpenClaw agent in the kars sandbox tenant-b, on Phi-4.',
    );
    expect(card?.skills).toEqual([]);
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
});
