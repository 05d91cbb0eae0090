import { delay, http, HttpResponse } from 'msw';
import { errorBody } from './answers';
import type { FakeKarsApi } from './FakeKarsApi';

/**
 * msw handlers that answer every route of the kars API (`*\/api/kars/*`) from the fake. A test
 * that needs one answer the fake does not give (a request that never ends) puts its own handler in
 * front with `server.use`.
 */
export function karsMswHandlers(fake: FakeKarsApi) {
  return [
    http.all('*/api/kars/*', async ({ request }) => {
      const answer = fake.handle({
        method: request.method,
        url: request.url,
        authorization: request.headers.get('authorization') ?? undefined,
        body: ['GET', 'HEAD'].includes(request.method)
          ? undefined
          : await request.text(),
      });
      if (answer.delayMs > 0) await delay(answer.delayMs);
      if (answer.body === undefined) {
        return new HttpResponse(null, { status: answer.status });
      }
      // Logs are text; every other answer is JSON.
      return typeof answer.body === 'string'
        ? HttpResponse.text(answer.body, { status: answer.status })
        : HttpResponse.json(answer.body as object, { status: answer.status });
    }),
  ];
}

/** An error answer in the backend's format, for a handler of a test's own. */
export function mswErrorResponse(
  status: number,
  name: string,
  message: string,
) {
  return HttpResponse.json(
    errorBody(status, name, message, { method: 'GET', url: '/api/kars' }),
    { status },
  );
}
