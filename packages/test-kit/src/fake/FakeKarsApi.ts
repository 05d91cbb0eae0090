import {
  AuditEvent,
  ClusterInfo,
  Condition,
  KubeEvent,
  Sandbox,
  SandboxHealth,
  SandboxPhase,
  SandboxUsageHistory,
} from '@kars-portal/plugin-kars-common';
import { embeddedClusterFixture } from '../fixtures/cluster';
import { healthFixture } from '../fixtures/health';
import { sandboxFixture, SandboxFixtureInput } from '../fixtures/sandbox';
import { defaultErrorName, errorBody, FakeHttpError } from './answers';
import { routeOf } from './routeOf';
import { ROUTES } from './routes';
import {
  FakeAnswer,
  FakeFailure,
  FakeRequest,
  RecordedRequest,
  RoutedRequest,
} from './types';

/** Where the kars API is mounted. */
const BASE_PATH = '/api/kars';

/**
 * One in-memory fake of the kars REST API for every test that needs the backend without a cluster.
 * Its state is plain maps a test arranges and reads back; it validates every request body and query
 * with the kars-common schemas and refuses what the backend refuses with a 400 in the backend's
 * format (field and rule named), checks every answer it builds against the contract's response
 * schemas, and records every request. Adapters put it behind msw (`karsMswHandlers`) or a real
 * HTTP server (`@kars-portal/test-kit/http`).
 */
export class FakeKarsApi {
  /** The cluster new sandboxes land on. */
  readonly cluster: string;
  /** `GET /cluster`. */
  clusterInfo: ClusterInfo;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  readonly sandboxes = new Map<string, Sandbox>();
  /** Health of a sandbox, instead of the fixture's (`healthFixture`). */
  readonly health = new Map<string, SandboxHealth>();
  /** `GET /sandboxes/:name/events` of a sandbox (none by default). */
  readonly events = new Map<string, AuditEvent[]>();
  /** `GET /sandboxes/:name/kube-events` of a sandbox, newest first (none by default). */
  readonly kubeEvents = new Map<string, KubeEvent[]>();
  /**
   * `GET /sandboxes/:name/logs`: the text of a container, keyed `<sandbox>/<container>` (the
   * `container` query: agent, inference-router or egress-guard); none by default.
   */
  readonly logs = new Map<string, string>();
  /** `GET /sandboxes/:name/usage` of a sandbox, instead of `usageHistoryFixture` of the days asked. */
  readonly usage = new Map<string, SandboxUsageHistory>();
  /** `GET /audit`: the fleet-wide trail, in any order (served newest first). */
  auditTrail: AuditEvent[] = [];
  /** Phases `GET /sandboxes/:name` answers for a sandbox, in turn (the last one repeats). */
  readonly phases = new Map<string, SandboxPhase[]>();
  /** Conditions answered with a phase of {@link phases}, instead of a Ready condition. */
  readonly conditions = new Map<
    string,
    Partial<Record<SandboxPhase, Condition[]>>
  >();
  /**
   * Permissions refused: `<permission> <sandbox>` (`kars.sandbox.delete tenant-a`), or the
   * permission alone for those on no sandbox (`kars.sandbox.create`, `kars.audit.read`). The fake
   * answers 403, dry run or not, as the backend does.
   */
  readonly denied = new Set<string>();
  /** Sandboxes whose namespace kars portal did not make (a delete keeps it). */
  readonly foreignNamespaces = new Set<string>();
  /** Delay of every answer, to test aborts and loading states. */
  delayMs = 0;
  /** Rewrites the body of a successful answer before it is sent (a backend that drifted). */
  rewrite?: (request: RoutedRequest, body: any) => unknown;
  private failures: FakeFailure[] = [];
  private readonly derivedHealth = new WeakMap<Sandbox, SandboxHealth>();

  constructor(options: { cluster?: string } = {}) {
    this.cluster = options.cluster ?? 'dev';
    this.clusterInfo = embeddedClusterFixture(this.cluster);
  }

  /** Forgets every sandbox, request, setting and failure. */
  reset(): this {
    this.requests.length = 0;
    for (const map of [
      this.sandboxes,
      this.health,
      this.events,
      this.kubeEvents,
      this.logs,
      this.usage,
      this.phases,
      this.conditions,
    ]) {
      map.clear();
    }
    this.denied.clear();
    this.foreignNamespaces.clear();
    this.auditTrail = [];
    this.clusterInfo = embeddedClusterFixture(this.cluster);
    this.delayMs = 0;
    this.rewrite = undefined;
    this.failures = [];
    return this;
  }

