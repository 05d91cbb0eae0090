/** The routes of the kars REST API (`/api/kars`). */
export type FakeRoute =
  | 'cluster'
  | 'list'
  | 'validate'
  | 'create'
  | 'get'
  | 'update'
  | 'delete'
  | 'credentials'
  | 'health'
  | 'events'
  | 'agent-card'
  | 'manifests'
  | 'kube-events'
  | 'logs'
  | 'usage'
  | 'audit';

/** A request as an adapter hands it over. */
export interface FakeRequest {
  method: string;
  /** The request URL, absolute or from the path on. */
  url: string;
  authorization?: string;
  /** The raw body, if any. */
  body?: string;
}

/** One request the fake received, as tests read it back. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent (`/api/kars/sandboxes?dryRun=true`). */
  path: string;
  authorization?: string;
  /** The parsed JSON body; undefined without one. */
  body: any;
}

/** A request with what the fake made of it, for {@link FakeFailure.when} and the rewrite hook. */
export interface RoutedRequest extends RecordedRequest {
  route?: FakeRoute;
  /** The sandbox of a route on one sandbox. */
  name?: string;
  query: URLSearchParams;
}

/** What the fake answers; the adapter waits `delayMs` before sending it. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  delayMs: number;
}

/** An error answer a test asks for, instead of what the route would answer. */
export interface FakeFailure {
  route?: FakeRoute;
  when?: (request: RoutedRequest) => boolean;
  status: number;
  /** The error's name; by default the one `@backstage/errors` gives the status. */
  name?: string;
  message?: string;
  /** How many requests it answers before it is used up; every one when unset. */
  times?: number;
}
