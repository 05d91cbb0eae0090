import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { errorResponse, server } from '../../__testUtils__/server';
import { unknownBudgetHealth } from '../../__testUtils__/fixtures';
import { renderLegacy, sandboxEntity } from '../../__testUtils__/render';
import { KarsSandboxOverviewCard } from './OverviewCard';

registerMswTestHooks(server);

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
        name: 'Today (daily) budget 30% used',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Headroom today: 70,000 tokens'),
    ).toBeInTheDocument();
    expect(screen.getByText('Slack: credentials missing')).toBeInTheDocument();
    expect(screen.getByText('Open the Sandbox tab')).toBeInTheDocument();
  });

  it('says unknown when the budget source is down', async () => {
    server.use(
      http.get('*/api/kars/sandboxes/:name/health', () =>
        HttpResponse.json(unknownBudgetHealth),
      ),
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

    server.use(
      http.get('*/api/kars/sandboxes/:name', () =>
        errorResponse(403, 'NotAllowedError', 'no'),
      ),
    );
    const denied = await renderLegacy(<KarsSandboxOverviewCard />, {
      entity: sandboxEntity(),
    });
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    denied.unmount();

    server.use(
      http.get('*/api/kars/sandboxes/:name', () =>
        errorResponse(500, 'Error', 'boom'),
      ),
    );
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
