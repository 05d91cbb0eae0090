import { KubeConfig } from '@kubernetes/client-node';
import { behaviour, describeContract, TargetContext } from './lib/contract';
import { eventually, expectStatus, paths } from './lib/fixtures';
import { RawClient } from './lib/raw';

const RBAC = 'RBAC authorization (the emulator accepts every request)';
const AUTHN = 'authentication (the emulator accepts any bearer token)';

/** A ServiceAccount that may get the Secret `readable` and nothing else. */
async function reader(t: TargetContext): Promise<RawClient> {
  const role = await t.raw.request(
    'POST',
    paths.group('rbac.authorization.k8s.io/v1', t.ns, 'roles'),
    {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'secret-reader' },
        rules: [
          {
            apiGroups: [''],
            resources: ['secrets'],
            resourceNames: ['readable'],
            verbs: ['get'],
          },
        ],
      },
    },
  );
  if (role.status === 409)
    return new RawClient(
      t.kubeconfigFor(await t.tokenForServiceAccount(t.ns, 'reader')),
    );
  expect(role.status).toBe(201);
  const binding = await t.raw.request(
    'POST',
    paths.group('rbac.authorization.k8s.io/v1', t.ns, 'rolebindings'),
    {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'secret-reader' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'secret-reader',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: t.ns }],
      },
    },
  );
  expect(binding.status).toBe(201);
  for (const name of ['readable', 'hidden']) {
    await t.raw.request('POST', paths.core(t.ns, 'secrets'), {
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name },
        stringData: { k: name },
      },
    });
  }
  return new RawClient(
    t.kubeconfigFor(await t.tokenForServiceAccount(t.ns, 'reader')),
  );
}

describeContract(
  'Real-server-only: RBAC, authentication',
  () => {
    behaviour(
      'RBAC: a ServiceAccount token bound to "get one named Secret" can get it; list and other names are 403 Forbidden',
      async t => {
        const sa = await reader(t);
        // the RBAC authorizer reads bindings through informers: poll
        const got = await eventually(async () => {
          const res = await sa.get(paths.core(t.ns, 'secrets', 'readable'));
          expect(res.status).toBe(200);
          return res;
        });
        expect(Buffer.from(got.json.data.k, 'base64').toString()).toBe(
          'readable',
        );
        const list = await sa.get(paths.core(t.ns, 'secrets'));
        expectStatus(list, 403, 'Forbidden', { kind: 'secrets' });
        expect(list.json.message).toBe(
          `secrets is forbidden: User "system:serviceaccount:${t.ns}:reader" cannot list resource "secrets" in API group "" in the namespace "${t.ns}"`,
        );
        const other = await sa.get(paths.core(t.ns, 'secrets', 'hidden'));
        expectStatus(other, 403, 'Forbidden', {
          name: 'hidden',
          kind: 'secrets',
        });
      },
      { realServerOnly: RBAC },
    );

    behaviour(
      'RBAC: SelfSubjectAccessReview answers what the caller may do (the backend’s preflight)',
      async t => {
        const sa = await reader(t);
        const review = (verb: string, name?: string) =>
          sa.request(
            'POST',
            '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
            {
              body: {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SelfSubjectAccessReview',
                spec: {
                  resourceAttributes: {
                    namespace: t.ns,
                    verb,
                    resource: 'secrets',
                    name,
                  },
                },
              },
            },
          );
        await eventually(async () => {
          const allowed = await review('get', 'readable');
          expect(allowed.status).toBe(201);
          expect(allowed.json.status.allowed).toBe(true);
        });
        const denied = await review('list');
        expect(denied.json.status.allowed).toBe(false);
      },
      { realServerOnly: RBAC },
    );

    behaviour(
      'an unknown bearer token is 401 Unauthorized',
      async t => {
        const cluster = t.kc.getCurrentCluster()!;
        const kc = new KubeConfig();
        kc.loadFromOptions({
          clusters: [cluster],
          users: [{ name: 'nobody', token: 'not-a-valid-token' }],
          contexts: [{ name: 'c', cluster: cluster.name, user: 'nobody' }],
          currentContext: 'c',
        });
        const res = await new RawClient(kc).get('/api/v1/namespaces');
        expectStatus(res, 401, 'Unauthorized');
      },
      { realServerOnly: AUTHN },
    );
  },
  { crds: true },
);
