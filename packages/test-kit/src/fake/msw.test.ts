import { KarsClient } from '@kars-portal/plugin-kars-common';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { fleet, tenantA } from '../fixtures/sandbox';
import { FakeKarsApi } from './FakeKarsApi';
import { karsMswHandlers, mswErrorResponse } from './msw';

const fake = new FakeKarsApi();
const server = setupServer(...karsMswHandlers(fake));
const client = new KarsClient({
  discoveryApi: { getBaseUrl: async () => 'http://localhost:7007/api/kars' },
});

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
beforeEach(() => fake.reset());

describe('the fake kars API behind msw', () => {
  it('answers every route from the fake, recording what it was asked', async () => {
    fake.addSandbox(tenantA());
    fake.addSandboxes(fleet(60));
    const page = await client.listSandboxes({ limit: 50, q: 'tenant-00' });
    expect(page.totalCount).toBe(60);
    expect(page.nextCursor).toBe('50');
    expect((await client.getHealth('tenant-a')).name).toBe('tenant-a');
    await client.updateSandbox('tenant-a', { suspended: true });
    expect(fake.sandboxes.get('tenant-a')!.spec.suspended).toBe(true);
    expect(fake.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/kars/sandboxes?limit=50&q=tenant-00',
      'GET /api/kars/sandboxes/tenant-a/health',
      'PATCH /api/kars/sandboxes/tenant-a',
    ]);
    expect(fake.writes()[0].body).toEqual({ suspended: true });
  });

  it("answers a missing sandbox and a failure the test asked for in the backend's format", async () => {
    await expect(client.getSandbox('nope')).rejects.toMatchObject({
      body: { error: { name: 'NotFoundError' } },
    });
    fake.fail({ route: 'cluster', status: 503, message: 'down' });
    await expect(client.getCluster()).rejects.toMatchObject({
      body: {
        error: { name: 'ServiceUnavailableError', message: 'down' },
        response: { statusCode: 503 },
      },
    });
  });

  it("lets a test's own handler go first", async () => {
    server.use(
      http.get('*/api/kars/cluster', () =>
        mswErrorResponse(403, 'NotAllowedError', 'no'),
      ),
    );
    await expect(client.getCluster()).rejects.toMatchObject({
      body: { error: { name: 'NotAllowedError', message: 'no' } },
    });
    expect(fake.requests).toEqual([]);
  });
});
