import { FakeRoute } from './types';

/** The route of a method and a path under `/api/kars`, and its sandbox. */
export function routeOf(
  method: string,
  path: string,
): { route?: FakeRoute; name?: string } {
  if (method === 'GET' && path === '/cluster') return { route: 'cluster' };
  if (method === 'GET' && path === '/audit') return { route: 'audit' };
  if (path === '/sandboxes') {
    if (method === 'GET') return { route: 'list' };
    if (method === 'POST') return { route: 'create' };
    return {};
  }
  if (method === 'POST' && path === '/sandboxes/validate') {
    return { route: 'validate' };
  }
  const m = /^\/sandboxes\/([^/]+)(?:\/([a-z-]+))?$/.exec(path);
  if (!m) return {};
  const name = decodeURIComponent(m[1]);
  const sub = m[2];
  if (sub === undefined) {
    const route = ({ GET: 'get', PATCH: 'update', DELETE: 'delete' } as const)[
      method as 'GET' | 'PATCH' | 'DELETE'
    ];
    return route ? { route, name } : {};
  }
  if (sub === 'credentials') {
    return method === 'PUT' ? { route: 'credentials', name } : {};
  }
  const views = [
    'health',
    'events',
    'agent-card',
    'manifests',
    'kube-events',
    'logs',
    'usage',
  ] as const;
  const view = views.find(v => v === sub);
  return method === 'GET' && view ? { route: view, name } : {};
}
