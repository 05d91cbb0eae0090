import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ApiEntity } from '@backstage/catalog-model';
import { agentCardFixture, tenantA } from '@kars-portal/test-kit';
import { a2aApiWidget, createKarsApiDocsConfig } from './a2aApiWidget';

const agentCard = agentCardFixture(tenantA());

function apiEntity(type: string): ApiEntity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'tenant-a-card' },
    spec: {
      type,
      lifecycle: 'production',
      owner: 'group:default/team-a',
      definition: JSON.stringify(agentCard),
    },
  };
}

describe('A2A card widget', () => {
  it('renders name, description, version, interfaces, capabilities and skills', async () => {
    await renderInTestApp(a2aApiWidget.component(JSON.stringify(agentCard)));
    expect(
      await screen.findByRole('heading', { name: 'tenant-a agent' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Answers questions about team A'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Version 1.0.0/)).toBeInTheDocument();
    const interfaces = screen.getByRole('table', { name: 'Interfaces' });
    expect(within(interfaces).getByText('JSONRPC')).toBeInTheDocument();
    expect(screen.getByText('streaming: no')).toBeInTheDocument();
    const skills = screen.getByRole('table', { name: 'Skills' });
    expect(within(skills).getByText('Triage')).toBeInTheDocument();
    expect(within(skills).getByText('issues')).toBeInTheDocument();
    expect(within(skills).getByText('ops')).toBeInTheDocument();
  });

  it('says why a definition is not a card, and shows it raw', async () => {
    await renderInTestApp(a2aApiWidget.component('{"name": 1}'));
    expect(
      await screen.findByText(/is not an A2A agent card/),
    ).toBeInTheDocument();
    await renderInTestApp(a2aApiWidget.component('not json'));
    expect(await screen.findByText(/is not JSON/)).toBeInTheDocument();
  });

  it('is chosen for a2a APIs, the defaults for other types', () => {
    const config = createKarsApiDocsConfig();
    expect(config.getApiDefinitionWidget(apiEntity('a2a'))).toBe(a2aApiWidget);
    expect(config.getApiDefinitionWidget(apiEntity('openapi'))?.type).toBe(
      'openapi',
    );
    expect(config.getApiDefinitionWidget(apiEntity('nope'))).toBeUndefined();
    expect(a2aApiWidget.rawLanguage).toBe('json');
  });
});
