import { registerMswTestHooks } from '@backstage/test-utils';
import {
  auditTrailFixture,
  createdEvents,
  FakeKarsApi,
  karsMswHandlers,
  tenantA,
} from '@kars-portal/test-kit';
import { setupServer } from 'msw/node';

/**
 * What the Sandbox tab, its card and the audit tab show: tenant-a (the kit's `tenantA()`) with
 * jane's create event, and a fleet-wide trail of 120 events.
 */
export function arrangeTenantA(fake: FakeKarsApi) {
  fake.addSandbox(tenantA());
  fake.events.set('tenant-a', createdEvents('tenant-a'));
  fake.auditTrail = auditTrailFixture(120);
}

/**
 * The test kit's fake kars API behind msw, for one test file: msw's hooks registered, and before
 * each test the fake reset and arranged by `arrange`. A test changes the fake's state for what it
 * needs; `server.use` puts a handler of its own first (an answer that never comes).
 */
export function registerFakeKarsApi(
  arrange: (fake: FakeKarsApi) => void = arrangeTenantA,
) {
  const fake = new FakeKarsApi();
  const server = setupServer(...karsMswHandlers(fake));
  registerMswTestHooks(server);
  beforeEach(() => arrange(fake.reset()));
  return { fake, server };
}
