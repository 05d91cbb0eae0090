/**
 * Test kit of kars portal, the isomorphic part: fixtures built by functions and checked against the
 * kars-common contract when made, and one in-memory fake of the kars REST API with its msw
 * handlers. `@kars-portal/test-kit/http` puts the fake on a real HTTP server and
 * `@kars-portal/test-kit/cluster` starts a test cluster (both node only).
 *
 * @packageDocumentation
 */

export { checked } from './checked';
export {
  FIXTURE_TIMES,
  fleet,
  readyCondition,
  sandboxFixture,
  seedSandboxes,
  specFixture,
  tenantA,
  tenantASpec,
  type SandboxFixtureInput,
} from './fixtures/sandbox';
export {
  DEFAULT_BUDGET_USE,
  degradedHealthFixture,
  healthFixture,
  unknownBudgetHealthFixture,
  type BudgetUse,
} from './fixtures/health';
export {
  auditEventFixture,
  auditTrailFixture,
  createdEvents,
} from './fixtures/audit';
export {
  unknownUsageHistoryFixture,
  usageHistoryFixture,
} from './fixtures/usage';
export { agentCardFixture } from './fixtures/agentCard';
export { embeddedClusterFixture, realClusterFixture } from './fixtures/cluster';
export { FakeKarsApi } from './fake/FakeKarsApi';
export { karsMswHandlers, mswErrorResponse } from './fake/msw';
export type {
  FakeAnswer,
  FakeFailure,
  FakeRequest,
  FakeRoute,
  RecordedRequest,
  RoutedRequest,
} from './fake/types';
