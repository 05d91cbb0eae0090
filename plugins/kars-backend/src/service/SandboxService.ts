import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  AgentCard,
  buildAgentCard,
  checkContentSafetyFloor,
  CONTENT_SAFETY_FLOOR_PARAM,
  createSandboxRequestSchema,
  Credentials,
  DEFAULT_CONTENT_SAFETY_FLOOR,
  DeleteSandboxDryRunResponse,
  KARS_API_GROUP_VERSION,
  KARS_FIELD_MANAGER,
  KARS_SANDBOX_KIND,
  ListSandboxesQuery,
  listSandboxesQuerySchema,
  ManifestsResponse,
  Page,
  PutCredentialsDryRunResponse,
  putCredentialsRequestSchema,
  Sandbox,
  sandboxNameSchema,
  sandboxNamespace,
  SandboxPatch,
  sandboxPatchSchema,
  SandboxSpec,
  sandboxSpecSchema,
  SandboxHealth,
  SandboxListItem,
  SandboxWriteResponse,
  SEVERITIES,
  Severity,
  ValidateResponse,
  validateWith,
  ValidationIssue,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { AuditStore, NewAuditEvent } from '../database/AuditStore';
import { canonicalJson } from '../render/hash';
import { renderedManifestList, renderSandbox } from '../render/renderSandbox';
import { ClusterConnection } from './ClusterConnection';
import { CredentialsWriter } from './CredentialsWriter';
import { BudgetFractions, listPage } from './listing';
import {
  buildSandboxObject,
  isClaimedNamespace,
  isOwnNamespace,
  KarsSandboxObject,
  readSandboxSpec,
  toSandbox,
} from './sandboxObject';
import { KarsInputError, parseOrThrow } from './validation';
import { budgetWindows, buildHealth, observeHealth } from './health';
import { KubeApiError } from '@kars-portal/plugin-kars-node';

/** Who is acting: their entity ref, for owners and the audit trail. */
export interface Actor {
  /** A user's entity ref, or `service:<subject>` for a service caller. */
  userEntityRef: string;
  /** Whether a user or a service (another plugin, an external caller) is acting. */
  type: 'user' | 'service';
}

const READ_YOUR_WRITES_TIMEOUT_MS = 10_000;
/** How often an update is tried against a sandbox that keeps changing (409 Conflict) before giving up. */
const UPDATE_ATTEMPTS = 5;

function rvAtLeast(current: string | undefined, wanted: string): boolean {
  if (!current) return false;
  if (/^\d+$/.test(current) && /^\d+$/.test(wanted)) {
    return BigInt(current) >= BigInt(wanted);
  }
  return current === wanted;
}

function mergePatch(spec: SandboxSpec, patch: SandboxPatch): unknown {
  const merged: Record<string, unknown> = { ...spec };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete merged[key];
    } else if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof merged[key] === 'object' &&
      merged[key] !== null
    ) {
      merged[key] = mergePatchObject(merged[key] as object, value as object);
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

function mergePatchObject(base: object, patch: object): object {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      typeof out[k] === 'object'
        ? mergePatchObject(out[k] as object, v)
        : v;
  }
  return out;
}

/** What a create asks of its caller. */
export interface CreateOptions {
  /**
   * Throws unless the caller may write the credentials of an existing sandbox: credentials beside
   * the spec of a sandbox that already exists are a credentials write to it.
   */
  mayWriteCredentials(name: string): Promise<void>;
}

const NAME_TAKEN: ValidationIssue = {
  field: 'name',
  rule: 'name-taken',
  message: 'is taken by an existing sandbox',
};

const sameSpec = (object: KarsSandboxObject, spec: SandboxSpec) =>
  canonicalJson(readSandboxSpec(object.spec)) === canonicalJson(spec);

const hasCredentials = (credentials: Credentials | undefined) =>
  Boolean(credentials && Object.keys(credentials).length);

const differentSpec = (name: string) =>
  new ConflictError(
    `a sandbox named ${name} exists with a different spec; change it with PATCH /sandboxes/${name}`,
  );

/**
 * The sandbox operations behind the REST API. Every input is validated once here, with the shared
 * schemas, before anything is written; reads come from the watch caches.
 */
export class SandboxService {
  private readonly credentials = new CredentialsWriter();

  constructor(
    private readonly clusters: ClusterConnection[],
    private readonly audit: AuditStore,
    private readonly logger: LoggerService,
  ) {}

