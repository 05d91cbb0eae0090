import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  agentCard,
  auditTrail,
  embeddedCluster,
  events,
  fleetPage,
  health,
  sandbox,
} from './fixtures';

/** The default answers of the kars backend, for msw. */
export const handlers = [
  http.get('*/api/kars/cluster', () => HttpResponse.json(embeddedCluster)),
  http.get('*/api/kars/sandboxes', ({ request }) =>
    HttpResponse.json(fleetPage(5000, new URL(request.url).searchParams)),
  ),
  http.get('*/api/kars/sandboxes/:name', ({ params }) =>
    HttpResponse.json({ ...sandbox, name: String(params.name) }),
  ),
  http.get('*/api/kars/sandboxes/:name/health', () =>
    HttpResponse.json(health),
  ),
  http.get('*/api/kars/sandboxes/:name/events', () =>
    HttpResponse.json(events),
  ),
  http.get('*/api/kars/sandboxes/:name/agent-card', () =>
    HttpResponse.json(agentCard),
  ),
  http.get('*/api/kars/audit', ({ request }) =>
    HttpResponse.json(auditTrail(120, new URL(request.url).searchParams)),
  ),
];

export const server = setupServer(...handlers);

/** A `@backstage/errors` JSON error body. */
export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/api/kars' },
      response: { statusCode: status },
    },
    { status },
  );
}
