import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import App from './App';

/** A notice as the kars backend sends it (service/notify/notices.ts), as the notifications backend lists it. */
const notice = {
  id: 'n-1',
  user: 'user:default/guest',
  created: '2026-12-05T10:00:00.000Z',
  origin: 'plugin:kars',
  payload: {
    title: 'Sandbox tenant-a used up its daily token budget',
    description:
      'tenant-a on cluster embedded used 1,200 of 1,000 tokens (120 %) in 2026-12-05; the inference router refuses further requests until the window resets.',
    link: '/catalog/default/resource/tenant-a',
    severity: 'high',
    topic: 'kars.sandbox.budget',
  },
};

const server = setupServer(
  http.get('*/api/auth/guest/refresh', () =>
    HttpResponse.json({ error: { name: 'NotFoundError' } }, { status: 404 }),
  ),
  http.get('*/api/notifications/notifications', () =>
    HttpResponse.json({ totalCount: 1, notifications: [notice] }),
  ),
  http.get('*/api/notifications/status', () =>
    HttpResponse.json({ read: 0, unread: 1 }),
  ),
  http.get('*/api/notifications/topics', () =>
    HttpResponse.json({ topics: ['kars.sandbox.budget'] }),
  ),
);
registerMswTestHooks(server);

describe('App with the Backstage notifications plugin', () => {
  it("lists a kars owner notice on the notifications page, linked to the sandbox's entity", async () => {
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
    localStorage.setItem('enableLegacyGuestToken', 'true');
    jest.spyOn(window, 'confirm').mockReturnValue(true);
    window.history.pushState({}, '', '/notifications');
    render(App.createRoot());
    await userEvent.click(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 15000 }),
    );
    const title = await screen.findByText(
      notice.payload.title,
      {},
      { timeout: 15000 },
    );
    expect(title.closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/resource/tenant-a',
    );
    expect(
      screen.getByText(/used 1,200 of 1,000 tokens \(120 %\)/),
    ).toBeInTheDocument();
  }, 30000);
});
