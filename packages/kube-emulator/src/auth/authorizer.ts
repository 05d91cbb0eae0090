import { ApiError } from '../api/errors';
import { Attributes } from './attributes';
import { RbacAuthorizer } from './rbac';
import { isPrivileged } from './user';

/** An authorizer's answer: allowed or not, and why (RBAC's reason, or the errors it met). */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/**
 * kube-apiserver's authorizer chain with `--authorization-mode=RBAC`: the privileged group
 * system:masters is allowed everything (without a reason), everyone else is judged by RBAC.
 */
export class Authorizer {
  constructor(readonly rbac: RbacAuthorizer) {}

  authorize(a: Attributes): Decision {
    if (isPrivileged(a.user)) return { allowed: true, reason: '' };
    return this.rbac.authorize(a);
  }
}

const sanitize = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The sentence a refusal starts with (responsewriters.forbiddenMessage). */
function forbiddenMessage(a: Attributes): string {
  const user = JSON.stringify(a.user.username);
  if (!a.resourceRequest)
    return `User ${user} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource
    ? `${a.resource}/${a.subresource}`
    : a.resource;
  const scope = a.namespace
    ? `in the namespace ${JSON.stringify(a.namespace)}`
    : 'at the cluster scope';
  return `User ${user} cannot ${a.verb} resource ${JSON.stringify(
    resource,
  )} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
}

/** apierrors.NewForbidden for a group resource and name. */
export function forbiddenFor(
  group: string,
  resource: string,
  name: string,
  message: string,
): ApiError {
  let qualified = '';
  if (resource) qualified = group ? `${resource}.${group}` : resource;
  let text: string;
  if (!qualified) text = `forbidden: ${message}`;
  else if (!name) text = `${qualified} is forbidden: ${message}`;
  else text = `${qualified} ${JSON.stringify(name)} is forbidden: ${message}`;
  return new ApiError(403, 'Forbidden', text, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    ...(resource ? { kind: resource } : {}),
  });
}

/** The 403 of a refused request (responsewriters.ForbiddenStatusError). */
export function forbiddenError(a: Attributes, reason: string): ApiError {
  const message = sanitize(forbiddenMessage(a));
  return forbiddenFor(
    a.apiGroup,
    a.resource,
    a.name,
    reason ? `${message}: ${reason}` : message,
  );
}
