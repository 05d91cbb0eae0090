import { canonicalEntityRef, sandboxEntityRefs } from './entities';
import { federatedCredentialSubject, sandboxObjectNames } from './names';

describe('names derived from a sandbox name', () => {
  it('gives the catalog refs of its three entities and the System', () => {
    expect(sandboxEntityRefs('tenant-a')).toEqual({
      resource: 'resource:default/tenant-a',
      component: 'component:default/tenant-a-agent',
      api: 'api:default/tenant-a-agent-card',
      system: 'system:default/kars',
    });
  });

  it('gives the object names of kars-domain.md', () => {
    expect(sandboxObjectNames('tenant-a')).toMatchObject({
      namespace: 'kars-tenant-a',
      deployment: 'tenant-a',
      serviceAccount: 'sandbox',
      networkPolicy: 'sandbox-policy',
      credentialsSecret: 'tenant-a-credentials',
      egressAllowlistConfigMap: 'karssandbox-tenant-a-egress-allowlist',
      agentCardConfigMap: 'a2aagent-tenant-a-card',
    });
    expect(federatedCredentialSubject('tenant-a')).toBe(
      'system:serviceaccount:kars-tenant-a:sandbox',
    );
  });
});

describe('canonicalEntityRef', () => {
  it.each([
    ['group:team-a', 'group:default/team-a'],
    ['group:default/team-a', 'group:default/team-a'],
    ['Group:Default/Team-A', 'group:default/team-a'],
    ['user:jane', 'user:default/jane'],
    ['group:other/team-a', 'group:other/team-a'],
  ])('gives %s as %s', (ref, canonical) => {
    expect(canonicalEntityRef(ref)).toBe(canonical);
  });

  it('lower-cases a string that is not an entity ref', () => {
    expect(canonicalEntityRef('Team-A')).toBe('team-a');
    expect(canonicalEntityRef('')).toBe('');
  });
});
