import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { testClusterSettings } from '../__testUtils__/clusters';
import { readManifests } from '@kars-portal/plugin-kars-node';
import { DEPLOY_DIR } from '@kars-portal/test-kit/cluster';
import {
  renderedManifestList,
  renderSandbox,
  withDesiredHash,
} from './renderSandbox';
import {
  BACKEND_SERVICE_ACCOUNT,
  renderRoleBinding,
  TENANT_SECRETS_CLUSTER_ROLE,
} from './roleBinding';

const cluster = testClusterSettings();
const input = {
  name: 'tenant-a',
  spec: sandboxSpecSchema.parse({}),
  cluster,
  sandboxUid: 'uid-1',
};

const deploy = readManifests(DEPLOY_DIR);
const find = (kind: string, name: string) => {
  const found = deploy.find(o => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`deploy/ has no ${kind} ${name}`);
  return found as any;
};
const USERNAME = `system:serviceaccount:${BACKEND_SERVICE_ACCOUNT.namespace}:${BACKEND_SERVICE_ACCOUNT.name}`;

describe('renderRoleBinding', () => {
  it('binds the Secret ClusterRole to the backend in kars-<name> only, labelled as owned', () => {
    expect(renderRoleBinding(input)).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: 'kars-portal-tenant-secrets',
        namespace: 'kars-tenant-a',
        labels: {
          'app.kubernetes.io/name': 'kars',
          'app.kubernetes.io/managed-by': 'kars-portal',
          'kars.azure.com/sandbox': 'tenant-a',
        },
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'kars-portal-tenant-secrets',
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: 'kars-portal',
          namespace: 'kars-system',
        },
      ],
    });
  });

  it('is rendered with the sandbox, hashed, and listed right after the namespace, before the Secrets', () => {
    const rendered = renderSandbox(input);
    expect(rendered.secretAccess).toEqual(
      withDesiredHash(renderRoleBinding(input)),
    );
    expect(
      rendered.secretAccess.metadata.annotations?.[
        'kars.azure.com/desired-hash'
      ],
    ).toMatch(/^[0-9a-f]{64}$/);
    expect(
      renderedManifestList(rendered)
        .slice(0, 3)
        .map(o => o.kind),
    ).toEqual(['Namespace', 'RoleBinding', 'Secret']);
  });
});

describe('deploy/ agrees with the RoleBinding', () => {
  it('makes the ServiceAccount the RoleBinding names', () => {
    expect(
      find('ServiceAccount', BACKEND_SERVICE_ACCOUNT.name).metadata.namespace,
    ).toBe(BACKEND_SERVICE_ACCOUNT.namespace);
  });

  it('grants Secrets only through the ClusterRole it binds, never cluster-wide, never list or watch', () => {
    const rbac = deploy.filter(o =>
      ['ClusterRole', 'Role'].includes(o.kind),
    ) as any[];
    const secretRules = rbac.flatMap(role =>
      (role.rules as any[])
        .filter(r => r.resources.includes('secrets'))
        .map(r => ({ role: role.metadata.name, verbs: r.verbs })),
    );
    expect(secretRules).toEqual([
      {
        role: TENANT_SECRETS_CLUSTER_ROLE,
        verbs: ['get', 'create', 'update', 'patch'],
      },
    ]);
    const clusterBindings = deploy.filter(
      o => o.kind === 'ClusterRoleBinding',
    ) as any[];
    expect(
      clusterBindings.filter(
        b => b.roleRef.name === TENANT_SECRETS_CLUSTER_ROLE,
      ),
    ).toEqual([]);
  });

  it('lets the backend bind that ClusterRole and no other', () => {
    const rules = find('ClusterRole', 'kars-portal').rules as any[];
    expect(rules.filter(r => r.verbs.includes('bind'))).toEqual([
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterroles'],
        verbs: ['bind'],
        resourceNames: [TENANT_SECRETS_CLUSTER_ROLE],
      },
    ]);
    expect(rules.some(r => r.verbs.includes('escalate'))).toBe(false);
  });

  it('limits the backend by admission to that ClusterRole, itself and its sandbox namespaces', () => {
    for (const name of [
      'kars-portal-tenant-namespaces',
      'kars-portal-secret-access',
    ]) {
      const policy = find('ValidatingAdmissionPolicy', name);
      expect(policy.spec.matchConditions).toEqual([
        {
          name: 'the-kars-portal-backend',
          expression: `request.userInfo.username == '${USERNAME}'`,
        },
      ]);
      expect(
        find('ValidatingAdmissionPolicyBinding', `${name}-binding`).spec,
      ).toEqual({ policyName: name, validationActions: ['Deny'] });
    }
    const access = JSON.stringify(
      find('ValidatingAdmissionPolicy', 'kars-portal-secret-access').spec
        .validations,
    );
    expect(access).toContain(
      `object.roleRef.name == '${TENANT_SECRETS_CLUSTER_ROLE}'`,
    );
    expect(access).toContain(`s.name == '${BACKEND_SERVICE_ACCOUNT.name}'`);
    expect(access).toContain(
      `s.namespace == '${BACKEND_SERVICE_ACCOUNT.namespace}'`,
    );
  });

  it('covers every kind the backend may write in sandbox namespaces with the namespace policy', () => {
    const written = (find('ClusterRole', 'kars-portal').rules as any[])
      .filter(r =>
        r.verbs.some((v: string) =>
          ['create', 'update', 'patch', 'delete'].includes(v),
        ),
      )
      .flatMap(r =>
        (r.resources as string[]).map(res => `${r.apiGroups[0]}/${res}`),
      )
      .filter(r => !r.startsWith('kars.azure.com/karssandboxes'));
    const tenant = find('ClusterRole', TENANT_SECRETS_CLUSTER_ROLE).rules.map(
      (r: any) => `${r.apiGroups[0]}/${r.resources[0]}`,
    );
    const matched = (
      find('ValidatingAdmissionPolicy', 'kars-portal-tenant-namespaces').spec
        .matchConstraints.resourceRules as any[]
    ).flatMap(r =>
      (r.resources as string[]).map(res => `${r.apiGroups[0]}/${res}`),
    );
    expect(matched.sort()).toEqual([...written, ...tenant].sort());
  });
});
