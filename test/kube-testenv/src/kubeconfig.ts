import YAML from 'yaml';

/** A kubeconfig with one cluster, one user (a bearer token) and one context. */
export function tokenKubeconfig(options: {
  server: string;
  caData: string;
  token: string;
  user?: string;
  namespace?: string;
}): string {
  const { server, caData, token, user = 'user', namespace } = options;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kube-testenv',
        cluster: { server, 'certificate-authority-data': caData },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [
      {
        name: 'kube-testenv',
        context: {
          cluster: 'kube-testenv',
          user,
          ...(namespace ? { namespace } : {}),
        },
      },
    ],
    'current-context': 'kube-testenv',
    preferences: {},
  });
}

/** Server, CA and token of the current context of a token kubeconfig. */
export function readTokenKubeconfig(yaml: string): {
  server: string;
  caData: string;
  token: string;
} {
  const doc = YAML.parse(yaml);
  const ctxName = doc['current-context'];
  const ctx = doc.contexts?.find(
    (c: { name: string }) => c.name === ctxName,
  )?.context;
  const cluster = doc.clusters?.find(
    (c: { name: string }) => c.name === ctx?.cluster,
  )?.cluster;
  const user = doc.users?.find(
    (u: { name: string }) => u.name === ctx?.user,
  )?.user;
  if (!cluster?.server || !cluster['certificate-authority-data']) {
    throw new Error('kubeconfig: current context has no server with a CA');
  }
  if (!user?.token) {
    throw new Error('kubeconfig: current user has no bearer token');
  }
  return {
    server: cluster.server,
    caData: cluster['certificate-authority-data'],
    token: user.token,
  };
}
