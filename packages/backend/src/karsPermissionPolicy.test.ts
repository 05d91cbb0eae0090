import {
  AuthorizeResult,
  ConditionalPolicyDecision,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { isSandboxOwner } from '@kars-portal/plugin-kars-backend';
import {
  karsAuditReadPermission,
  karsCredentialsUpdatePermission,
  karsSandboxCreatePermission,
  karsSandboxDeletePermission,
  karsSandboxLogsPermission,
  karsSandboxReadPermission,
  karsSandboxUpdatePermission,
  Sandbox,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { KarsPortalPermissionPolicy } from './karsPermissionPolicy';

const sandbox = (owner: string): Sandbox => ({
  name: 'tenant-a',
  cluster: 'dev',
  namespace: 'kars-tenant-a',
  spec: sandboxSpecSchema.parse({ owner }),
  status: { conditions: [] },
  credentialKeys: [],
  uid: 'u',
  generation: 1,
  createdAt: '',
  deleting: false,
});

const user = (userEntityRef: string, groups: string[]) => ({
  identity: {
    type: 'user' as const,
    userEntityRef,
    ownershipEntityRefs: [userEntityRef, ...groups],
  },
  info: { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] },
  token: 't',
  credentials: {} as any,
});

const authorizeOn = createConditionAuthorizer([isSandboxOwner] as any);

describe('KarsPortalPermissionPolicy', () => {
  const policy = new KarsPortalPermissionPolicy(['group:default/platform']);
  const jane = user('user:default/jane', ['group:default/team-a']);
  const joe = user('user:default/joe', ['group:default/team-b']);
  const admin = user('user:default/ops', ['group:default/platform']);
  const owned = sandbox('group:default/team-a');

  async function allowed(u: typeof jane, permission: any) {
    const decision = await policy.handle({ permission }, u as any);
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return authorizeOn(decision as ConditionalPolicyDecision, owned);
    }
    return decision.result === AuthorizeResult.ALLOW;
  }

  it('lets anyone signed in read and create', async () => {
    for (const u of [jane, joe]) {
      expect(await allowed(u, karsSandboxReadPermission)).toBe(true);
      expect(await allowed(u, karsSandboxCreatePermission)).toBe(true);
    }
  });

  it.each([
    ['read logs', karsSandboxLogsPermission],
    ['update', karsSandboxUpdatePermission],
    ['delete', karsSandboxDeletePermission],
    ['rotate credentials', karsCredentialsUpdatePermission],
  ])(
    'lets the owning group %s, not another user',
    async (_what, permission) => {
      expect(await allowed(jane, permission)).toBe(true);
      expect(await allowed(joe, permission)).toBe(false);
    },
  );

  it('matches admins by canonical entity ref', async () => {
    const short = new KarsPortalPermissionPolicy(['group:Platform']);
    const decision = await short.handle(
      { permission: karsSandboxDeletePermission },
      user('user:default/ann', ['group:default/platform']) as any,
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('lets only admins read the fleet-wide audit trail', async () => {
    expect(await allowed(admin, karsAuditReadPermission)).toBe(true);
    expect(await allowed(jane, karsAuditReadPermission)).toBe(false);
    expect(await allowed(joe, karsAuditReadPermission)).toBe(false);
    expect(
      (await policy.handle({ permission: karsAuditReadPermission })).result,
    ).toBe(AuthorizeResult.DENY);
    const short = new KarsPortalPermissionPolicy(['group:Platform']);
    expect(
      (
        await short.handle(
          { permission: karsAuditReadPermission },
          admin as any,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('lets admins change any sandbox and read its logs', async () => {
    expect(await allowed(admin, karsSandboxDeletePermission)).toBe(true);
    expect(await allowed(admin, karsSandboxLogsPermission)).toBe(true);
    expect(
      (
        await policy.handle(
          { permission: karsSandboxUpdatePermission },
          admin as any,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });
});
