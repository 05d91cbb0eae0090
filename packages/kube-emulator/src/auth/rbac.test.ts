import { Attributes } from './attributes';
import { uncovered } from './escalation';
import { PolicyRule, ruleAllows } from './rbac';
import { ANONYMOUS_USER } from './user';

const request = (fields: Partial<Attributes>): Attributes => ({
  user: ANONYMOUS_USER,
  verb: 'get',
  resourceRequest: true,
  apiGroup: '',
  apiVersion: 'v1',
  resource: 'secrets',
  subresource: '',
  name: '',
  namespace: 'ns',
  path: '',
  ...fields,
});

describe('RBAC rule matching', () => {
  const named: PolicyRule = {
    verbs: ['get'],
    apiGroups: [''],
    resources: ['secrets'],
    resourceNames: ['readable'],
  };
  it.each<[string, PolicyRule, Partial<Attributes>, boolean]>([
    ['a named resource', named, { name: 'readable' }, true],
    ['another name', named, { name: 'hidden' }, false],
    ['a list under resourceNames', named, { verb: 'list' }, false],
    ['another verb', named, { verb: 'delete', name: 'readable' }, false],
    ['another group', named, { apiGroup: 'apps', name: 'readable' }, false],
    [
      'a subresource, not the resource alone',
      { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts'] },
      { verb: 'create', resource: 'serviceaccounts', subresource: 'token' },
      false,
    ],
    [
      'resource/subresource',
      {
        verbs: ['create'],
        apiGroups: [''],
        resources: ['serviceaccounts/token'],
      },
      { verb: 'create', resource: 'serviceaccounts', subresource: 'token' },
      true,
    ],
    [
      '*/subresource',
      { verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] },
      { resource: 'deployments', apiGroup: 'apps', subresource: 'status' },
      true,
    ],
    [
      'wildcards',
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io' },
      true,
    ],
    [
      'a non-resource URL prefix',
      { verbs: ['get'], nonResourceURLs: ['/apis/*'] },
      { resourceRequest: false, path: '/apis/apps/v1' },
      true,
    ],
    [
      'a non-resource URL that is no prefix',
      { verbs: ['get'], nonResourceURLs: ['/api'] },
      { resourceRequest: false, path: '/apis' },
      false,
    ],
    [
      'a resource rule for a path',
      { verbs: ['get'], apiGroups: ['*'], resources: ['*'] },
      { resourceRequest: false, path: '/api' },
      false,
    ],
  ])('%s: %s', (_what, rule, fields, allowed) => {
    expect(ruleAllows(request(fields), rule)).toBe(allowed);
  });
});

describe('RBAC escalation coverage', () => {
  it('breaks rules down and keeps what the owner does not hold', () => {
    const owner: PolicyRule[] = [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['*/status'] },
    ];
    expect(
      uncovered(owner, [
        {
          verbs: ['get', 'watch'],
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: ['a'],
        },
        {
          verbs: ['get'],
          apiGroups: ['apps'],
          resources: ['deployments/status'],
        },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ]),
    ).toEqual([
      {
        verbs: ['watch'],
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['a'],
      },
      { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    ]);
  });
});
