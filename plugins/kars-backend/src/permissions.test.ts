import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  canonicalEntityRef,
  Sandbox,
  sandboxSpecSchema,
  sandboxStatusSchema,
} from '@kars-portal/plugin-kars-common';
import {
  createKarsSandboxConditionalDecision,
  isSandboxOwner,
  karsSandboxConditions,
  KarsSandboxQuery,
  karsSandboxRules,
  ownerCondition,
} from './permissions';

const sandboxOwnedBy = (owner?: string): Sandbox => ({
  name: 'tenant-a',
  cluster: 'primary',
  namespace: 'kars-tenant-a',
  spec: sandboxSpecSchema.parse(owner ? { owner } : {}),
  status: sandboxStatusSchema.parse({}),
  credentialKeys: [],
  uid: 'uid-1',
  generation: 1,
  createdAt: '2026-01-01T00:00:00Z',
  deleting: false,
});

/** What the user info service gives Jane of team-a: canonical refs. */
const janeClaims = ['user:default/jane', 'group:default/team-a'];

describe('IS_SANDBOX_OWNER', () => {
  it.each([
    ['a canonical group ref', 'group:default/team-a'],
    ['a group ref without a namespace', 'group:team-a'],
    ['a user ref without a namespace', 'user:jane'],
    ['a name in another case', 'group:default/Team-A'],
  ])('allows a sandbox whose owner is %s', (_what, owner) => {
    expect(
      isSandboxOwner.apply(sandboxOwnedBy(owner), { claims: janeClaims }),
    ).toBe(true);
  });

  it('allows a canonical owner to claims without a namespace', () => {
    expect(
      isSandboxOwner.apply(sandboxOwnedBy('group:default/team-a'), {
        claims: ['group:team-a'],
      }),
    ).toBe(true);
  });

  it.each([
    ['another group', 'group:team-b'],
    ['the same group in another namespace', 'group:other/team-a'],
    ['a user named like the group', 'user:team-a'],
  ])('refuses a sandbox owned by %s', (_what, owner) => {
    expect(
      isSandboxOwner.apply(sandboxOwnedBy(owner), { claims: janeClaims }),
    ).toBe(false);
  });

  it('refuses a sandbox without an owner', () => {
    expect(
      isSandboxOwner.apply(sandboxOwnedBy(undefined), { claims: janeClaims }),
    ).toBe(false);
  });

  it('filters a listing the same way (the conditional decision of GET /sandboxes)', () => {
    const isAllowed = createConditionAuthorizer(
      Object.values(karsSandboxRules),
    );
    const decision = createKarsSandboxConditionalDecision(
      { type: 'resource', name: 'kars.sandbox.read', attributes: {} } as any,
      karsSandboxConditions.isSandboxOwner({ claims: janeClaims }),
    );
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    const visible = ['group:team-a', 'group:default/team-a', 'group:team-b']
      .map(sandboxOwnedBy)
      .filter(s => isAllowed({ ...decision, pluginId: 'kars' } as any, s));
    expect(visible.map(s => s.spec.owner)).toEqual([
      'group:team-a',
      'group:default/team-a',
    ]);
  });

  it('gives a query of canonical owner refs', () => {
    expect(
      isSandboxOwner.toQuery({ claims: ['group:team-a', 'User:Default/Jane'] }),
    ).toEqual({ owners: ['group:default/team-a', 'user:default/jane'] });
  });
});

describe('ownerCondition', () => {
  const rules = Object.values(karsSandboxRules);
  const isAllowed = createConditionAuthorizer(rules);
  const transform = createConditionTransformer(
    rules,
  ) as ConditionTransformer<KarsSandboxQuery>;
  const owner = karsSandboxConditions.isSandboxOwner;
  const owners = [
    'group:team-a',
    'group:default/team-a',
    'group:default/Team-A',
    'group:team-b',
    'user:jane',
    'user:default/jane',
    'group:other/team-a',
    'user:team-a',
    undefined,
  ];

  it.each<[string, Parameters<typeof createKarsSandboxConditionalDecision>[1]]>(
    [
      ['owner of one of the claims', owner({ claims: janeClaims })],
      ['no claims', owner({ claims: [] })],
      ['not an owner', { not: owner({ claims: ['group:team-a'] }) }],
      [
        'any of two',
        {
          anyOf: [
            owner({ claims: ['user:jane'] }),
            owner({ claims: ['group:team-b'] }),
          ],
        },
      ],
      [
        'all of two',
        {
          allOf: [
            owner({ claims: janeClaims }),
            { not: owner({ claims: ['user:default/jane'] }) },
          ],
        },
      ],
      ['an empty anyOf', { anyOf: [] } as any],
      ['an empty allOf', { allOf: [] } as any],
    ],
  )(
    'lets through exactly the sandboxes the decision allows (%s)',
    (_what, conditions) => {
      const decision = {
        ...createKarsSandboxConditionalDecision(
          {
            type: 'resource',
            name: 'kars.sandbox.read',
            attributes: {},
          } as any,
          conditions,
        ),
        pluginId: 'kars',
      } as any;
      const passes = ownerCondition(transform, decision);
      for (const ref of owners) {
        const sandbox = sandboxOwnedBy(ref);
        expect([ref, passes(ref && canonicalEntityRef(ref))]).toEqual([
          ref,
          isAllowed(decision, sandbox),
        ]);
      }
    },
  );
});
