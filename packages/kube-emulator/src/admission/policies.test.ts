import { ApiError } from '../api/errors';
import { KubeObject } from '../api/types';
import { ResourceRegistry } from '../registry/registry';
import { ObjectStore } from '../storage/store';
import { admissionRequest, ValidatingAdmissionPolicies } from './policies';

const POLICIES = 'validatingadmissionpolicies.admissionregistration.k8s.io';
const BINDINGS =
  'validatingadmissionpolicybindings.admissionregistration.k8s.io';

function setup(spec: object, binding: object = {}) {
  const store = new ObjectStore();
  const registry = new ResourceRegistry();
  store.put('namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team', labels: { env: 'prod' } },
  });
  store.put(POLICIES, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'p' },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ['*'],
            apiVersions: ['*'],
            operations: ['*'],
            resources: ['*'],
          },
        ],
        namespaceSelector: {},
        objectSelector: {},
      },
      ...spec,
    },
  });
  store.put(BINDINGS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'b' },
    spec: { policyName: 'p', validationActions: ['Deny'], ...binding },
  });
  const policies = new ValidatingAdmissionPolicies(store, registry);
  const type = (plural: string) =>
    registry.all().find(t => t.plural === plural)!;
  const admit = (
    plural: string,
    operation: 'CREATE' | 'UPDATE' | 'DELETE',
    obj: KubeObject,
  ) => {
    const warnings: string[] = [];
    policies.admit(
      admissionRequest(
        type(plural),
        operation,
        operation === 'DELETE' ? undefined : obj,
        operation === 'DELETE' ? obj : undefined,
        { dryRun: false, user: { username: 'alice', groups: ['devs'] } },
      ),
      warnings,
    );
    return warnings;
  };
  return { admit };
}

const cm = (labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'team', labels },
});

const denial = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, message: e.message };
    throw e;
  }
  return undefined;
};

describe('ValidatingAdmissionPolicies', () => {
  it('shows the request, the user and the namespace object to the expressions', () => {
    const { admit } = setup({
      validations: [
        {
          expression:
            "request.userInfo.username != 'alice' || namespaceObject.metadata.labels.env != 'prod'",
          messageExpression:
            "request.operation + ' by ' + request.userInfo.username + ' in ' + request.namespace",
          reason: 'Forbidden',
        },
      ],
    });
    expect(denial(() => admit('configmaps', 'CREATE', cm()))).toEqual({
      code: 403,
      message:
        "configmaps \"c\" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: CREATE by alice in team",
    });
  });

  it('computes a variable once, and names a variable that fails', () => {
    const { admit } = setup({
      variables: [
        { name: 'a', expression: "object.metadata.labels['a']" },
        { name: 'twice', expression: 'variables.a + variables.a' },
      ],
      validations: [{ expression: "variables.twice == 'xx'" }],
    });
    expect(admit('configmaps', 'CREATE', cm({ a: 'x' }))).toEqual([]);
    expect(denial(() => admit('configmaps', 'CREATE', cm()))?.message).toBe(
      "configmaps \"c\" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: expression 'variables.twice == 'xx'' resulted in error: composited variable \"twice\" fails to evaluate: composited variable \"a\" fails to evaluate: no such key: a",
    );
  });

  it('matches a binding’s namespaceSelector against the namespace, and a Namespace by its own labels', () => {
    const { admit } = setup(
      { validations: [{ expression: 'false', message: 'no' }] },
      {
        matchResources: {
          namespaceSelector: { matchLabels: { env: 'dev' } },
          objectSelector: {},
        },
      },
    );
    expect(admit('configmaps', 'CREATE', cm())).toEqual([]);
    const ns = (env: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'new', labels: { env } },
    });
    expect(admit('namespaces', 'CREATE', ns('prod'))).toEqual([]);
    expect(denial(() => admit('namespaces', 'CREATE', ns('dev')))?.code).toBe(
      422,
    );
  });

  it('never applies to admission configuration itself', () => {
    const { admit } = setup({ validations: [{ expression: 'false' }] });
    expect(denial(() => admit('configmaps', 'DELETE', cm()))?.code).toBe(422);
    expect(
      admit('validatingadmissionpolicies', 'CREATE', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'another' },
      }),
    ).toEqual([]);
  });
});
