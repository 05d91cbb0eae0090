import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  Credentials,
  credentialKeyNames,
  PutCredentialsDryRunResponse,
  putCredentialsRequestSchema,
} from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from '../ClusterConnection';
import { CredentialsWriter } from '../CredentialsWriter';
import { FleetIndex } from '../FleetIndex';
import { awaitCache } from '../readYourWrites';
import { KarsSandboxObject } from '../sandboxObject';
import { parseOrThrow } from '../validation';
import { SandboxCommand } from './SandboxCommand';

/** A credentials write, admitted: the values go to the sandbox's Secret and nowhere else. */
export interface CredentialsPlan {
  cluster: ClusterConnection;
  object: KarsSandboxObject;
  credentials: Credentials;
  mode: 'merge' | 'replace';
  restart: boolean;
}

/** What a credentials write did: key names, never values. */
export interface CredentialsResult {
  credentialKeys: string[];
  restarted: boolean;
  /** The KarsSandbox's resourceVersion after the key names were recorded on it. */
  sandboxResourceVersion: string;
}

/**
 * `PUT /sandboxes/:name/credentials`: sets (merge) or replaces the credentials of a sandbox that is
 * not being deleted, and restarts its agent when asked. The dry run validates the body as the write
 * does (a bad value is a 400 naming the key and the rule, never the value) and answers key names.
 * Concurrent writes are the {@link CredentialsWriter}'s to retry.
 */
export class WriteCredentials
  implements
    SandboxCommand<
      { name: string; body: unknown },
      CredentialsPlan,
      CredentialsResult,
      PutCredentialsDryRunResponse
    >
{
  readonly action = 'credentials.update';

  constructor(
    private readonly fleet: FleetIndex,
    private readonly writer: CredentialsWriter,
    private readonly logger: LoggerService,
  ) {}

  async admit(input: { name: string; body: unknown }) {
    const request = parseOrThrow(putCredentialsRequestSchema, input.body);
    const { cluster, object } = this.fleet.mustLocate(input.name);
    if (object.metadata.deletionTimestamp) {
      throw new ConflictError(`sandbox ${input.name} is being deleted`);
    }
    const { credentials, mode, restart } = request;
    return { cluster, object, credentials, mode, restart };
  }

  target(plan: CredentialsPlan) {
    return { sandbox: plan.object.metadata.name, cluster: plan.cluster.name };
  }

  async execute(plan: CredentialsPlan): Promise<CredentialsResult> {
    const { cluster, object, credentials, mode, restart } = plan;
    const result = await this.writer.write(cluster, object, credentials, {
      mode,
      restart,
    });
    await awaitCache(
      cluster,
      object.metadata.name,
      result.sandboxResourceVersion,
      this.logger,
    );
    return result;
  }

  async dryRun(plan: CredentialsPlan): Promise<PutCredentialsDryRunResponse> {
    const { cluster, object, credentials, mode, restart } = plan;
    const changes = await this.writer.plan(cluster, object, credentials, {
      mode,
      restart,
    });
    return {
      dryRun: true,
      name: object.metadata.name,
      ...changes,
      restarted: false,
    };
  }

  describe(result: CredentialsResult, plan: CredentialsPlan) {
    return `${
      plan.mode === 'replace' ? 'replaced' : 'set'
    } credential keys ${credentialKeyNames(plan.credentials).join(', ')}; ${
      result.restarted ? 'rolled the Deployment' : 'no restart'
    }`;
  }
}