  /** Budget use of a sandbox as fractions, from the last usage snapshot of its cluster. */
  private fractions(sandbox: Sandbox): BudgetFractions {
    const cluster = this.clusters.find(c => c.name === sandbox.cluster);
    const usage = cluster?.usage.peek();
    const windows = usage ? budgetWindows(sandbox, usage) : [];
    const fraction = (w: string) =>
      windows.find(x => x.window === w)?.fraction ?? null;
    return {
      dailyFraction: fraction('daily'),
      monthlyFraction: fraction('monthly'),
    };
  }

  /** Health of a sandbox: enforcement layers, budget use, channels, workload, identity. */
  async health(name: string): Promise<SandboxHealth> {
    const { cluster, object } = this.mustLocate(name);
    const sandbox = toSandbox(object, cluster.name);
    const [observation, usage] = await Promise.all([
      observeHealth(
        cluster.gateway,
        sandbox,
        cluster.config.settings.operatorNamespace,
      ),
      cluster.usage.snapshot(),
    ]);
    return buildHealth(
      sandbox,
      observation,
      usage,
      cluster.simulated,
      cluster.config.settings,
    );
  }

  /** The cluster new sandboxes go to. */
  get defaultCluster(): ClusterConnection {
    return this.clusters.find(c => c.config.default) ?? this.clusters[0];
  }

  /** Where a sandbox lives, from the caches. */
  locate(
    name: string,
  ): { cluster: ClusterConnection; object: KarsSandboxObject } | undefined {
    for (const cluster of this.clusters) {
      const object = cluster.sandboxes.get(
        name,
        cluster.config.settings.operatorNamespace,
      );
      if (object) return { cluster, object };
    }
    return undefined;
  }

  private mustLocate(name: string) {
    const found = this.locate(name);
    if (!found) throw new NotFoundError(`no sandbox named ${name}`);
    return found;
  }

  getSandbox(name: string): Sandbox {
    const { cluster, object } = this.mustLocate(name);
    return toSandbox(object, cluster.name);
  }

  /**
   * The sandbox of each cached object, read once per object: the watch cache replaces an object on
   * every change and never edits one in place, so an object's identity stands for its version.
   */
  private readonly readSandboxes = new WeakMap<object, Sandbox>();

  /** Every sandbox on every cluster. */
  allSandboxes(): Sandbox[] {
    return this.clusters.flatMap(c =>
      c.sandboxes.list().map(o => {
        let sandbox = this.readSandboxes.get(o);
        if (!sandbox || sandbox.cluster !== c.name) {
          sandbox = toSandbox(o, c.name);
          this.readSandboxes.set(o, sandbox);
        }
        return sandbox;
      }),
    );
  }

  listSandboxes(
    query: ListSandboxesQuery,
    visible: (sandbox: Sandbox) => boolean = () => true,
  ): Page<SandboxListItem> {
    const parsed = parseOrThrow(listSandboxesQuerySchema, query, 'query');
    for (const cluster of this.clusters) void cluster.usage.snapshot();
    return listPage(
      this.allSandboxes().filter(visible),
      parsed,
      s => this.fractions(s),
      s => this.cardOf(s),
    );
  }

