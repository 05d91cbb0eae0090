import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  KARS_ANNOTATIONS,
  KARS_FIELD_MANAGER,
  ManifestsResponse,
  SandboxPatch,
  sandboxPatchSchema,
  SandboxSpec,
  SandboxWriteResponse,
} from '@kars-portal/plugin-kars-common';
import { isStatus } from '@kars-portal/plugin-kars-node';
import { canonicalJson } from '../../render/hash';
import { Admission } from '../Admission';
import { ClusterConnection } from '../ClusterConnection';
import { FleetIndex, sandboxRef } from '../FleetIndex';
import { manifestsFor } from '../manifests';
import { awaitCache } from '../readYourWrites';
import {
  KarsSandboxObject,
  readSandboxSpec,
  toSandbox,
  writtenSpec,
} from '../sandboxObject';
import { parseOrThrow } from '../validation';
import { SandboxCommand } from './SandboxCommand';

/** How often an update is tried against a sandbox that keeps changing (409 Conflict) before giving up. */
export const UPDATE_ATTEMPTS = 5;

/** An update, admitted against the sandbox as the API server held it when it was read. */
export interface UpdatePlan {
  name: string;
  cluster: ClusterConnection;
  patch: SandboxPatch;
  current: KarsSandboxObject;
  before: SandboxSpec;
  /** The merged spec, admitted as a whole. */
  spec: SandboxSpec;
}

/**
 * `PATCH /sandboxes/:name`: a change of the mutable fields, merged into the live spec and admitted
 * as a whole. The write is a replace guarded by the resourceVersion it was merged from; on a 409 the
 * sandbox is read and the patch merged and admitted again, up to {@link UPDATE_ATTEMPTS} times, so
 * a concurrent change is never overwritten. The dry run renders the merged spec.
 */
export class UpdateSandbox
  implements
    SandboxCommand<
      { name: string; body: unknown },
      UpdatePlan,
      SandboxWriteResponse,
      ManifestsResponse
    >
{
  readonly action = 'update';

  constructor(
    private readonly fleet: FleetIndex,
    private readonly admission: Admission,
    private readonly logger: LoggerService,
  ) {}

  async admit(input: { name: string; body: unknown }): Promise<UpdatePlan> {
    const patch = parseOrThrow(sandboxPatchSchema, input.body, 'patch');
    const { cluster } = this.fleet.mustLocate(input.name);
    return this.read(cluster, input.name, patch);
  }

  target(plan: UpdatePlan) {
    return { sandbox: plan.name, cluster: plan.cluster.name };
  }

  async dryRun(plan: UpdatePlan): Promise<ManifestsResponse> {
    return manifestsFor(
      plan.name,
      plan.spec,
      plan.cluster,
      String(plan.current.metadata.uid),
      plan.current.metadata.annotations?.[KARS_ANNOTATIONS.restartedAt],
    );
  }

  async execute(admitted: UpdatePlan): Promise<SandboxWriteResponse> {
    const { name, cluster, patch } = admitted;
    let plan = admitted;
    for (let attempt = 1; ; attempt++) {
      if (canonicalJson(plan.before) === canonicalJson(plan.spec)) {
        return {
          sandbox: toSandbox(plan.current, cluster.name),
          changed: false,
        };
      }
      let written: KarsSandboxObject;
      try {
        written = await cluster.gateway.replace<KarsSandboxObject>(
          { ...plan.current, spec: writtenSpec(plan.current.spec, plan.spec) },
          { fieldManager: KARS_FIELD_MANAGER },
        );
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
        if (attempt >= UPDATE_ATTEMPTS) {
          this.logger.warn(
            `gave up updating sandbox ${name} after ${UPDATE_ATTEMPTS} conflicts: ${
              (error as Error).message
            }`,
          );
          throw new ConflictError(
            `the sandbox ${name} changed concurrently; retry`,
          );
        }
        plan = await this.read(cluster, name, patch);
        continue;
      }
      const latest = await awaitCache(
        cluster,
        name,
        String(written.metadata.resourceVersion),
        this.logger,
      );
      return {
        sandbox: toSandbox(latest ?? written, cluster.name),
        changed: true,
      };
    }
  }

  describe(result: SandboxWriteResponse, plan: UpdatePlan) {
    return result.changed
      ? `changed ${Object.keys(plan.patch).join(', ')}`
      : undefined;
  }

  /** The live sandbox and the patch merged into its spec: a 404 when gone, a 409 while deleting. */
  private async read(
    cluster: ClusterConnection,
    name: string,
    patch: SandboxPatch,
  ): Promise<UpdatePlan> {
    const current = await cluster.gateway.get<KarsSandboxObject>(
      sandboxRef(cluster, name),
    );
    if (!current) throw new NotFoundError(`no sandbox named ${name}`);
    if (current.metadata.deletionTimestamp) {
      throw new ConflictError(`sandbox ${name} is being deleted`);
    }
    const before = readSandboxSpec(current.spec);
    const spec = await this.admission.admitPatch(cluster, before, patch);
    return { name, cluster, patch, current, before, spec };
  }
}
