import { ResponseError } from '@backstage/errors';
import { Credentials } from '../credentials';
import { SandboxSpecInput } from '../spec';
import {
  AgentCardResponse,
  AuditEventsResponse,
  AuditPage,
  ClusterInfo,
  CreateSandboxRequest,
  DeleteSandboxDryRunResponse,
  KARS_PLUGIN_ID,
  ListAuditQuery,
  ListSandboxesQuery,
  ManifestsResponse,
  Page,
  PutCredentialsDryRunResponse,
  PutCredentialsRequest,
  PutCredentialsResponse,
  Sandbox,
  SandboxHealth,
  SandboxListItem,
  SandboxUsageHistory,
  SandboxUsageQuery,
  SandboxWriteResponse,
  UpdateSandboxRequest,
  ValidateResponse,
} from './contract';
import { KubeEventsResponse, SandboxLogsOptions } from './observations';

/** Per-call options: a token (backend callers) and an abort signal. @public */
export interface KarsRequestOptions {
  token?: string;
  signal?: AbortSignal;
}

/** The typed client of the kars REST API, for the frontend, the scaffolder and the catalog. @public */
export interface KarsApi {
  getCluster(options?: KarsRequestOptions): Promise<ClusterInfo>;
  /** One page of the sandboxes the caller may read; `include` adds the spec and agent card to each. */
  listSandboxes(
    query?: ListSandboxesQuery,
    options?: KarsRequestOptions,
  ): Promise<Page<SandboxListItem>>;
  validateSandbox(
    request: {
      name?: string;
      spec?: SandboxSpecInput;
      credentials?: Credentials;
    },
    options?: KarsRequestOptions,
  ): Promise<ValidateResponse>;
  createSandbox(
    request: CreateSandboxRequest,
    options?: KarsRequestOptions,
  ): Promise<SandboxWriteResponse>;
  renderSandbox(
    request: CreateSandboxRequest,
    options?: KarsRequestOptions,
  ): Promise<ManifestsResponse>;
  getSandbox(name: string, options?: KarsRequestOptions): Promise<Sandbox>;
  updateSandbox(
    name: string,
    patch: UpdateSandboxRequest,
    options?: KarsRequestOptions & { dryRun?: boolean },
  ): Promise<SandboxWriteResponse | ManifestsResponse>;
  /** Deletes a sandbox; with `dryRun`, answers what would be deleted and deletes nothing. */
  deleteSandbox(
    name: string,
    options?: KarsRequestOptions & { dryRun?: boolean },
  ): Promise<void | DeleteSandboxDryRunResponse>;
  /** Sets or rotates credentials; with `dryRun`, answers what would change and writes nothing. */
  putCredentials(
    name: string,
    request: PutCredentialsRequest,
    options?: KarsRequestOptions & { dryRun?: boolean },
  ): Promise<PutCredentialsResponse | PutCredentialsDryRunResponse>;
  getHealth(name: string, options?: KarsRequestOptions): Promise<SandboxHealth>;
  getManifests(
    name: string,
    options?: KarsRequestOptions,
  ): Promise<ManifestsResponse>;
  getAgentCard(
    name: string,
    options?: KarsRequestOptions,
  ): Promise<AgentCardResponse>;
  getEvents(
    name: string,
    options?: KarsRequestOptions,
  ): Promise<AuditEventsResponse>;
  /** Daily token use of a sandbox over the last `days` days (30 by default), oldest first. */
  getUsageHistory(
    name: string,
    query?: SandboxUsageQuery,
    options?: KarsRequestOptions,
  ): Promise<SandboxUsageHistory>;
  /** The fleet-wide audit trail, newest first, deleted sandboxes included (`kars.audit.read`). */
  listAudit(
    query?: ListAuditQuery,
    options?: KarsRequestOptions,
  ): Promise<AuditPage>;
  /** The Kubernetes Events of a sandbox's namespace and of its KarsSandbox, newest first. */
  getKubeEvents(
    name: string,
    options?: KarsRequestOptions,
  ): Promise<KubeEventsResponse>;
  /** The last lines of a container of the sandbox's pod, as text (`kars.sandbox.logs`). */
  getLogs(
    name: string,
    query?: SandboxLogsOptions,
    options?: KarsRequestOptions,
  ): Promise<string>;
  /**
   * The last lines of a container and then what it writes, as they come, until `options.signal`
   * aborts (`follow=true`; `kars.sandbox.logs`).
   */
  followLogs(
    name: string,
    query?: SandboxLogsOptions,
    options?: KarsRequestOptions,
  ): Promise<ReadableStream<string>>;
}

/** How the client finds the backend and makes requests. @public */
export interface KarsClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
}

