import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { karsSandboxReadPermission } from '@kars-portal/plugin-kars-common';
import { ReadDecisions } from './readDecisions';

describe('ReadDecisions', () => {
  let now = 0;
  let asked: string[] = [];
  let fail = false;
  const permissions = {
    authorizeConditional: async (requests: any[], { credentials }: any) => {
      asked.push(
        `${credentials.principal.userEntityRef}:${requests[0].permission.name}`,
      );
      if (fail) throw new Error('permission backend down');
      return [{ result: AuthorizeResult.ALLOW }];
    },
  } as unknown as PermissionsService;
  const jane = mockCredentials.user('user:default/jane');
  const eve = mockCredentials.user('user:default/eve');

  beforeEach(() => {
    now = 0;
    asked = [];
    fail = false;
  });
  const decisions = () =>
    new ReadDecisions(permissions, { ttlMs: 5000, now: () => now });

  it('asks once per principal and token while the decision is fresh, again after', async () => {
    const kept = decisions();
    await kept.decide(jane, 'user:default/jane', 'token-1');
    now = 4999;
    await kept.decide(jane, 'user:default/jane', 'token-1');
    expect(asked).toEqual([
      `user:default/jane:${karsSandboxReadPermission.name}`,
    ]);
    now = 5000;
    await kept.decide(jane, 'user:default/jane', 'token-1');
    expect(asked).toHaveLength(2);
  });

  it('never answers one token or principal with the decision of another', async () => {
    const kept = decisions();
    await kept.decide(jane, 'user:default/jane', 'token-1');
    await kept.decide(jane, 'user:default/jane', 'token-2');
    await kept.decide(eve, 'user:default/eve', 'token-1');
    expect(asked).toEqual([
      `user:default/jane:${karsSandboxReadPermission.name}`,
      `user:default/jane:${karsSandboxReadPermission.name}`,
      `user:default/eve:${karsSandboxReadPermission.name}`,
    ]);
  });

  it('asks every time without a token', async () => {
    const kept = decisions();
    await kept.decide(jane, 'user:default/jane', undefined);
    await kept.decide(jane, 'user:default/jane', undefined);
    expect(asked).toHaveLength(2);
  });

  it('keeps no failed decision', async () => {
    const kept = decisions();
    fail = true;
    await expect(
      kept.decide(jane, 'user:default/jane', 'token-1'),
    ).rejects.toThrow('permission backend down');
    fail = false;
    await expect(
      kept.decide(jane, 'user:default/jane', 'token-1'),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    expect(asked).toHaveLength(2);
  });
});
