import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import App from './App';

const server = setupServer(
  http.get('*/api/auth/guest/refresh', () =>
    HttpResponse.json({ error: { name: 'NotFoundError' } }, { status: 404 }),
  ),
  http.get('*/api/kars/cluster', () =>
    HttpResponse.json({
      clusters: [
        {
          name: 'dev',
          embedded: true,
          simulated: true,
          production: false,
          default: true,
          reconciling: true,
          preflight: [],
        },
      ],
    }),
  ),
  http.get('*/api/kars/sandboxes', () =>
    HttpResponse.json({
      items: [
        {
          name: 'tenant-a',
          cluster: 'dev',
          owner: 'group:default/team-a',
          isolation: 'enhanced',
          model: 'gpt-4.1',
          phase: 'Running',
          ready: true,
          suspended: false,
          deleting: false,
          budget: { dailyFraction: 0.3, monthlyFraction: 0.1 },
          channelTrouble: [],
          lastReconciledAt: '2026-11-29T10:00:00Z',
        },
      ],
      totalCount: 1,
    }),
  ),
);
registerMswTestHooks(server);

describe('App with the kars plugin', () => {
  it('serves the fleet page at /kars', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    // Sign in as the dev app's guest without an auth backend.
    localStorage.setItem('enableLegacyGuestToken', 'true');
    window.history.pushState({}, '', '/kars');
    jest.spyOn(window, 'confirm').mockReturnValue(true);
    render(App.createRoot());
    await userEvent.click(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 15000 }),
    );
    expect(
      await screen.findByText('tenant-a', {}, { timeout: 15000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('today 30%, month 10%')).toBeInTheDocument();
    expect(screen.getByText(/Embedded cluster/)).toBeInTheDocument();
  }, 30000);
});