/** The {@link KarsApi} over HTTP. @public */
export class KarsClient implements KarsApi {
  private readonly discoveryApi: KarsClientOptions['discoveryApi'];
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: KarsClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (...a) => fetch(...a) };
  }

  getCluster(options?: KarsRequestOptions) {
    return this.request<ClusterInfo>('GET', '/cluster', undefined, options);
  }

  listSandboxes(query: ListSandboxesQuery = {}, options?: KarsRequestOptions) {
    return this.request<Page<SandboxListItem>>(
      'GET',
      `/sandboxes${this.queryString(query)}`,
      undefined,
      options,
    );
  }

  validateSandbox(
    request: {
      name?: string;
      spec?: SandboxSpecInput;
      credentials?: Credentials;
    },
    options?: KarsRequestOptions,
  ) {
    return this.request<ValidateResponse>(
      'POST',
      '/sandboxes/validate',
      request,
      options,
    );
  }

  createSandbox(request: CreateSandboxRequest, options?: KarsRequestOptions) {
    return this.request<SandboxWriteResponse>(
      'POST',
      '/sandboxes',
      request,
      options,
    );
  }

  renderSandbox(request: CreateSandboxRequest, options?: KarsRequestOptions) {
    return this.request<ManifestsResponse>(
      'POST',
      '/sandboxes?dryRun=true',
      request,
      options,
    );
  }

  getSandbox(name: string, options?: KarsRequestOptions) {
    return this.request<Sandbox>('GET', this.path(name), undefined, options);
  }

  updateSandbox(
    name: string,
    patch: UpdateSandboxRequest,
    options?: KarsRequestOptions & { dryRun?: boolean },
  ) {
    return this.request<SandboxWriteResponse | ManifestsResponse>(
      'PATCH',
      `${this.path(name)}${options?.dryRun ? '?dryRun=true' : ''}`,
      patch,
      options,
    );
  }

  async deleteSandbox(
    name: string,
    options?: KarsRequestOptions & { dryRun?: boolean },
  ): Promise<void | DeleteSandboxDryRunResponse> {
    if (options?.dryRun) {
      return this.request<DeleteSandboxDryRunResponse>(
        'DELETE',
        `${this.path(name)}?dryRun=true`,
        undefined,
        options,
      );
    }
    await this.request<void>('DELETE', this.path(name), undefined, options);
    return undefined;
  }

  putCredentials(
    name: string,
    request: PutCredentialsRequest,
    options?: KarsRequestOptions & { dryRun?: boolean },
  ) {
    return this.request<PutCredentialsResponse | PutCredentialsDryRunResponse>(
      'PUT',
      `${this.path(name, '/credentials')}${
        options?.dryRun ? '?dryRun=true' : ''
      }`,
      request,
      options,
    );
  }

  getHealth(name: string, options?: KarsRequestOptions) {
    return this.request<SandboxHealth>(
      'GET',
      this.path(name, '/health'),
      undefined,
      options,
    );
  }

  getManifests(name: string, options?: KarsRequestOptions) {
    return this.request<ManifestsResponse>(
      'GET',
      this.path(name, '/manifests'),
      undefined,
      options,
    );
  }

  getAgentCard(name: string, options?: KarsRequestOptions) {
    return this.request<AgentCardResponse>(
      'GET',
      this.path(name, '/agent-card'),
      undefined,
      options,
    );
  }

  getEvents(name: string, options?: KarsRequestOptions) {
    return this.request<AuditEventsResponse>(
      'GET',
      this.path(name, '/events'),
      undefined,
      options,
    );
  }

  getUsageHistory(
    name: string,
    query: SandboxUsageQuery = {},
    options?: KarsRequestOptions,
  ) {
    return this.request<SandboxUsageHistory>(
      'GET',
      `${this.path(name, '/usage')}${this.queryString(query)}`,
      undefined,
      options,
    );
  }

  listAudit(query: ListAuditQuery = {}, options?: KarsRequestOptions) {
    return this.request<AuditPage>(
      'GET',
      `/audit${this.queryString(query)}`,
      undefined,
      options,
    );
  }

  getKubeEvents(
    name: string,
    options?: KarsRequestOptions,
  ): Promise<KubeEventsResponse> {
    return this.request<KubeEventsResponse>(
      'GET',
      this.path(name, '/kube-events'),
      undefined,
      options,
    );
  }

  async getLogs(
    name: string,
    query: SandboxLogsOptions = {},
    options?: KarsRequestOptions,
  ): Promise<string> {
    const response = await this.send(
      'GET',
      `${this.path(name, '/logs')}${this.queryString(query)}`,
      undefined,
      options,
    );
    return response.text();
  }

  async followLogs(
    name: string,
    query: SandboxLogsOptions = {},
    options?: KarsRequestOptions,
  ): Promise<ReadableStream<string>> {
    const response = await this.send(
      'GET',
      `${this.path(name, '/logs')}${this.queryString({
        ...query,
        follow: true,
      })}`,
      undefined,
      options,
    );
    if (!response.body) throw new Error('the logs response has no body');
    return response.body.pipeThrough(new TextDecoderStream());
  }

  private queryString(query: object) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    return qs ? `?${qs}` : '';
  }

  private path(name: string, suffix = '') {
    return `/sandboxes/${encodeURIComponent(name)}${suffix}`;
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    options?: KarsRequestOptions,
  ): Promise<T> {
    const response = await this.send(method, path, body, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** The response of a request; a ResponseError for any status that is not 2xx. */
  private async send(
    method: string,
    path: string,
    body: unknown,
    options?: KarsRequestOptions,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(KARS_PLUGIN_ID);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options?.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
