import { KubeConfig } from '@kubernetes/client-node';
import { behaviour, describeContract, TargetContext } from './lib/contract';
import { eventually, expectStatus, paths } from './lib/fixtures';
import { RawClient } from './lib/raw';

const RBAC_API = 'rbac.authorization.k8s.io/v1';

/** The same cluster with another bearer token, or none at all (anonymous). */
function clientWith(t: TargetContext, token?: string): RawClient {
  const cluster = t.kc.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'u', ...(token === undefined ? {} : { token }) }],
    contexts: [{ name: 'c', cluster: cluster.name, user: 'u' }],
    currentContext: 'c',
  });
  return new RawClient(kc);
}

async function create(t: TargetContext, path: string, body: object) {
  const res = await t.raw.request('POST', path, { body });
  if (res.status !== 201)
    throw new Error(`POST ${path}: HTTP ${res.status} ${res.text}`);
  return res.json;
}

/** A ServiceAccount that may get the Secret `readable` and nothing else. */
async function reader(t: TargetContext): Promise<RawClient> {
  const role = await t.raw.request(
    'POST',
    paths.group(RBAC_API, t.ns, 'roles'),
    {
      body: {
        apiVersion: RBAC_API,
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
    return clientWith(t, await t.tokenForServiceAccount(t.ns, 'reader'));
  expect(role.status).toBe(201);
  await create(t, paths.group(RBAC_API, t.ns, 'rolebindings'), {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name: 'secret-reader' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'secret-reader',
    },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: t.ns }],
  });
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
  return clientWith(t, await t.tokenForServiceAccount(t.ns, 'reader'));
}

/** A SelfSubjectReview (kubectl auth whoami), with impersonation headers if any. */
const whoami = (client: RawClient, headers: Record<string, string> = {}) =>
  client.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    headers,
  });

/** A length-delimited protobuf field (lengths below 128). */
const field = (n: number, bytes: Buffer) =>
  Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);

