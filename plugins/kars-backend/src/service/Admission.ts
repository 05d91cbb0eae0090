import { ConflictError } from '@backstage/errors';
import {
  checkContentSafetyFloor,
  CONTENT_SAFETY_FLOOR_PARAM,
  createSandboxRequestSchema,
  DEFAULT_CONTENT_SAFETY_FLOOR,
  sandboxNameSchema,
  sandboxNamespace,
  SandboxPatch,
  SandboxSpec,
  sandboxSpecSchema,
  SEVERITIES,
  Severity,
  ValidateResponse,
  validateWith,
  ValidationIssue,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { canonicalJson } from '../render/hash';
import { Actor } from './Actor';
import { ClusterConnection } from './ClusterConnection';
import { FleetIndex } from './FleetIndex';
import { mergeSpecPatch } from './mergePatch';
import {
  isClaimedNamespace,
  KarsSandboxObject,
  readSandboxSpec,
} from './sandboxObject';
import { KarsInputError, parseOrThrow } from './validation';

/** A create request as the schema reads it. */
export type CreateRequest = z.output<typeof createSandboxRequestSchema>;

/** A create that passed admission: where it goes, its spec, and the sandbox of that spec if one exists. */
export interface AdmittedCreate {
  request: CreateRequest;
  cluster: ClusterConnection;
  spec: SandboxSpec;
  existing?: KarsSandboxObject;
}

const NAME_TAKEN: ValidationIssue = {
  field: 'name',
  rule: 'name-taken',
  message: 'is taken by an existing sandbox',
};

/** Whether an object holds this spec. */
export const sameSpec = (object: KarsSandboxObject, spec: SandboxSpec) =>
  canonicalJson(readSandboxSpec(object.spec)) === canonicalJson(spec);

/** The 409 of a create whose name a sandbox of another spec holds. */
export const differentSpec = (name: string) =>
  new ConflictError(
    `a sandbox named ${name} exists with a different spec; change it with PATCH /sandboxes/${name}`,
  );

/**
 * What a sandbox must satisfy before anything is written, one set of rules for `/validate`, create,
 * update and their dry runs: the spec schema of kars-common, a known cluster, an owner when a
 * service creates, the cluster's content-safety floor and gateway, and a name no other sandbox, cluster or
 * foreign namespace holds. Bad input is a 400 naming each field and rule, never a value.
 */
export class Admission {
  constructor(private readonly fleet: FleetIndex) {}

  /**
   * Field-by-field validation for forms, writing nothing: valid exactly when a create of the same
   * body by the same caller would be accepted, and each issue names its field and rule.
   */
  async validate(body: unknown, actor: Actor): Promise<ValidateResponse> {
    const whole = validateWith(createSandboxRequestSchema, body);
    if (whole.success) {
      const admitted = await this.createRules(whole.data, actor);
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
    if (name.success && this.fleet.locate(name.data)) issues.push(NAME_TAKEN);
    const spec = validateWith(sandboxSpecSchema, request.spec ?? {}, 'spec');
    const cluster =
      request.cluster === undefined
        ? this.fleet.defaultCluster
        : this.fleet.clusters.find(c => c.name === request.cluster);
    if (spec.success && cluster) {
      issues.push(...(await this.clusterIssues(cluster, spec.data)));
    }
    return { valid: false, issues };
  }

  /**
   * Admits a create: a 400 for a body the schema or the rules refuse, a 409 for a taken name (see
   * {@link Admission.createConflicts}); reads the cluster, writes nothing.
   */
  async admitCreate(body: unknown, actor: Actor): Promise<AdmittedCreate> {
    const request = parseOrThrow(createSandboxRequestSchema, body);
    const admitted = await this.createRules(request, actor);
    if (!admitted.ok) throw new KarsInputError(admitted.issues);
    const { cluster, spec } = admitted;
    const existing = await this.createConflicts(cluster, request.name, spec);
    return { request, cluster, spec, existing };
  }

  /** The spec a PATCH makes of a sandbox's spec, judged as a whole: a 400 unless it is admitted. */
  async admitPatch(
    cluster: ClusterConnection,
    current: SandboxSpec,
    patch: SandboxPatch,
  ): Promise<SandboxSpec> {
    const spec = parseOrThrow(
      sandboxSpecSchema,
      mergeSpecPatch(current, patch),
      'spec',
    );
    const refused = await this.clusterIssues(cluster, spec);
    if (refused.length) throw new KarsInputError(refused);
    return spec;
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

  /** What the cluster's own rules say of a spec: its content-safety floor, and its A2A gateway. */
  private async clusterIssues(
    cluster: ClusterConnection,
    spec: SandboxSpec,
  ): Promise<ValidationIssue[]> {
    const issues = checkContentSafetyFloor(spec.contentSafety, {
      floor: await this.contentSafetyFloor(cluster),
      production: cluster.config.settings.production,
    });
    if (spec.a2a.publicGateway && !cluster.config.settings.a2aGateway) {
      issues.push({
        field: 'spec.a2a.publicGateway',
        rule: 'gateway-configured',
        message: `cannot be true: cluster ${cluster.name} has no public A2A gateway (kars.clusters[].a2aGateway)`,
      });
    }
    return issues;
  }

  /** The rules of a create beyond its schema: a known cluster, an owner, the cluster's rules. */
  private async createRules(
    request: CreateRequest,
    actor: Actor,
  ): Promise<
    | { ok: true; cluster: ClusterConnection; spec: SandboxSpec }
    | { ok: false; issues: ValidationIssue[] }
  > {
    const issues: ValidationIssue[] = [];
    const cluster =
      request.cluster === undefined
        ? this.fleet.defaultCluster
        : this.fleet.cluster(request.cluster);
    if (!cluster) {
      issues.push({
        field: 'cluster',
        rule: 'known-cluster',
        message: `must be one of ${this.fleet.clusters
          .map(c => c.name)
          .join(', ')}`,
      });
    }
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
    const refused = await this.clusterIssues(cluster, spec);
    if (refused.length) return { ok: false, issues: refused };
    return { ok: true, cluster, spec };
  }

  /**
   * What a create of this name and spec meets on the clusters: a 409 when the name is taken on
   * another cluster, by a namespace kars portal did not make, or by a sandbox with another spec;
   * else the sandbox of the same spec, if any.
   */
  private async createConflicts(
    cluster: ClusterConnection,
    name: string,
    spec: SandboxSpec,
  ): Promise<KarsSandboxObject | undefined> {
    const found = this.fleet.locate(name);
    if (found && found.cluster !== cluster) {
      throw new ConflictError(
        `the name ${name} is taken by a sandbox on cluster ${found.cluster.name}`,
      );
    }
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
    if (found && !sameSpec(found.object, spec)) {
      throw differentSpec(name);
    }
    return found?.object;
  }
}
