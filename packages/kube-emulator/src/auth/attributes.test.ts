import { requestAttributes } from './attributes';
import { ANONYMOUS_USER } from './user';

const attrs = (method: string, url: string) => {
  const u = new URL(url, 'http://x');
  const a = requestAttributes(
    ANONYMOUS_USER,
    method,
    u.pathname,
    u.searchParams,
  );
  const { user: _u, ...rest } = a;
  return rest;
};

const resource = (fields: object) => ({
  resourceRequest: true,
  apiGroup: '',
  apiVersion: 'v1',
  resource: '',
  subresource: '',
  name: '',
  namespace: '',
  ...fields,
});

describe('request attributes (RequestInfoFactory)', () => {
  it.each([
    [
      'GET',
      '/api/v1/namespaces/ns/secrets',
      resource({ verb: 'list', resource: 'secrets', namespace: 'ns' }),
    ],
    [
      'GET',
      '/api/v1/namespaces/ns/secrets?watch=1',
      resource({ verb: 'watch', resource: 'secrets', namespace: 'ns' }),
    ],
    [
      'GET',
      '/api/v1/watch/namespaces/ns/secrets/s',
      resource({
        verb: 'watch',
        resource: 'secrets',
        namespace: 'ns',
        name: 's',
      }),
    ],
    [
      'GET',
      '/api/v1/namespaces/ns/secrets?fieldSelector=metadata.name%3Ds',
      resource({
        verb: 'list',
        resource: 'secrets',
        namespace: 'ns',
        name: 's',
      }),
    ],
    [
      'POST',
      '/api/v1/namespaces/ns/serviceaccounts/sa/token',
      resource({
        verb: 'create',
        resource: 'serviceaccounts',
        subresource: 'token',
        namespace: 'ns',
        name: 'sa',
      }),
    ],
    [
      'PUT',
      '/api/v1/namespaces/ns/finalize',
      resource({
        verb: 'update',
        resource: 'namespaces',
        subresource: 'finalize',
        namespace: 'ns',
        name: 'ns',
      }),
    ],
    [
      'DELETE',
      '/apis/apps/v1/namespaces/ns/deployments',
      resource({
        verb: 'deletecollection',
        apiGroup: 'apps',
        resource: 'deployments',
        namespace: 'ns',
      }),
    ],
    [
      'PATCH',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/view',
      resource({
        verb: 'patch',
        apiGroup: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        name: 'view',
      }),
    ],
  ])('%s %s', (method, url, expected) => {
    expect(attrs(method, url)).toEqual({
      ...expected,
      path: url.split('?')[0],
    });
  });

  it.each([
    ['GET', '/api', 'get'],
    ['GET', '/api/v1', 'get'],
    ['GET', '/apis/apps/v1', 'get'],
    ['GET', '/openapi/v3/apis/apps/v1', 'get'],
    ['POST', '/healthz', 'post'],
  ])('%s %s is a non-resource request', (method, path, verb) => {
    expect(attrs(method, path)).toMatchObject({
      resourceRequest: false,
      verb,
      path,
    });
  });
});