describeContract('Authentication and RBAC', () => {
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
      expect(other.json.message).toBe(
        `secrets "hidden" is forbidden: User "system:serviceaccount:${t.ns}:reader" cannot get resource "secrets" in API group "" in the namespace "${t.ns}"`,
      );
      const byName = await sa.get(paths.core(t.ns, 'secrets'), {
        fieldSelector: 'metadata.name=readable',
      });
      expect(byName.status).toBe(403);
    },
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
        expect(allowed.json.status).toEqual({
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "secret-reader/${t.ns}" of Role "secret-reader" to ServiceAccount "reader/${t.ns}"`,
        });
      });
      const denied = await review('list');
      expect(denied.json.status).toEqual({ allowed: false });
      const discovery = await sa.request(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { nonResourceAttributes: { verb: 'get', path: '/api' } },
          },
        },
      );
      expect(discovery.json.status).toEqual({
        allowed: true,
        reason:
          'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
      });
      const invalid = await sa.request(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {},
          },
        },
      );
      expectStatus(invalid, 422, 'Invalid');
      expect(invalid.json.details.causes).toEqual([
        {
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
          field: 'spec.resourceAttributes',
        },
      ]);
    },
  );

  behaviour(
    'SubjectAccessReview and SelfSubjectRulesReview answer from the same bindings (kubectl auth can-i --as, --list)',
    async t => {
      await reader(t);
      const user = `system:serviceaccount:${t.ns}:reader`;
      const sar = await eventually(async () => {
        const res = await t.raw.request(
          'POST',
          '/apis/authorization.k8s.io/v1/subjectaccessreviews',
          {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SubjectAccessReview',
              spec: {
                user,
                groups: ['system:serviceaccounts'],
                resourceAttributes: {
                  namespace: t.ns,
                  verb: 'get',
                  resource: 'secrets',
                  name: 'readable',
                },
              },
            },
          },
        );
        expect(res.json.status.allowed).toBe(true);
        return res;
      });
      expect(sar.status).toBe(201);
      expect(sar.json.spec.user).toBe(user);
      const rules = await t.raw.request(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectRulesReview',
            spec: { namespace: t.ns },
          },
        },
      );
      expect(rules.status).toBe(201);
      expect(rules.json.status.resourceRules).toContainEqual({
        verbs: ['*'],
        apiGroups: ['*'],
        resources: ['*'],
      });
      expect(rules.json.spec).toEqual({});
      const sa = clientWith(t, await t.tokenForServiceAccount(t.ns, 'reader'));
      const mine = await sa.request(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectRulesReview',
            spec: { namespace: t.ns },
          },
        },
      );
      expect(mine.json.status.incomplete).toBe(false);
      expect(mine.json.status.resourceRules).toEqual(
        expect.arrayContaining([
          {
            verbs: ['get'],
            apiGroups: [''],
            resources: ['secrets'],
            resourceNames: ['readable'],
          },
          {
            verbs: ['create'],
            apiGroups: ['authentication.k8s.io'],
            resources: ['selfsubjectreviews'],
          },
        ]),
      );
      expect(mine.json.status.nonResourceRules).toContainEqual({
        verbs: ['get'],
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      });
      const noNamespace = await sa.request(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectRulesReview',
          },
        },
      );
      expectStatus(noNamespace, 400, 'BadRequest');
      expect(noNamespace.json.message).toBe('no namespace on request');
    },
  );

  behaviour('an unknown bearer token is 401 Unauthorized', async t => {
    const res = await clientWith(t, 'not-a-valid-token').get(
      '/api/v1/namespaces',
    );
    expectStatus(res, 401, 'Unauthorized');
    expect(res.json.message).toBe('Unauthorized');
    const health = await clientWith(t, 'not-a-valid-token').get('/healthz');
    expect(health.status).toBe(401);
  });

  behaviour(
    'without a token the request is system:anonymous: health and /version only',
    async t => {
      const anonymous = clientWith(t);
      expect((await anonymous.get('/healthz')).status).toBe(200);
      expect((await anonymous.get('/version')).status).toBe(200);
      const api = await anonymous.get('/api');
      expectStatus(api, 403, 'Forbidden', {});
      expect(api.json.message).toBe(
        'forbidden: User "system:anonymous" cannot get path "/api"',
      );
      const list = await anonymous.get(paths.ns());
      expectStatus(list, 403, 'Forbidden', { kind: 'namespaces' });
      expect(list.json.message).toBe(
        'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
      );
    },
  );

  behaviour(
    'a TokenRequest token is the ServiceAccount (kubectl create token, auth whoami) until the ServiceAccount is deleted',
    async t => {
      const token = await t.tokenForServiceAccount(t.ns, 'short-lived');
      const sa = await t.raw.get(
        paths.core(t.ns, 'serviceaccounts', 'short-lived'),
      );
      const me = await whoami(clientWith(t, token));
      expect(me.status).toBe(201);
      expect(me.json).toMatchObject({
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        status: {
          userInfo: {
            username: `system:serviceaccount:${t.ns}:short-lived`,
            uid: sa.json.metadata.uid,
            groups: [
              'system:serviceaccounts',
              `system:serviceaccounts:${t.ns}`,
              'system:authenticated',
            ],
          },
        },
      });
      expect(
        me.json.status.userInfo.extra[
          'authentication.kubernetes.io/credential-id'
        ],
      ).toEqual([expect.stringMatching(/^JTI=[0-9a-f-]{36}$/)]);
      const review = await t.raw.request(
        'POST',
        '/apis/authentication.k8s.io/v1/tokenreviews',
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            spec: { token },
          },
        },
      );
      expect(review.json.status).toMatchObject({
        authenticated: true,
        user: { username: `system:serviceaccount:${t.ns}:short-lived` },
        audiences: ['https://kubernetes.default.svc'],
      });
      const requested = await t.raw.request(
        'POST',
        paths.core(t.ns, 'serviceaccounts', 'short-lived/token'),
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: {},
          },
        },
      );
      expect(requested.status).toBe(201);
      expect(requested.json.metadata).toMatchObject({
        name: 'short-lived',
        namespace: t.ns,
        uid: sa.json.metadata.uid,
      });
      expect(requested.json.spec).toEqual({
        audiences: ['https://kubernetes.default.svc'],
        expirationSeconds: 3600,
        boundObjectRef: null,
      });
      const tooShort = await t.raw.request(
        'POST',
        paths.core(t.ns, 'serviceaccounts', 'short-lived/token'),
        { body: { spec: { expirationSeconds: 10 } } },
      );
      expectStatus(tooShort, 422, 'Invalid');
      expect(tooShort.json.message).toBe(
        'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 10: may not specify a duration less than 10 minutes',
      );
      const missing = await t.raw.request(
        'POST',
        paths.core(t.ns, 'serviceaccounts', 'nobody/token'),
        { body: {} },
      );
      expectStatus(missing, 404, 'NotFound', {
        name: 'nobody',
        kind: 'serviceaccounts',
      });

      await t.raw.request(
        'DELETE',
        paths.core(t.ns, 'serviceaccounts', 'short-lived'),
      );
      await eventually(async () => {
        const after = await whoami(clientWith(t, token));
        expectStatus(after, 401, 'Unauthorized');
      });
      const reviewed = await t.raw.request(
        'POST',
        '/apis/authentication.k8s.io/v1/tokenreviews',
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            spec: { token },
          },
        },
      );
      expect(reviewed.json.status).toEqual({
        user: {},
        error: `[invalid bearer token, serviceaccounts "short-lived" not found]`,
      });
    },
    // The real server refuses the token once its ServiceAccount cache sees the delete: seconds
    // under load.
    { timeout: 60_000 },
  );

  behaviour(
    'impersonation (kubectl --as) needs the impersonate verb; the impersonated user is system:authenticated',
    async t => {
      const sa = clientWith(t, await t.tokenForServiceAccount(t.ns, 'plain'));
      const impersonated = await whoami(t.raw, {
        'Impersonate-User': 'alice',
        'Impersonate-Group': 'devs',
      });
      expect(impersonated.status).toBe(201);
      expect(impersonated.json.status.userInfo).toEqual({
        username: 'alice',
        groups: ['devs', 'system:authenticated'],
      });
      const asServiceAccount = await whoami(t.raw, {
        'Impersonate-User': `system:serviceaccount:${t.ns}:plain`,
      });
      expect(asServiceAccount.json.status.userInfo).toEqual({
        username: `system:serviceaccount:${t.ns}:plain`,
        groups: [
          'system:serviceaccounts',
          `system:serviceaccounts:${t.ns}`,
          'system:authenticated',
        ],
      });
      const refused = await whoami(sa, { 'Impersonate-User': 'alice' });
      expectStatus(refused, 403, 'Forbidden');
      expect(refused.json.message).toBe(
        `selfsubjectreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:${t.ns}:plain" cannot impersonate-on:user-info:create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope`,
      );
      const groupOnly = await whoami(t.raw, { 'Impersonate-Group': 'devs' });
      expectStatus(groupOnly, 400, 'BadRequest');
      expect(groupOnly.json.message).toBe(
        'requested &user.DefaultInfo{Name:"", UID:"", Groups:[]string{"devs"}, Extra:map[string][]string(nil)} without impersonating a user name',
      );
    },
  );

  behaviour(
    'RBAC escalation: a RoleBinding may grant only rights its writer holds, or a role it may bind',
    async t => {
      const writer = 'binder';
      await create(t, paths.group(RBAC_API, t.ns, 'roles'), {
        apiVersion: RBAC_API,
        kind: 'Role',
        metadata: { name: 'binder' },
        rules: [
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            resources: ['rolebindings'],
            verbs: ['create'],
          },
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            resources: ['clusterroles'],
            verbs: ['bind'],
            resourceNames: ['view'],
          },
        ],
      });
      await create(t, paths.group(RBAC_API, t.ns, 'rolebindings'), {
        apiVersion: RBAC_API,
        kind: 'RoleBinding',
        metadata: { name: 'binder' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'binder',
        },
        subjects: [{ kind: 'ServiceAccount', name: writer, namespace: t.ns }],
      });
      const sa = clientWith(t, await t.tokenForServiceAccount(t.ns, writer));
      const binding = (name: string, role: string) => ({
        apiVersion: RBAC_API,
        kind: 'RoleBinding',
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: role,
        },
        subjects: [{ kind: 'ServiceAccount', name: writer, namespace: t.ns }],
      });
      const refused = await eventually(async () => {
        const res = await sa.request(
          'POST',
          paths.group(RBAC_API, t.ns, 'rolebindings'),
          { body: binding('admin', 'cluster-admin') },
        );
        expectStatus(res, 403, 'Forbidden', {
          name: 'admin',
          group: 'rbac.authorization.k8s.io',
          kind: 'rolebindings',
        });
        return res;
      });
      expect(refused.json.message).toBe(
        `rolebindings.rbac.authorization.k8s.io "admin" is forbidden: user "system:serviceaccount:${t.ns}:${writer}" (groups=["system:serviceaccounts" "system:serviceaccounts:${t.ns}" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}`,
      );
      const allowed = await sa.request(
        'POST',
        paths.group(RBAC_API, t.ns, 'rolebindings'),
        { body: binding('viewer', 'view') },
      );
      expect(allowed.status).toBe(201);
    },
  );

  behaviour(
    'an aggregated ClusterRole gets the rules of the ClusterRoles its selector picks',
    async t => {
      const label = `${t.ns}/aggregate`;
      const aggregate = `${t.ns}-aggregate`;
      const part = `${t.ns}-part`;
      t.cleanup(paths.group(RBAC_API, undefined, 'clusterroles', aggregate));
      t.cleanup(paths.group(RBAC_API, undefined, 'clusterroles', part));
      await create(t, paths.group(RBAC_API, undefined, 'clusterroles'), {
        apiVersion: RBAC_API,
        kind: 'ClusterRole',
        metadata: { name: aggregate },
        aggregationRule: {
          clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }],
        },
      });
      await create(t, paths.group(RBAC_API, undefined, 'clusterroles'), {
        apiVersion: RBAC_API,
        kind: 'ClusterRole',
        metadata: { name: part, labels: { [label]: 'true' } },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      });
      await eventually(async () => {
        const live = await t.raw.get(
          paths.group(RBAC_API, undefined, 'clusterroles', aggregate),
        );
        expect(live.json.rules).toEqual([
          { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
        ]);
      });
    },
  );

  behaviour(
    'kubectl’s protobuf: a SelfSubjectReview sent and answered as application/vnd.kubernetes.protobuf',
    async t => {
      const json = await whoami(t.raw);
      const body = Buffer.concat([
        Buffer.from('k8s\0', 'binary'),
        field(
          1,
          Buffer.concat([
            field(1, Buffer.from('authentication.k8s.io/v1')),
            field(2, Buffer.from('SelfSubjectReview')),
          ]),
        ),
        field(2, Buffer.alloc(0)),
      ]);
      const res = await t.raw.request(
        'POST',
        '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        {
          body,
          contentType: 'application/vnd.kubernetes.protobuf',
          accept: 'application/vnd.kubernetes.protobuf,application/json',
        },
      );
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe(
        'application/vnd.kubernetes.protobuf',
      );
      expect(res.bytes.subarray(0, 4).toString('binary')).toBe('k8s\0');
      expect(
        res.bytes.includes(Buffer.from(json.json.status.userInfo.username)),
      ).toBe(true);
    },
  );
});
