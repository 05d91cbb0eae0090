import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { errorResponse, server } from '../../__testUtils__/server';
import { fleetPage, summary } from '../../__testUtils__/fixtures';
import { renderLegacy } from '../../__testUtils__/render';
import { KarsFleetContent, KarsFleetPage } from './FleetPage';

registerMswTestHooks(server);

function recordQueries() {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get('*/api/kars/sandboxes', ({ request }) => {
      const params = new URL(request.url).searchParams;
      queries.push(params);
      return HttpResponse.json(fleetPage(5000, params));
    }),
  );
  return queries;
}

describe('KarsFleetPage', () => {
  it('renders one server page of a 5,000-tenant fleet', async () => {
    const queries = recordQueries();
    await renderLegacy(<KarsFleetPage />);
    const table = await screen.findByRole('table', { name: 'Sandboxes' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByText('1–50 of 5000')).toBeInTheDocument();
    expect(queries[0].get('limit')).toBe('50');
    expect(queries[0].get('sort')).toBe('name');
    expect(within(table).getByText('tenant-0000')).toBeInTheDocument();
    expect(within(table).getAllByText('Slack').length).toBeGreaterThan(0);
    expect(within(table).getAllByText('30% / 25%').length).toBe(50);
    expect(screen.getByText('kars sandboxes')).toBeInTheDocument();
  });

  it('pages with the server cursor, forward and back', async () => {
    const queries = recordQueries();
    await renderLegacy(<KarsFleetContent />);
    await screen.findByText('tenant-0000');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('tenant-0050')).toBeInTheDocument();
    expect(screen.getByText('51–100 of 5000')).toBeInTheDocument();
    expect(queries[queries.length - 1].get('cursor')).toBe('50');
    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    expect(await screen.findByText('tenant-0000')).toBeInTheDocument();
  });

  it('sorts on the server', async () => {
    const queries = recordQueries();
    await renderLegacy(<KarsFleetContent />);
    await screen.findByText('tenant-0000');
    await userEvent.click(screen.getByText('Name'));
    expect(await screen.findByText('tenant-4999')).toBeInTheDocument();
    const last = queries[queries.length - 1];
    expect(last.get('order')).toBe('desc');
    await userEvent.click(
      within(screen.getByRole('table', { name: 'Sandboxes' })).getByText(
        'Model',
      ),
    );
    await waitFor(() =>
      expect(queries[queries.length - 1].get('sort')).toBe('model'),
    );
  });

  it('searches and filters on the server', async () => {
    const queries = recordQueries();
    await renderLegacy(<KarsFleetContent />);
    await screen.findByText('tenant-0000');
    await userEvent.type(screen.getByLabelText('Search sandboxes'), '0042');
    expect(await screen.findByText('1–1 of 1')).toBeInTheDocument();
    expect(queries[queries.length - 1].get('q')).toBe('0042');

    await userEvent.type(screen.getByLabelText('Filter by model'), 'gpt-5');
    await waitFor(() =>
      expect(queries[queries.length - 1].get('model')).toBe('gpt-5'),
    );
    await userEvent.click(screen.getByLabelText('Isolation'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'confidential' }),
    );
    await waitFor(() =>
      expect(queries[queries.length - 1].get('isolation')).toBe('confidential'),
    );
    await userEvent.click(screen.getByLabelText('Phase'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Failed' }),
    );
    await waitFor(() =>
      expect(queries[queries.length - 1].get('phase')).toBe('Failed'),
    );
    await userEvent.click(screen.getByLabelText('Channel trouble'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'With trouble' }),
    );
    await waitFor(() =>
      expect(queries[queries.length - 1].get('trouble')).toBe('true'),
    );
  });

  it('shows an empty fleet', async () => {
    server.use(
      http.get('*/api/kars/sandboxes', () =>
        HttpResponse.json({ items: [], totalCount: 0 }),
      ),
    );
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByText('No sandboxes yet')).toBeInTheDocument();
  });

  it('shows an error', async () => {
    server.use(
      http.get('*/api/kars/sandboxes', () =>
        errorResponse(500, 'Error', 'down'),
      ),
    );
    await renderLegacy(<KarsFleetContent />);
    expect(
      await screen.findByText(/Could not load the sandboxes/),
    ).toBeInTheDocument();
  });

  it('shows permission denied', async () => {
    server.use(
      http.get('*/api/kars/sandboxes', () =>
        errorResponse(403, 'NotAllowedError', 'denied'),
      ),
    );
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });

  it('shows loading', async () => {
    server.use(http.get('*/api/kars/sandboxes', () => new Promise(() => {})));
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows unknown budget use and suspended tenants', async () => {
    server.use(
      http.get('*/api/kars/sandboxes', () =>
        HttpResponse.json({
          items: [
            summary(1, {
              budget: { dailyFraction: null, monthlyFraction: null },
              suspended: true,
              phase: undefined,
            }),
          ],
          totalCount: 1,
        }),
      ),
    );
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByText('unknown / unknown')).toBeInTheDocument();
    expect(screen.getByText('Suspended')).toBeInTheDocument();
  });
});
