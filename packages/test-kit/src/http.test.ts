/**
 * @jest-environment node
 */
import { KarsClient } from '@kars-portal/plugin-kars-common';
import { FakeKarsApi } from './fake/FakeKarsApi';
import { FakeKarsServer, startFakeKarsServer } from './http';

describe('the fake kars API on a real HTTP server', () => {
  const fake = new FakeKarsApi();
  let server: FakeKarsServer;
  let client: KarsClient;
  beforeAll(async () => {
    server = await startFakeKarsServer(fake);
    client = new KarsClient({
      discoveryApi: { getBaseUrl: async () => server.baseUrl },
    });
  });
  afterAll(() => server.stop());
  beforeEach(() => fake.reset());

  it('answers the kars client, and its errors are the errors the client knows', async () => {
    await client.createSandbox(
      { name: 'tenant-x', spec: { model: 'gpt-4o' } },
      { token: 'user-token' },
    );
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        path: '/api/kars/sandboxes',
        authorization: 'Bearer user-token',
        body: { name: 'tenant-x', spec: { model: 'gpt-4o' } },
      },
    ]);
    expect((await client.getSandbox('tenant-x')).spec.model).toBe('gpt-4o');
    const error = await client
      .updateSandbox('tenant-x', { model: 'bad model' })
      .catch(e => e);
    expect(error.name).toBe('ResponseError');
    expect(error.body.error).toMatchObject({ name: 'InputError' });
    expect(error.body.error.message).toContain('spec.model');
    expect(error.body.error.message).toContain('[model-name]');
  });

  it('holds an answer as long as the fake says, and drops it when the client gave up', async () => {
    fake.delayMs = 300;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(
      client.getCluster({ signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
    expect(Date.now() - started).toBeLessThan(250);
    expect(fake.requests).toHaveLength(1);
  });
});
