import { IncomingHttpHeaders } from 'node:http';
import { ApiError, badRequest } from '../api/errors';
import { Attributes } from './attributes';
import { Authorizer, forbiddenError } from './authorizer';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS,
  PRIVILEGED_GROUP,
  serviceAccountGroups,
  splitServiceAccountUsername,
  UserInfo,
} from './user';

/** Who a request asks to act as (Impersonate-User, -Uid, -Group, -Extra-*), before any check. */
interface WantedUser {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

const EXTRA_PREFIX = 'impersonate-extra-';

const list = (v: string | string[] | undefined): string[] => {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
};

/** A list of strings as Go's %q prints it. */
const goList = (values: string[]) =>
  `[${values.map(v => JSON.stringify(v)).join(' ')}]`;

/** Go's %#v of the wanted user, as the 400 for groups without a user prints it. */
function goUser(w: WantedUser): string {
  const groups = w.groups.length
    ? `[]string{${w.groups.map(g => JSON.stringify(g)).join(', ')}}`
    : '[]string(nil)';
  const keys = Object.keys(w.extra).sort();
  const extra = keys.length
    ? `map[string][]string{${keys
        .map(
          k =>
            `${JSON.stringify(k)}:[]string{${w.extra[k]
              .map(v => JSON.stringify(v))
              .join(', ')}}`,
        )
        .join(', ')}}`
    : 'map[string][]string(nil)';
  return `&user.DefaultInfo{Name:"", UID:${JSON.stringify(
    w.uid,
  )}, Groups:${groups}, Extra:${extra}}`;
}

function wantedUser(headers: IncomingHttpHeaders): WantedUser | undefined {
  const wanted: WantedUser = {
    username: list(headers['impersonate-user'])[0] ?? '',
    uid: list(headers['impersonate-uid'])[0] ?? '',
    groups: list(headers['impersonate-group']),
    extra: {},
  };
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(EXTRA_PREFIX)) continue;
    let key = name.slice(EXTRA_PREFIX.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // kept as sent, like url.PathUnescape's failure
    }
    wanted.extra[key] = [...(wanted.extra[key] ?? []), ...list(value)];
  }
  const asked =
    wanted.uid || wanted.groups.length || Object.keys(wanted.extra).length;
  if (!wanted.username && asked) {
    throw badRequest(
      `requested ${goUser(wanted)} without impersonating a user name`,
    );
  }
  return wanted.username ? wanted : undefined;
}

const nodeName = (username: string) => {
  const m = /^system:node:(.+)$/.exec(username);
  return m &&
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(m[1]) &&
    m[1].length <= 253
    ? m[1]
    : undefined;
};

const onlyUsername = (w: WantedUser) =>
  !w.uid && !w.groups.length && !Object.keys(w.extra).length;

/**
 * Impersonation as kube-apiserver 1.36 does it (ConstrainedImpersonation, on by default): the
 * modes are tried in order (arbitrary-node, serviceaccount, user-info for the users they fit, then
 * the legacy `impersonate` verb); a constrained mode needs `impersonate-on:<mode>:<verb>` on the
 * request and `impersonate:<mode>` on the identity. The first refusal is the answer. The
 * associated-node mode (a kubelet's pod-bound token acting as its own node) is left out: nothing
 * here runs kubelets.
 */
export class Impersonation {
  constructor(private readonly authorizer: Authorizer) {}

  /** The user to act as (the requester when nothing is asked); a 403 or 400 when refused. */
  resolve(
    headers: IncomingHttpHeaders,
    request: Attributes,
  ): UserInfo | undefined {
    const wanted = wantedUser(headers);
    if (!wanted) return undefined;
    const modes: Array<{ mode?: string; fits: boolean }> = [
      {
        mode: 'arbitrary-node',
        fits: onlyUsername(wanted) && !!nodeName(wanted.username),
      },
      {
        mode: 'serviceaccount',
        fits:
          onlyUsername(wanted) &&
          !!splitServiceAccountUsername(wanted.username),
      },
      {
        mode: 'user-info',
        fits:
          !nodeName(wanted.username) &&
          !splitServiceAccountUsername(wanted.username),
      },
      { fits: true },
    ];
    let first: ApiError | undefined;
    for (const { mode, fits } of modes) {
      if (!fits) continue;
      try {
        return this.check(wanted, request, mode);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        first ??= e;
      }
    }
    throw first ?? new Error('no impersonation mode applies');
  }

