import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Credentials,
  KARS_FIELD_MANAGER,
  ManifestsResponse,
  SandboxWriteResponse,
} from '@kars-portal/plugin-kars-common';
import { isStatus } from '@kars-portal/plugin-kars-node';
import { Actor } from '../Actor';
import {
  Admission,
  AdmittedCreate,
  differentSpec,
  sameSpec,
} from '../Admission';
import { sandboxRef } from '../FleetIndex';
import { manifestsFor } from '../manifests';
import { awaitCache } from '../readYourWrites';
import {
  buildSandboxObject,
  KarsSandboxObject,
  toSandbox,
} from '../sandboxObject';
import { SandboxCommand } from './SandboxCommand';
import { CredentialsPlan, CredentialsResult } from './WriteCredentials';

/** What a create asks of its caller. */
export interface CreateInput {
  body: unknown;
  /**
   * Throws unless the caller may write the credentials of an existing sandbox: credentials beside
   * the spec of a sandbox that already exists are a credentials write to it.
   */
  mayWriteCredentials(name: string): Promise<void>;
}

/** A create, admitted. */
export interface CreatePlan extends AdmittedCreate {
  mayWriteCredentials(name: string): Promise<void>;
}

/** What a create did: 201 when it made the sandbox, 200 when the same spec was there. */
export interface CreateResult {
  created: boolean;
  response: SandboxWriteResponse;
}

const hasCredentials = (credentials: Credentials | undefined) =>
  Boolean(credentials && Object.keys(credentials).length);

/**
 * `POST /sandboxes`: a plain create of the KarsSandbox (the same spec again is a no-op, a different
 * one a 409, even when another create wins the race to it), then its credentials, answering once
 * the watch cache has seen the write. The dry run renders what the reconciler would make.
 */
export class CreateSandbox
  implements
    SandboxCommand<CreateInput, CreatePlan, CreateResult, ManifestsResponse>
{
  readonly action = 'create';

  constructor(
    private readonly admission: Admission,
    /** The audited credentials write, as a step of a create. */
    private readonly credentials: {
      execute(plan: CredentialsPlan, actor: Actor): Promise<CredentialsResult>;
    },
    private readonly logger: LoggerService,
  ) {}

  async admit(input: CreateInput, actor: Actor): Promise<CreatePlan> {
    const admitted = await this.admission.admitCreate(input.body, actor);
    if (admitted.existing && hasCredentials(admitted.request.credentials)) {
      await input.mayWriteCredentials(admitted.request.name);
    }
    return { ...admitted, mayWriteCredentials: input.mayWriteCredentials };
  }

  target(plan: CreatePlan) {
    return { sandbox: plan.request.name, cluster: plan.cluster.name };
  }

  async dryRun(plan: CreatePlan): Promise<ManifestsResponse> {
    return manifestsFor(
      plan.request.name,
      plan.spec,
      plan.cluster,
      plan.existing ? String(plan.existing.metadata.uid) : undefined,
    );
  }

  async execute(plan: CreatePlan, actor: Actor): Promise<CreateResult> {
    const { request, cluster, spec } = plan;
    const name = request.name;
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
      if (!isStatus(error, 409)) throw error;
      const existing = await cluster.gateway.get<KarsSandboxObject>(
        sandboxRef(cluster, name),
      );
      if (!existing) throw error;
      if (!sameSpec(existing, spec)) throw differentSpec(name);
      object = existing;
      created = false;
    }

    let resourceVersion = String(object.metadata.resourceVersion);
    if (request.credentials && hasCredentials(request.credentials)) {
      // A sandbox that appeared after admission: its credentials are the caller's to write only if permitted.
      if (!created && !plan.existing) await plan.mayWriteCredentials(name);
      const written = await this.credentials.execute(
        {
          cluster,
          object,
          credentials: request.credentials,
          mode: 'merge',
          restart: false,
        },
        actor,
      );
      resourceVersion = written.sandboxResourceVersion;
    }
    const latest = await awaitCache(
      cluster,
      name,
      resourceVersion,
      this.logger,
    );
    return {
      created,
      response: {
        sandbox: toSandbox(latest ?? object, cluster.name),
        changed: created,
      },
    };
  }

  describe(result: CreateResult, plan: CreatePlan) {
    if (!result.created) return undefined;
    const { cluster, spec } = plan;
    return `created on ${cluster.name}: isolation ${spec.sandbox.isolation}, model ${spec.model}`;
  }
}
