/**
 * @jest-environment node
 */
import { KarsClient, KubeEvent } from '@kars-portal/plugin-kars-common';
import { setupServer } from 'msw/node';
import { tenantA } from '../fixtures/sandbox';
import { startFakeKarsServer } from '../http';
import { FakeKarsApi } from './FakeKarsApi';
import { karsMswHandlers } from './msw';

const TENANT = tenantA().name;

const EVENT: KubeEvent = {
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container openclaw',
  involvedObject: {
    kind: 'Pod',
    name: 'tenant-a-1',
    namespace: 'kars-tenant-a',
  },
  count: 3,
  lastTime: '2026-12-05T10:00:00Z',
  source: 'kubelet',
};

/** The Kubernetes Events and logs routes of the fake, through the typed client over both adapters. */
describe('the fake kars API: kube-events and logs', () => {
  const fake = new FakeKarsApi({ cluster: 'primary' });
  beforeEach(() => {
    fake.reset();
    fake.addSandbox(tenantA());
    fake.kubeEvents.set(TENANT, [EVENT]);
    fake.logs.set(`${TENANT}/agent`, 'one\ntwo\nthree\n');
    fake.logs.set(`${TENANT}/inference-router`, '{"msg":"ready"}\n');
  });

  /** The typed client over each adapter of the fake, and what stops it. */
  const adapters: Array<
    [string, () => Promise<{ client: KarsClient; stop: () => Promise<void> }>]
  > = [
    [
      'HTTP',
      async () => {
        const server = await startFakeKarsServer(fake);
        return {
          client: new KarsClient({
            discoveryApi: { getBaseUrl: async () => server.baseUrl },
          }),
          stop: () => server.stop(),
        };
      },
    ],
    [
      'msw',
      async () => {
        const msw = setupServer(...karsMswHandlers(fake));
        msw.listen({ onUnhandledRequest: 'error' });
        return {
          client: new KarsClient({
            discoveryApi: {
              getBaseUrl: async () => 'http://backstage.test/api/kars',
            },
          }),
          stop: async () => msw.close(),
        };
      },
    ],
  ];

  it.each(adapters)('answers over %s', async (_adapter, start) => {
    const { client, stop } = await start();
    try {
      expect(await client.getKubeEvents(TENANT)).toEqual({
        items: [EVENT],
      });
      expect(await client.getLogs(TENANT)).toBe('one\ntwo\nthree\n');
      expect(await client.getLogs(TENANT, { tailLines: 2 })).toBe(
        'two\nthree\n',
      );
      expect(
        await client.getLogs(TENANT, { container: 'inference-router' }),
      ).toBe('{"msg":"ready"}\n');
      expect(await client.getLogs(TENANT, { container: 'egress-guard' })).toBe(
        '',
      );
      const reader = (await client.followLogs(TENANT)).getReader();
      let followed = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        followed += r.value;
      }
      expect(followed).toBe('one\ntwo\nthree\n');

      await expect(
        client.getLogs(TENANT, { tailLines: 0 }),
      ).rejects.toMatchObject({
        response: { status: 400 },
        body: {
          error: {
            message:
              'Invalid request: query.tailLines must be at least 1 [minimum]',
          },
        },
      });
      fake.denied.add(`kars.sandbox.logs ${TENANT}`);
      await expect(client.getLogs(TENANT)).rejects.toMatchObject({
        response: { status: 403 },
      });
      expect(await client.getKubeEvents(TENANT)).toEqual({
        items: [EVENT],
      });
      await expect(client.getLogs('nope')).rejects.toMatchObject({
        response: { status: 404 },
      });
    } finally {
      await stop();
    }
  });
});