  private allow(a: Attributes) {
    const decision = this.authorizer.authorize(a);
    if (!decision.allowed) throw forbiddenError(a, decision.reason);
  }

  private check(
    wanted: WantedUser,
    request: Attributes,
    mode: string | undefined,
  ): UserInfo {
    const requestor = request.user;
    const constrained = mode !== undefined;
    if (constrained)
      this.allow({
        ...request,
        verb: `impersonate-on:${mode}:${request.verb}`,
      });
    const verb = constrained ? `impersonate:${mode}` : 'impersonate';
    const identityGroup = constrained ? 'authentication.k8s.io' : '';
    const identity = (
      resource: string,
      name: string,
      group = identityGroup,
    ): Attributes => ({
      user: requestor,
      verb,
      resourceRequest: true,
      apiGroup: group,
      apiVersion: 'v1',
      resource,
      subresource: '',
      name,
      namespace: '',
      path: '',
    });
    const actual: UserInfo = {
      username: wanted.username,
      ...(wanted.uid ? { uid: wanted.uid } : {}),
      groups: [...wanted.groups],
      ...(Object.keys(wanted.extra).length ? { extra: wanted.extra } : {}),
    };
    let usernameAttrs = identity('users', wanted.username);
    const node = constrained ? nodeName(wanted.username) : undefined;
    if (node) {
      usernameAttrs = { ...usernameAttrs, resource: 'nodes', name: node };
      if (wanted.groups.length) {
        throw forbiddenError(
          usernameAttrs,
          `when impersonating a node, cannot impersonate groups ${goList(
            wanted.groups,
          )}`,
        );
      }
      actual.groups = ['system:nodes'];
    }
    const sa = splitServiceAccountUsername(wanted.username);
    if (sa) {
      usernameAttrs = {
        ...usernameAttrs,
        resource: 'serviceaccounts',
        namespace: sa.namespace,
        name: sa.name,
      };
      if (constrained && wanted.groups.length) {
        throw forbiddenError(
          usernameAttrs,
          `when impersonating a service account, cannot impersonate groups ${goList(
            wanted.groups,
          )}`,
        );
      }
      if (!wanted.groups.length)
        actual.groups = serviceAccountGroups(sa.namespace);
    }
    this.allow(usernameAttrs);
    if (wanted.uid)
      this.allow(identity('uids', wanted.uid, 'authentication.k8s.io'));
    if (wanted.groups.length) {
      const groupAttrs = identity('groups', '');
      if (constrained && wanted.groups.includes(''))
        throw forbiddenError(
          groupAttrs,
          'impersonating the empty string group is not allowed',
        );
      if (constrained && wanted.groups.includes(PRIVILEGED_GROUP))
        throw forbiddenError(
          { ...groupAttrs, name: PRIVILEGED_GROUP },
          'impersonating the system:masters group is not allowed',
        );
      for (const group of wanted.groups)
        this.allow({ ...groupAttrs, name: group });
    }
    for (const [key, values] of Object.entries(wanted.extra)) {
      for (const value of values) {
        this.allow({
          ...identity('userextras', value, 'authentication.k8s.io'),
          subresource: key,
        });
      }
    }
    if (actual.username === ANONYMOUS) {
      if (!actual.groups.includes(ALL_UNAUTHENTICATED))
        actual.groups.push(ALL_UNAUTHENTICATED);
    } else if (
      !actual.groups.includes(ALL_UNAUTHENTICATED) &&
      !actual.groups.includes(ALL_AUTHENTICATED)
    ) {
      actual.groups.push(ALL_AUTHENTICATED);
    }
    return actual;
  }
}
