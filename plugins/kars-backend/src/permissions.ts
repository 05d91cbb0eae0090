import {
  ConditionalPolicyDecision,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  canonicalEntityRef,
  KARS_PLUGIN_ID,
  KARS_SANDBOX_RESOURCE_TYPE,
  Sandbox,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';

/**
 * A filter over sandboxes: the owners whose sandboxes pass, as canonical entity refs (see `canonicalEntityRef`).
 * @public
 */
export type KarsSandboxQuery = { owners: string[] };

/**
 * The sandbox resource type of the permission framework; resource refs are sandbox names.
 * @public
 */
export const karsSandboxResourceRef = createPermissionResourceRef<
  Sandbox,
  KarsSandboxQuery
>().with({
  pluginId: KARS_PLUGIN_ID,
  resourceType: KARS_SANDBOX_RESOURCE_TYPE,
});

/**
 * Allows a sandbox to those among its owner's claims (the user or one of their groups). Refs are
 * compared in canonical form, as the catalog does: `group:team-a` is `group:default/team-a`.
 *
 * @public
 */
export const isSandboxOwner = createPermissionRule({
  name: 'IS_SANDBOX_OWNER',
  description: 'Allow sandboxes owned by one of the given entity refs',
  resourceRef: karsSandboxResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the user and their groups'),
  }),
  apply: (sandbox, { claims }) => {
    const owner = sandbox.spec.owner;
    if (!owner) return false;
    const canonical = canonicalEntityRef(owner);
    return claims.some(claim => canonicalEntityRef(claim) === canonical);
  },
  toQuery: ({ claims }) => ({ owners: claims.map(canonicalEntityRef) }),
});

/** The rules of the sandbox resource type. */
export const karsSandboxRules = { isSandboxOwner };

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: karsSandboxResourceRef,
  rules: karsSandboxRules,
});

/**
 * Conditions for permission policies: `karsSandboxConditions.isSandboxOwner({ claims })`.
 *
 * @public
 */
export const karsSandboxConditions = conditions;

/**
 * A conditional decision on a sandbox permission, for permission policies:
 * `createKarsSandboxConditionalDecision(permission, karsSandboxConditions.isSandboxOwner({ claims }))`.
 *
 * @public
 */
export const createKarsSandboxConditionalDecision = createConditionalDecision;

function passes(
  criteria: PermissionCriteria<KarsSandboxQuery>,
  owner: string | undefined,
): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(c => passes(c, owner));
  if ('anyOf' in criteria) return criteria.anyOf.some(c => passes(c, owner));
  if ('not' in criteria) return !passes(criteria.not, owner);
  return owner !== undefined && criteria.owners.includes(owner);
}

/**
 * Which owners' sandboxes a conditional decision on a sandbox permission allows, as a predicate on
 * a sandbox's owner in canonical form (undefined: it has none): the decision's conditions turned
 * into the rules' queries by `transform` (over the sandbox rules), so a sandbox passes exactly when
 * the conditions allow it, and each owner is judged once instead of each sandbox.
 */
export function ownerCondition(
  transform: ConditionTransformer<KarsSandboxQuery>,
  decision: ConditionalPolicyDecision,
): (owner: string | undefined) => boolean {
  const criteria = transform(decision.conditions);
  return owner => passes(criteria, owner);
}