  /**
   * Field-by-field validation for forms, writing nothing: valid exactly when a create of the same
   * body by the same caller would be accepted (the same schema, admission rules and name conflicts),
   * and each issue names its field and rule.
   */
  async validate(body: unknown, actor: Actor): Promise<ValidateResponse> {
    const whole = validateWith(createSandboxRequestSchema, body);
    if (whole.success) {
      const admitted = await this.admitCreate(whole.data, actor);
      if (!admitted.ok) return { valid: false, issues: admitted.issues };
      try {
        await this.createConflicts(
          admitted.cluster,
          whole.data.name,
          admitted.spec,
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return { valid: false, issues: [NAME_TAKEN] };
      }
      return { valid: true, issues: [] };
    }
    // Invalid as a whole: still judge each part on its own, so a form learns about every field.
    const issues = [...whole.issues];
    const request = (
      typeof body === 'object' && body !== null ? body : {}
    ) as Record<string, unknown>;
    const name = validateWith(sandboxNameSchema, request.name, 'name');
    if (name.success && this.locate(name.data)) issues.push(NAME_TAKEN);
    const spec = validateWith(sandboxSpecSchema, request.spec ?? {}, 'spec');
    const cluster =
      request.cluster === undefined
        ? this.defaultCluster
        : this.clusters.find(c => c.name === request.cluster);
    if (spec.success && cluster) {
      issues.push(...(await this.floorIssues(cluster, spec.data)));
    }
    return { valid: false, issues };
  }

  private clusterFor(name: string | undefined, issues: ValidationIssue[]) {
    if (name === undefined) return this.defaultCluster;
    const cluster = this.clusters.find(c => c.name === name);
    if (!cluster) {
      issues.push({
        field: 'cluster',
        rule: 'known-cluster',
        message: `must be one of ${this.clusters.map(c => c.name).join(', ')}`,
      });
    }
    return cluster;
  }

  /** The content-safety floor of a cluster, from the parameter object the admission policy reads. */
  async contentSafetyFloor(cluster: ClusterConnection): Promise<Severity> {
    const param = await cluster.gateway.get<
      { data?: Record<string, string> } & any
    >({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: CONTENT_SAFETY_FLOOR_PARAM.name,
      namespace: CONTENT_SAFETY_FLOOR_PARAM.namespace,
    });
    const value = param?.data?.[CONTENT_SAFETY_FLOOR_PARAM.key];
    return (SEVERITIES as readonly string[]).includes(value)
      ? (value as Severity)
      : DEFAULT_CONTENT_SAFETY_FLOOR;
  }

  private async floorIssues(cluster: ClusterConnection, spec: SandboxSpec) {
    return checkContentSafetyFloor(spec.contentSafety, {
      floor: await this.contentSafetyFloor(cluster),
      production: cluster.config.settings.production,
    });
  }

  /** The admission rules of a create beyond its schema: cluster, owner, content-safety floor. */
  private async admitCreate(
    request: z.output<typeof createSandboxRequestSchema>,
    actor: Actor,
  ): Promise<
    | { ok: true; cluster: ClusterConnection; spec: SandboxSpec }
    | { ok: false; issues: ValidationIssue[] }
  > {
    const issues: ValidationIssue[] = [];
    const cluster = this.clusterFor(request.cluster, issues);
    if (!request.spec.owner && actor.type !== 'user') {
      // Only a user is an owner by default: `service:<subject>` is no user or group ref.
      issues.push({
        field: 'spec.owner',
        rule: 'required-for-service-callers',
        message:
          'is required when a service creates a sandbox: a user or group entity ref, such as group:default/team-a',
      });
    }
    if (!cluster || issues.length) return { ok: false, issues };
    const spec: SandboxSpec = {
      ...request.spec,
      owner: request.spec.owner ?? actor.userEntityRef,
    };
    const floor = await this.floorIssues(cluster, spec);
    if (floor.length) return { ok: false, issues: floor };
    return { ok: true, cluster, spec };
  }

  private async validatedCreate(body: unknown, actor: Actor) {
    const request = parseOrThrow(createSandboxRequestSchema, body);
    const admitted = await this.admitCreate(request, actor);
    if (!admitted.ok) throw new KarsInputError(admitted.issues);
    return { request, cluster: admitted.cluster, spec: admitted.spec };
  }

  /**
   * What a create of this name and spec meets on the clusters, as a create, its dry run and
   * /validate see it: a 409 when the name is taken on another cluster, by a namespace kars portal
   * did not make, or by a sandbox with another spec; else the sandbox of the same spec, if any.
   */
  private async createConflicts(
    cluster: ClusterConnection,
    name: string,
    spec: SandboxSpec,
  ): Promise<KarsSandboxObject | undefined> {
    const found = this.locate(name);
    if (found && found.cluster !== cluster) {
      throw new ConflictError(
        `the name ${name} is taken by a sandbox on cluster ${found.cluster.name}`,
      );
    }
    await this.refuseForeignNamespace(cluster, name);
    if (found && !sameSpec(found.object, spec)) {
      throw differentSpec(name);
    }
    return found?.object;
  }

  /**
   * Renders what a create would make, writing nothing, after the checks the create makes (a name
   * conflict is a 409; credentials for an existing sandbox need the caller's permission on it).
   */
  async renderCreate(
    body: unknown,
    actor: Actor,
    options: CreateOptions,
  ): Promise<ManifestsResponse> {
    const { request, cluster, spec } = await this.validatedCreate(body, actor);
    const existing = await this.createConflicts(cluster, request.name, spec);
    if (existing && hasCredentials(request.credentials)) {
      await options.mayWriteCredentials(request.name);
    }
    return this.manifestsFor(
      request.name,
      spec,
      cluster,
      existing ? String(existing.metadata.uid) : undefined,
    );
  }

  private manifestsFor(
    name: string,
    spec: SandboxSpec,
    cluster: ClusterConnection,
    sandboxUid?: string,
  ): ManifestsResponse {
    const rendered = renderSandbox({
      name,
      spec,
      cluster: cluster.config.settings,
      sandboxUid,
    });
    return {
      name,
      cluster: cluster.name,
      objects: renderedManifestList(rendered),
    };
  }

  /**
   * Creates a sandbox: a plain create of its KarsSandbox (the same spec again is a no-op, a different
   * one a conflict), then its credentials, answering once the watch cache has seen the write.
   */
  async create(
    body: unknown,
    actor: Actor,
    options: CreateOptions,
  ): Promise<{ created: boolean; response: SandboxWriteResponse }> {
    const { request, cluster, spec } = await this.validatedCreate(body, actor);
    const name = request.name;
    await this.createConflicts(cluster, name, spec);

    let object: KarsSandboxObject;
    let created = true;
    try {
      object = await cluster.gateway.create<KarsSandboxObject>(
        buildSandboxObject(
          name,
          spec,
          cluster.config.settings.operatorNamespace,
        ),
        { fieldManager: KARS_FIELD_MANAGER },
      );
    } catch (error) {
      if (!(error instanceof KubeApiError && error.statusCode === 409))
        throw error;
      const existing = await cluster.gateway.get<KarsSandboxObject>(
        this.ref(cluster, name),
      );
      if (!existing) throw error;
      if (!sameSpec(existing, spec)) {
        await this.record(
          cluster,
          name,
          actor,
          'create',
          'failed',
          'a sandbox with this name exists with a different spec',
        );
        throw differentSpec(name);
      }
      object = existing;
      created = false;
    }

    let resourceVersion = String(object.metadata.resourceVersion);
    if (request.credentials && hasCredentials(request.credentials)) {
      if (!created) await options.mayWriteCredentials(name);
      const result = await this.writeCredentials(
        cluster,
        object,
        request.credentials,
        { mode: 'merge', restart: false },
        actor,
        r => `set credential keys ${r.credentialKeys.join(', ')}`,
      );
      resourceVersion = result.sandboxResourceVersion;
    }
    if (created) {
      await this.record(
        cluster,
        name,
        actor,
        'create',
        'succeeded',
        `created on ${cluster.name}: isolation ${spec.sandbox.isolation}, model ${spec.model}`,
      );
    }
    const latest = await this.awaitCache(cluster, name, resourceVersion);
    return {
      created,
      response: {
        sandbox: toSandbox(latest ?? object, cluster.name),
        changed: created,
      },
    };
  }

  private async refuseForeignNamespace(
    cluster: ClusterConnection,
    name: string,
  ) {
    const namespace = await cluster.gateway.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: sandboxNamespace(name),
    });
    if (namespace && !isClaimedNamespace(namespace, name)) {
      throw new ConflictError(
        `namespace ${sandboxNamespace(
          name,
        )} already exists and was not made by kars portal; choose another name [NamespaceOwnershipConflict]`,
      );
    }
  }

  private ref(cluster: ClusterConnection, name: string) {
    return {
      apiVersion: KARS_API_GROUP_VERSION,
      kind: KARS_SANDBOX_KIND,
      name,
      namespace: cluster.config.settings.operatorNamespace,
    };
  }

  /** Waits until the cache has seen a write (read-your-writes); falls back to a GET. */
  private async awaitCache(
    cluster: ClusterConnection,
    name: string,
    resourceVersion: string,
  ) {
    const ns = cluster.config.settings.operatorNamespace;
    const seen = await cluster.sandboxes.waitFor(
      () =>
        rvAtLeast(
          cluster.sandboxes.get(name, ns)?.metadata.resourceVersion as string,
          resourceVersion,
        ),
      READ_YOUR_WRITES_TIMEOUT_MS,
    );
    if (seen) return cluster.sandboxes.get(name, ns);
    this.logger.warn(
      `watch cache of ${cluster.name} has not seen ${name}@${resourceVersion}; reading it directly`,
    );
    return cluster.gateway.get<KarsSandboxObject>(this.ref(cluster, name));
  }

  private async awaitGone(cluster: ClusterConnection, name: string) {
    const ns = cluster.config.settings.operatorNamespace;
    await cluster.sandboxes.waitFor(() => {
      const o = cluster.sandboxes.get(name, ns);
      return !o || Boolean(o.metadata.deletionTimestamp);
    }, READ_YOUR_WRITES_TIMEOUT_MS);
  }

  /** Applies a change of the mutable fields; the merged spec is validated as a whole. */
  async update(
    name: string,
    body: unknown,
    actor: Actor,
    options: { dryRun: boolean },
  ): Promise<SandboxWriteResponse | ManifestsResponse> {
    const patch = parseOrThrow(sandboxPatchSchema, body, 'patch');
    const { cluster } = this.mustLocate(name);
    for (let attempt = 0; ; attempt++) {
      const current = await cluster.gateway.get<KarsSandboxObject>(
        this.ref(cluster, name),
      );
      if (!current) throw new NotFoundError(`no sandbox named ${name}`);
      if (current.metadata.deletionTimestamp) {
        throw new ConflictError(`sandbox ${name} is being deleted`);
      }
      const before = readSandboxSpec(current.spec);
      const spec = parseOrThrow(
        sandboxSpecSchema,
        mergePatch(before, patch),
        'spec',
      );
      const floor = await this.floorIssues(cluster, spec);
      if (floor.length) throw new KarsInputError(floor);
      if (options.dryRun) {
        return this.manifestsFor(
          name,
          spec,
          cluster,
          String(current.metadata.uid),
        );
      }
      if (canonicalJson(before) === canonicalJson(spec)) {
        return { sandbox: toSandbox(current, cluster.name), changed: false };
      }
      try {
        const written = await cluster.gateway.replace<KarsSandboxObject>(
          { ...current, spec: { ...current.spec, ...spec } },
          { fieldManager: KARS_FIELD_MANAGER },
        );
        await this.record(
          cluster,
          name,
          actor,
          'update',
          'succeeded',
          `changed ${Object.keys(patch).join(', ')}`,
        );
        const latest = await this.awaitCache(
          cluster,
          name,
          String(written.metadata.resourceVersion),
        );
        return {
          sandbox: toSandbox(latest ?? written, cluster.name),
          changed: true,
        };
      } catch (error) {
        if (!(error instanceof KubeApiError && error.statusCode === 409)) {
          throw error;
        }
        if (attempt + 1 < UPDATE_ATTEMPTS) continue;
        this.logger.warn(
          `gave up updating sandbox ${name} after ${UPDATE_ATTEMPTS} conflicts: ${error.message}`,
        );
        throw new ConflictError(
          `the sandbox ${name} changed concurrently; retry`,
        );
      }
    }
  }

  /** Deletes a sandbox; the reconciler's finalizer takes its namespace and everything in it. */
  async delete(name: string, actor: Actor): Promise<Sandbox> {
    const { cluster, object } = this.mustLocate(name);
    await cluster.gateway.delete(this.ref(cluster, name), {
      preconditions: { uid: String(object.metadata.uid) },
      propagationPolicy: 'Background',
    });
    await this.record(
      cluster,
      name,
      actor,
      'delete',
      'succeeded',
      `deleted from ${cluster.name}`,
    );
    await this.awaitGone(cluster, name);
    const after = cluster.sandboxes.get(
      name,
      cluster.config.settings.operatorNamespace,
    );
    return after
      ? toSandbox(after, cluster.name)
      : { ...toSandbox(object, cluster.name), deleting: true };
  }

  /**
   * What a delete would take, deleting nothing: the tenant namespace with everything in it when kars
   * portal made it for this sandbox (the finalizer's rule), then the KarsSandbox.
   */
  async planDelete(name: string): Promise<DeleteSandboxDryRunResponse> {
    const { cluster, object } = this.mustLocate(name);
    const namespaceName = sandboxNamespace(name);
    const namespace = await cluster.gateway.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: namespaceName,
    });
    const deleted = Boolean(namespace && isOwnNamespace(namespace, object));
    const ref = this.ref(cluster, name);
    return {
      dryRun: true,
      name,
      cluster: cluster.name,
      deleting: Boolean(object.metadata.deletionTimestamp),
      namespace: { name: namespaceName, exists: Boolean(namespace), deleted },
      objects: [
        ...(deleted
          ? [{ apiVersion: 'v1', kind: 'Namespace', name: namespaceName }]
          : []),
        {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          name: ref.name,
          namespace: ref.namespace,
        },
      ],
    };
  }

  /**
   * What a credentials write would change, writing nothing: the body is validated as for the write
   * (a bad value is a 400 naming the key and the rule, never the value), and the answer carries key
   * names only.
   */
  async planCredentials(
    name: string,
    body: unknown,
  ): Promise<PutCredentialsDryRunResponse> {
    const { request, cluster, object } = this.credentialsTarget(name, body);
    const plan = await this.credentials.plan(
      cluster,
      object,
      request.credentials,
      { mode: request.mode, restart: request.restart },
    );
    return { dryRun: true, name, ...plan, restarted: false };
  }

  /** Sets or rotates credentials; the values go to the sandbox's Secret and nowhere else. */
  async putCredentials(name: string, body: unknown, actor: Actor) {
    const { request, cluster, object } = this.credentialsTarget(name, body);
    const result = await this.writeCredentials(
      cluster,
      object,
      request.credentials,
      { mode: request.mode, restart: request.restart },
      actor,
      r =>
        `${
          request.mode === 'replace' ? 'replaced' : 'set'
        } credential keys ${Object.keys(request.credentials)
          .sort()
          .join(', ')}; ${
          r.restarted ? 'rolled the Deployment' : 'no restart'
        }`,
    );
    await this.awaitCache(cluster, name, result.sandboxResourceVersion);
    return {
      credentialKeys: result.credentialKeys,
      restarted: result.restarted,
    };
  }

  /** The parsed request of a credentials write and the sandbox it goes to, unless it is being deleted. */
  private credentialsTarget(name: string, body: unknown) {
    const request = parseOrThrow(putCredentialsRequestSchema, body);
    const { cluster, object } = this.mustLocate(name);
    if (object.metadata.deletionTimestamp) {
      throw new ConflictError(`sandbox ${name} is being deleted`);
    }
    return { request, cluster, object };
  }

  /** Writes credentials and records the outcome in the audit trail, success or failure. */
  private async writeCredentials(
    cluster: ClusterConnection,
    object: KarsSandboxObject,
    credentials: Credentials,
    options: { mode: 'merge' | 'replace'; restart: boolean },
    actor: Actor,
    describe: (result: {
      credentialKeys: string[];
      restarted: boolean;
    }) => string,
  ) {
    const name = object.metadata.name;
    try {
      const result = await this.credentials.write(
        cluster,
        object,
        credentials,
        options,
      );
      await this.record(
        cluster,
        name,
        actor,
        'credentials.update',
        'succeeded',
        describe(result),
      );
      return result;
    } catch (error) {
      await this.record(
        cluster,
        name,
        actor,
        'credentials.update',
        'failed',
        String((error as Error).message),
      );
      throw error;
    }
  }

  manifests(name: string): ManifestsResponse {
    const { cluster, object } = this.mustLocate(name);
    return this.manifestsFor(
      name,
      readSandboxSpec(object.spec),
      cluster,
      String(object.metadata.uid),
    );
  }

  agentCard(name: string): AgentCard {
    const card = this.cardOf(this.getSandbox(name));
    if (!card) throw new NotFoundError(`sandbox ${name} has A2A turned off`);
    return card;
  }

  /** The A2A card of a sandbox, with its cluster's settings; undefined with A2A off. */
  private cardOf(sandbox: Sandbox): AgentCard | undefined {
    const { settings } = this.clusters.find(
      c => c.name === sandbox.cluster,
    )!.config;
    return buildAgentCard(sandbox.name, sandbox.spec, {
      provider: settings.agentCardProvider,
      clusterDomain: settings.clusterDomain,
    });
  }

  async events(name: string) {
    return { items: await this.audit.list(name) };
  }

  /** Records a refused request in the audit trail. */
  async recordDenied(
    name: string,
    actor: Actor,
    action: NewAuditEvent['action'],
    dryRun = false,
  ) {
    const cluster = this.locate(name)?.cluster ?? this.defaultCluster;
    await this.record(
      cluster,
      name,
      actor,
      action,
      'denied',
      dryRun ? 'not permitted (dry run)' : 'not permitted',
    );
  }

  private async record(
    cluster: ClusterConnection,
    sandbox: string,
    actor: Actor,
    action: NewAuditEvent['action'],
    outcome: NewAuditEvent['outcome'],
    message: string,
  ) {
    try {
      await this.audit.record({
        sandbox,
        cluster: cluster.name,
        actor: actor.userEntityRef,
        action,
        outcome,
        message,
      });
    } catch (error) {
      this.logger.error(
        `could not record the audit event ${action} ${sandbox}: ${error}`,
      );
    }
  }
}
