import {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  QueryPermissionResponse,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { Request } from 'express';
import { karsSandboxResourceRef, ownerCondition } from './permissions';
import { ReadDecisions } from './readDecisions';
import { Actor } from './service/Actor';
import { CommandAudit } from './service/CommandAudit';

/** A write whose refusal on a sandbox goes to the audit trail. */
export type AuditedAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'credentials.update';

/**
 * Who may do what with sandboxes, one code path for every way in (the REST routes, the actions of
 * the actions registry): who the caller is, the permission check of an operation (a refused write
 * to a sandbox is audited) and the read decision the fleet list filters by.
 */
export class SandboxAccess {
  private readonly readDecisions: ReadDecisions;
  private readonly toOwnerQuery;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      permissionsRegistry: PermissionsRegistryService;
      userInfo: UserInfoService;
      audit: CommandAudit;
    },
  ) {
    this.readDecisions = new ReadDecisions(options.permissions);
    this.toOwnerQuery = createConditionTransformer(
      options.permissionsRegistry.getPermissionRuleset(karsSandboxResourceRef),
    );
  }

  /** The actor of a user's or a service's credentials; `request` is the HTTP request, if any. */
  async actorOf(
    credentials: BackstageCredentials,
    request?: Request,
  ): Promise<Actor> {
    const principal = credentials.principal as {
      type: string;
      subject?: string;
    };
    if (principal.type === 'user') {
      return {
        userEntityRef: (await this.options.userInfo.getUserInfo(credentials))
          .userEntityRef,
        type: 'user',
        request,
      };
    }
    return {
      userEntityRef: `service:${principal.subject}`,
      type: 'service',
      request,
    };
  }

  /**
   * Refuses (a NotAllowedError) unless the caller holds `permission`, on `sandbox` when given. A
   * refused `action` on a sandbox is recorded in the audit trail.
   */
  async authorize(
    credentials: BackstageCredentials,
    actor: Actor,
    permission: BasicPermission | ResourcePermission,
    sandbox?: string,
    action?: AuditedAction,
    dryRun = false,
  ): Promise<void> {
    const [decision] = await this.options.permissions.authorize(
      [
        sandbox
          ? {
              permission: permission as ResourcePermission,
              resourceRef: sandbox,
            }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return;
    const error = new NotAllowedError(
      `${actor.userEntityRef} may not ${
        permission.attributes.action ?? 'use'
      } ${sandbox ? `sandbox ${sandbox}` : 'sandboxes'}${
        dryRun ? ' (dry run)' : ''
      }`,
    );
    if (sandbox && action) {
      await this.options.audit.denied(sandbox, actor, action, {
        dryRun,
        error,
      });
    }
    throw error;
  }

  /**
   * The caller's decision on reading sandboxes (kept a few seconds per `token`, see
   * {@link ReadDecisions}); a denial is a NotAllowedError.
   */
  async readDecision(
    credentials: BackstageCredentials,
    actor: Actor,
    token?: string,
  ): Promise<QueryPermissionResponse> {
    const decision = await this.readDecisions.decide(
      credentials,
      actor.userEntityRef,
      token,
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('you may not read sandboxes');
    }
    return decision;
  }

  /** Which owners a read decision lets the caller see: undefined when it lets every sandbox through. */
  visibleOwner(
    decision: QueryPermissionResponse,
  ): ((owner: string | undefined) => boolean) | undefined {
    return decision.result === AuthorizeResult.CONDITIONAL
      ? ownerCondition(this.toOwnerQuery, decision)
      : undefined;
  }
}