  /** Adds a sandbox: a fixture, or what a fixture of this cluster needs. */
  addSandbox(sandbox: Sandbox | SandboxFixtureInput): Sandbox {
    const added =
      'namespace' in sandbox
        ? sandbox
        : sandboxFixture({ cluster: this.cluster, ...sandbox });
    this.sandboxes.set(added.name, added);
    return added;
  }

  /** Adds sandboxes (`fleet(5000)`, `seedSandboxes()`). */
  addSandboxes(sandboxes: Sandbox[]): this {
    for (const sandbox of sandboxes) this.addSandbox(sandbox);
    return this;
  }

  /**
   * Answers matching requests with an error instead of the route's answer. Without `route` and
   * `when` it takes every request.
   */
  fail(failure: FakeFailure): this {
    this.failures.push({ ...failure });
    return this;
  }

  /** Requests other than reads. */
  writes(): RecordedRequest[] {
    return this.requests.filter(r => r.method !== 'GET');
  }

  /** Requests of one route, with their query. */
  requestsOf(route: RoutedRequest['route']): RoutedRequest[] {
    return this.requests
      .map(r => this.routed(r))
      .filter(r => r.route === route);
  }

  /** The health `GET /sandboxes/:name/health` answers for a sandbox. */
  healthOf(sandbox: Sandbox): SandboxHealth {
    const set = this.health.get(sandbox.name);
    if (set) return set;
    let derived = this.derivedHealth.get(sandbox);
    if (!derived) {
      derived = healthFixture(sandbox);
      this.derivedHealth.set(sandbox, derived);
    }
    return derived;
  }

  /** Records a request and answers it as the kars backend would. */
  handle(request: FakeRequest): FakeAnswer {
    const url = new URL(request.url, 'http://localhost');
    const recorded: RecordedRequest = {
      method: request.method.toUpperCase(),
      path: `${url.pathname}${url.search}`,
      authorization: request.authorization,
      body: undefined,
    };
    let bodyError: FakeHttpError | undefined;
    if (request.body) {
      try {
        recorded.body = JSON.parse(request.body);
      } catch {
        bodyError = new FakeHttpError(
          400,
          'Invalid request: body is not valid JSON [json]',
        );
      }
    }
    this.requests.push(recorded);
    const routed = this.routed(recorded);
    const path = url.pathname.slice(BASE_PATH.length);
    const answer = (status: number, body: unknown): FakeAnswer => ({
      status,
      body,
      delayMs: this.delayMs,
    });
    const failure = this.failureFor(routed);
    if (failure) {
      return answer(
        failure.status,
        errorBody(
          failure.status,
          failure.name ?? defaultErrorName(failure.status),
          failure.message ?? `failed as the test asked (${failure.status})`,
          { method: recorded.method, url: path },
        ),
      );
    }
    try {
      if (bodyError) throw bodyError;
      if (!routed.route) {
        throw new FakeHttpError(
          404,
          'not found: the kars API has no route for this method and path',
        );
      }
      const reply = ROUTES[routed.route](this, routed);
      const body =
        this.rewrite && reply.body !== undefined
          ? this.rewrite(routed, reply.body)
          : reply.body;
      return answer(reply.status, body);
    } catch (error) {
      if (!(error instanceof FakeHttpError)) throw error;
      return answer(
        error.status,
        errorBody(error.status, error.errorName, error.message, {
          method: recorded.method,
          url: path,
        }),
      );
    }
  }

  private routed(recorded: RecordedRequest): RoutedRequest {
    const url = new URL(recorded.path, 'http://localhost');
    const path = url.pathname.startsWith(BASE_PATH)
      ? url.pathname.slice(BASE_PATH.length)
      : undefined;
    return {
      ...recorded,
      ...(path === undefined ? {} : routeOf(recorded.method, path)),
      query: url.searchParams,
    };
  }

  private failureFor(request: RoutedRequest): FakeFailure | undefined {
    const failure = this.failures.find(
      f =>
        (f.times === undefined || f.times > 0) &&
        (!f.route || f.route === request.route) &&
        (!f.when || f.when(request)),
    );
    if (failure?.times !== undefined) failure.times -= 1;
    return failure;
  }
}
