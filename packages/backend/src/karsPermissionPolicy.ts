import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createKarsSandboxConditionalDecision,
  karsSandboxConditions,
} from '@kars-portal/plugin-kars-backend';
import {
  canonicalEntityRef,
  karsAuditReadPermission,
  karsSandboxLogsPermission,
  KARS_SANDBOX_RESOURCE_TYPE,
} from '@kars-portal/plugin-kars-common';

/**
 * The portal's permission policy for kars sandboxes: anyone signed in may read sandboxes and create
 * one; only a sandbox's owners (the owner entity, or a member of the owning group) and the
 * configured admins may read its logs, change it, rotate its credentials or delete it; only the
 * admins may read the fleet-wide audit trail. Other plugins' permissions are allowed, as in the default dev portal.
 */
export class KarsPortalPermissionPolicy implements PermissionPolicy {
  private readonly admins: Set<string>;

  /** Admins as entity refs; `group:platform` and `group:default/platform` are the same. */
  constructor(admins: string[]) {
    this.admins = new Set(admins.map(canonicalEntityRef));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isAdmin = claims.some(ref =>
      this.admins.has(canonicalEntityRef(ref)),
    );
    if (permission.name === karsAuditReadPermission.name) {
      return {
        result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (!isResourcePermission(permission, KARS_SANDBOX_RESOURCE_TYPE)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      permission.attributes.action === 'read' &&
      permission.name !== karsSandboxLogsPermission.name
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isAdmin) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createKarsSandboxConditionalDecision(
      permission,
      karsSandboxConditions.isSandboxOwner({ claims }),
    );
  }
}

/** Installs {@link KarsPortalPermissionPolicy}, with admins from `kars.admins`. */
export const karsPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kars-portal-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ policy, config }) {
        policy.setPolicy(
          new KarsPortalPermissionPolicy(
            config.getOptionalStringArray('kars.admins') ?? [],
          ),
        );
      },
    });
  },
});
