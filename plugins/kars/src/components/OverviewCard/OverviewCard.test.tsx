import { screen } from '@testing-library/react';
import { http } from 'msw';
import { unknownBudgetHealthFixture } from '@kars-portal/test-kit';
import { registerFakeKarsApi } from '../../__testUtils__/fakeApi';
import { renderLegacy, sandboxEntity } from '../../__testUtils__/render';
import { KarsSandboxOverviewCard } from './OverviewCard';

const { fake, server } = registerFakeKarsApi();

describe('KarsSandboxOverviewCard', () => {
  it('shows phase, isolation, model, budget headroom and channel trouble', async () => {
    await renderLegacy(<KarsSandboxOverviewCard />, {
      entity: sandboxEntity(),
    });
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(screen.getByText('enhanced')).toBeInTheDocument();
    expect(screen.getByText('gpt-4.1')).toBeInTheDocument();
    expect(
      await screen.findByRole('progressbar', {
        name: 'Today (daily) budget used',
      }),
    ).toHaveAttribute('aria-valuenow', '30');
    expect(screen.getByText('Headroom: 70,000 left')).toBeInTheDocument();
    expect(screen.getByText('Slack: credentials missing')).toBeInTheDocument();
    expect(screen.getByText('Open the Sandbox tab')).toBeInTheDocument();
  });

  it('says unknown when the budget source is down', async () => {
    fake.health.set(
      'tenant-a',
      unknownBudgetHealthFixture(fake.sandboxes.get('tenant-a')!),
    );
    await renderLegacy(<KarsSandboxOverviewCard />, {
      entity: sandboxEntity(),
    });
    expect(await screen.findByText(/unknown of 100,000/)).toBeInTheDocument();
  });

  it('shows loading, error and denied states', async () => {
    server.use(
      http.get('*/api/kars/sandboxes/:name', () => new Promise(() => {})),
    );
    const loading = await renderLegacy(<KarsSandboxOverviewCard />, {
      entity: sandboxEntity(),
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    loading.unmount();

    server.resetHandlers();
    fake.denied.add('kars.sandbox.read tenant-a');
    const denied = await renderLegacy(<KarsSandboxOverviewCard />, {
      entity: sandboxEntity(),
    });
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    denied.unmount();

    fake.denied.clear();
    fake.fail({ route: 'get', status: 500, message: 'boom' });
    await renderLegacy(<KarsSandboxOverviewCard />, {
      entity: sandboxEntity(),
    });
    expect(
      await screen.findByText(/Could not load sandbox tenant-a/),
    ).toBeInTheDocument();
  });

  it('explains a missing annotation', async () => {
    await renderLegacy(<KarsSandboxOverviewCard />, {
      entity: sandboxEntity('Resource', 'kars-sandbox', ''),
    });
    expect(
      screen.getByText(/has no kars.azure.com\/sandbox annotation/),
    ).toBeInTheDocument();
  });
});
