/**
 * The backend `bench/sandbox-list/run.ts` measures: the real auth backend (guest sign-in, its
 * user tokens verified on every request), the real permission backend (asked over HTTP on every
 * list) and the kars backend with its embedded cluster, as packages/backend wires them, without
 * the catalog, scaffolder and app (whose periodic work would fall into the measurements). Its
 * policy reads sandboxes as strictly as the portal lets it: `kars.admins` read every sandbox,
 * anyone else only those they or one of their groups own (a conditional decision on IS_SANDBOX_OWNER).
 */
import { createBackend } from '@backstage/backend-defaults';
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
  KARS_SANDBOX_RESOURCE_TYPE,
} from '@kars-portal/plugin-kars-common';

/** Admins may do anything; others act on the sandboxes they own, reading included. */
class OwnerReadPolicy implements PermissionPolicy {
  constructor(private readonly admins: Set<string>) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (
      !isResourcePermission(permission, KARS_SANDBOX_RESOURCE_TYPE) ||
      claims.some(ref => this.admins.has(canonicalEntityRef(ref)))
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createKarsSandboxConditionalDecision(
      permission,
      karsSandboxConditions.isSandboxOwner({ claims }),
    );
  }
}

const ownerReadPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'bench-owner-read-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const admins = config.getOptionalStringArray('kars.admins') ?? [];
        policy.setPolicy(
          new OwnerReadPolicy(new Set(admins.map(canonicalEntityRef))),
        );
      },
    });
  },
});

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(ownerReadPolicy);
backend.add(import('@kars-portal/plugin-kars-backend'));
backend.add(import('@kars-portal/plugin-kars-backend-module-embedded-cluster'));
backend.start();
