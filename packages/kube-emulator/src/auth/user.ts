/** Who a request comes from, as kube-apiserver's authenticators and impersonation produce it. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const PRIVILEGED_GROUP = 'system:masters';
export const ANONYMOUS = 'system:anonymous';

export const ANONYMOUS_USER: UserInfo = {
  username: ANONYMOUS,
  groups: [ALL_UNAUTHENTICATED],
};

const SA_PREFIX = 'system:serviceaccount:';

export const serviceAccountUsername = (namespace: string, name: string) =>
  `${SA_PREFIX}${namespace}:${name}`;

export const serviceAccountGroups = (namespace: string) => [
  'system:serviceaccounts',
  `system:serviceaccounts:${namespace}`,
];

/** The namespace and name of a ServiceAccount username (serviceaccount.SplitUsername), or undefined. */
export function splitServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

export const isPrivileged = (user: UserInfo) =>
  user.groups.includes(PRIVILEGED_GROUP);

/** The user as the review kinds and admission see it (authentication.k8s.io UserInfo). */
export function userInfoJson(user: UserInfo) {
  return {
    username: user.username,
    ...(user.uid ? { uid: user.uid } : {}),
    ...(user.groups.length ? { groups: user.groups } : {}),
    ...(user.extra && Object.keys(user.extra).length
      ? { extra: user.extra }
      : {}),
  };
}
