import { ApiError } from '../api/errors';
import { JsonObject } from '../api/types';
import { deepEqual } from '../server/objects';
import { Attributes } from './attributes';
import { Authorizer, forbiddenFor } from './authorizer';
import { aggregate, PolicyRule } from './rbac';
import { isPrivileged, UserInfo } from './user';

/** A write as admission sees it (the fields of an admission request this check reads). */
export interface WriteRequest {
  group: string;
  resource: string;
  kind: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  name: string;
  namespace: string;
  object?: JsonObject;
  oldObject?: JsonObject;
  user?: UserInfo;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

const has = (set: string[] | undefined, v: string) => (set ?? []).includes(v);
const hasAll = (set: string[] | undefined, values: string[] | undefined) =>
  (values ?? []).every(v => has(set, v));

/** validation.BreakdownRule: one rule per group, resource, verb and name (or URL and verb). */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs ?? []) {
        if (rule.resourceNames?.length) {
          for (const name of rule.resourceNames)
            out.push({
              apiGroups: [group],
              resources: [resource],
              verbs: [verb],
              resourceNames: [name],
            });
        } else {
          out.push({
            apiGroups: [group],
            resources: [resource],
            verbs: [verb],
          });
        }
      }
  for (const url of rule.nonResourceURLs ?? [])
    for (const verb of rule.verbs ?? [])
      out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourcesCover(
  owner: string[] | undefined,
  wanted: string[] | undefined,
) {
  if (has(owner, '*') || hasAll(owner, wanted)) return true;
  return (wanted ?? []).every(path => {
    if (has(owner, path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && has(owner, `*/${path.slice(slash + 1)}`);
  });
}

const urlCovers = (owner: string, path: string) =>
  owner === path ||
  (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groups =
    has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourcesCover(owner.resources, sub.resources);
  const urls = (sub.nonResourceURLs ?? []).every(p =>
    (owner.nonResourceURLs ?? []).some(o => urlCovers(o, p)),
  );
  const names = sub.resourceNames?.length
    ? !owner.resourceNames?.length ||
      hasAll(owner.resourceNames, sub.resourceNames)
    : !owner.resourceNames?.length;
  return verbs && groups && resources && names && urls;
}

/** validation.Covers: the rules of `wanted` the owner's rules do not cover. */
export function uncovered(
  owner: PolicyRule[],
  wanted: PolicyRule[],
): PolicyRule[] {
  return wanted
    .flatMap(breakdown)
    .filter(sub => !owner.some(o => ruleCovers(o, sub)));
}

/** CompactRules: simple rules on the same group, resource and name merge their verbs. */
function compact(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const isSimple =
      (rule.resourceNames?.length ?? 0) <= 1 &&
      !rule.nonResourceURLs?.length &&
      rule.apiGroups?.length === 1 &&
      rule.resources?.length === 1;
    if (!isSimple) {
      out.push(rule);
      continue;
    }
    const key = JSON.stringify([
      rule.apiGroups,
      rule.resources,
      rule.resourceNames ?? [],
    ]);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...rule.verbs];
    else simple.set(key, { ...rule, verbs: [...rule.verbs] });
  }
  return [...out, ...simple.values()];
}

const goQ = (values: string[]) =>
  `[${values.map(v => JSON.stringify(v)).join(' ')}]`;

/** rbacv1helpers.CompactString. */
function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQ(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQ(r.resources)}`);
  if (r.nonResourceURLs?.length)
    parts.push(`NonResourceURLs:${goQ(r.nonResourceURLs)}`);
  if (r.resourceNames?.length)
    parts.push(`ResourceNames:${goQ(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQ(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** Strips what IsOnlyMutatingGCFields ignores (and what the server sets itself). */
function withoutGcFields(obj: JsonObject) {
  const {
    ownerReferences: _o,
    finalizers: _f,
    managedFields: _m,
    resourceVersion: _r,
    ...meta
  } = obj.metadata;
  return { ...obj, metadata: meta };
}

/**
 * RBAC's escalation prevention on the writes of roles and bindings (pkg/registry/rbac
 * policybased storage): a Role or ClusterRole may only hold rules its writer holds (unless allowed
 * to `escalate`), a binding may only grant a role its writer holds entirely (unless allowed to
 * `bind` it), an aggregationRule needs cluster-admin's rights; system:masters is exempt.
 */
export class EscalationCheck {
  constructor(private readonly authorizer: Authorizer) {}

  /** Throws 403 Forbidden when the request's user may not write its object. */
  admit(req: WriteRequest) {
    const { object: obj, oldObject: old, user } = req;
    if (req.group !== RBAC_GROUP || !obj || !user || isPrivileged(user)) return;
    const binding =
      req.kind === 'RoleBinding' || req.kind === 'ClusterRoleBinding';
    const role = req.kind === 'Role' || req.kind === 'ClusterRole';
    if (!binding && !role) return;
    const request: Attributes = {
      user,
      verb: '',
      resourceRequest: true,
      apiGroup: RBAC_GROUP,
      apiVersion: '*',
      resource: req.resource,
      subresource: '',
      // the name of the request's URL: none on a create
      name: req.operation === 'CREATE' ? '' : req.name,
      namespace: req.namespace,
      path: '',
    };
    const allowed = (a: Partial<Attributes>) =>
      this.authorizer.authorize({ ...request, ...a }).allowed;
    if (role && allowed({ verb: 'escalate' })) return;
    if (old && deepEqual(withoutGcFields(obj), withoutGcFields(old))) return;
    const refuse = (message: string) =>
      forbiddenFor(RBAC_GROUP, req.resource, obj.metadata.name ?? '', message);
    if (role) {
      this.confirmNoEscalation(request, obj.rules ?? [], refuse);
      const aggregated = (o?: JsonObject) =>
        (o?.aggregationRule?.clusterRoleSelectors ?? []).length > 0;
      if (req.kind === 'ClusterRole' && (aggregated(obj) || aggregated(old))) {
        this.confirmNoEscalation(request, FULL_AUTHORITY, () =>
          refuse(
            'must have cluster-admin privileges to use the aggregationRule',
          ),
        );
      }
      return;
    }
    const ref = obj.roleRef ?? {};
    if (
      (ref.kind === 'ClusterRole' || ref.kind === 'Role') &&
      allowed({
        verb: 'bind',
        apiGroup: ref.apiGroup ?? '',
        resource: ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles',
        name: ref.name ?? '',
      })
    )
      return;
    let rules: PolicyRule[];
    try {
      rules = this.authorizer.rbac.roleReferenceRules(ref, req.namespace);
    } catch (e) {
      throw refuse((e as Error).message);
    }
    this.confirmNoEscalation(request, rules, refuse);
  }

  private confirmNoEscalation(
    request: Attributes,
    rules: PolicyRule[],
    refuse: (message: string) => ApiError,
  ) {
    const { user } = request;
    const owner = this.authorizer.rbac.rulesFor(user, request.namespace);
    const missing = uncovered(owner.rules, rules);
    if (!missing.length) return;
    const lines = [...new Set(compact(missing).map(compactString))].sort();
    let message = `user ${JSON.stringify(user.username)} (groups=${goQ(
      user.groups,
    )}) is attempting to grant RBAC permissions not currently held:\n${lines.join(
      '\n',
    )}`;
    if (owner.errors.length)
      message += `; resolution errors: [${aggregate(owner.errors)}]`;
    throw refuse(message);
  }
}
