import { JsonObject, KubeObject } from '../api/types';
import { ObjectStore } from '../storage/store';
import { Attributes } from './attributes';
import { splitServiceAccountUsername, UserInfo } from './user';

/** One RBAC rule (rbacv1.PolicyRule). */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

const CLUSTER_ROLES = 'clusterroles.rbac.authorization.k8s.io';
const CLUSTER_ROLE_BINDINGS = 'clusterrolebindings.rbac.authorization.k8s.io';
const ROLES = 'roles.rbac.authorization.k8s.io';
const ROLE_BINDINGS = 'rolebindings.rbac.authorization.k8s.io';

/** The resource keys whose writes change what RBAC answers. */
export const RBAC_RESOURCES = new Set([
  CLUSTER_ROLES,
  CLUSTER_ROLE_BINDINGS,
  ROLES,
  ROLE_BINDINGS,
]);

const has = (set: string[] | undefined, value: string) =>
  (set ?? []).includes(value);

/** rbacv1helpers: whether one rule allows the request. */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  const verb = has(rule.verbs, '*') || has(rule.verbs, a.verb);
  if (!verb) return false;
  if (!a.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some(
      url =>
        url === '*' ||
        url === a.path ||
        (url.endsWith('*') && a.path.startsWith(url.replace(/\*+$/, ''))),
    );
  }
  const combined = a.subresource
    ? `${a.resource}/${a.subresource}`
    : a.resource;
  const group = has(rule.apiGroups, '*') || has(rule.apiGroups, a.apiGroup);
  const resource = (rule.resources ?? []).some(
    r =>
      r === '*' ||
      r === combined ||
      (!!a.subresource &&
        r.length === a.subresource.length + 2 &&
        r.startsWith('*/') &&
        r.endsWith(a.subresource)),
  );
  const name =
    !rule.resourceNames?.length || rule.resourceNames.includes(a.name);
  return group && resource && name;
}

/** Where an applicable rule comes from, worded as RBAC's reasons are. */
type Source = () => string;

const describeSubject = (s: Subject, bindingNamespace: string) =>
  s.kind === 'ServiceAccount'
    ? `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`
    : `${s.kind} "${s.name}"`;

function appliesToUser(user: UserInfo, s: Subject, namespace: string) {
  switch (s.kind) {
    case 'User':
      return user.username === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || namespace;
      if (!ns) return false;
      const sa = splitServiceAccountUsername(user.username);
      return sa?.namespace === ns && sa.name === s.name;
    }
    default:
      return false;
  }
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several in brackets. */
export const aggregate = (messages: string[]) =>
  messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;

/** What SelfSubjectRulesReview reports: the rules, and errors met resolving them. */
export interface RulesFor {
  rules: PolicyRule[];
  errors: string[];
}

/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac) over the emulator's store: rules come from
 * the ClusterRoleBindings, then the RoleBindings of the request's namespace, whose subjects match
 * the user; a binding to a missing role is an error that shows in the reason.
 */
export class RbacAuthorizer {
  constructor(private readonly store: ObjectStore) {}

  /** The rules a role reference grants in a namespace (GetRoleReferenceRules). */
  roleReferenceRules(ref: RoleRef, namespace: string): PolicyRule[] {
    if (ref.kind === 'Role') {
      const role = this.store.get(ROLES, namespace, ref.name);
      if (!role)
        throw new Error(
          `role.rbac.authorization.k8s.io "${ref.name}" not found`,
        );
      return role.rules ?? [];
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.store.get(CLUSTER_ROLES, undefined, ref.name);
      if (!role)
        throw new Error(
          `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`,
        );
      return role.rules ?? [];
    }
    throw new Error(`unsupported role reference kind: "${ref.kind}"`);
  }

  /** Visits the user's rules until `visit` returns false (VisitRulesFor). */
  private visitRulesFor(
    user: UserInfo,
    namespace: string,
    visit: (
      source: Source | undefined,
      rule?: PolicyRule,
      error?: string,
    ) => boolean,
  ) {
    const bindings: Array<{ binding: KubeObject; namespace: string }> = [
      ...this.store
        .list(CLUSTER_ROLE_BINDINGS)
        .map(binding => ({ binding, namespace: '' })),
      ...(namespace
        ? this.store
            .list(ROLE_BINDINGS, namespace)
            .map(binding => ({ binding, namespace }))
        : []),
    ];
    for (const { binding, namespace: ns } of bindings) {
      const subjects: Subject[] = binding.subjects ?? [];
      const subject = subjects.find(s => appliesToUser(user, s, ns));
      if (!subject) continue;
      let rules: PolicyRule[];
      try {
        rules = this.roleReferenceRules(binding.roleRef ?? {}, ns);
      } catch (e) {
        if (!visit(undefined, undefined, (e as Error).message)) return;
        continue;
      }
      const ref: RoleRef = binding.roleRef;
      const source: Source = () =>
        ns
          ? `RoleBinding "${binding.metadata.name}/${ns}" of ${ref.kind} "${
              ref.name
            }" to ${describeSubject(subject, ns)}`
          : `ClusterRoleBinding "${binding.metadata.name}" of ${ref.kind} "${
              ref.name
            }" to ${describeSubject(subject, '')}`;
      for (const rule of rules) if (!visit(source, rule)) return;
    }
  }

  /** allowed with RBAC's reason, or no opinion with the resolution errors as the reason. */
  authorize(a: Attributes): { allowed: boolean; reason: string } {
    let allowedBy: Source | undefined;
    const errors: string[] = [];
    this.visitRulesFor(a.user, a.namespace, (source, rule, error) => {
      if (rule && source && ruleAllows(a, rule)) {
        allowedBy = source;
        return false;
      }
      if (error) errors.push(error);
      return true;
    });
    if (allowedBy)
      return { allowed: true, reason: `RBAC: allowed by ${allowedBy()}` };
    return {
      allowed: false,
      reason: errors.length ? `RBAC: ${aggregate(errors)}` : '',
    };
  }

  /** Every rule the user has in a namespace (cluster-wide ones included). */
  rulesFor(user: UserInfo, namespace: string): RulesFor {
    const out: RulesFor = { rules: [], errors: [] };
    this.visitRulesFor(user, namespace, (_source, rule, error) => {
      if (rule) out.rules.push(rule);
      if (error) out.errors.push(error);
      return true;
    });
    return out;
  }
}

/** A rule as its JSON (dropping empty lists, as Go's omitempty does). */
export const ruleJson = (rule: PolicyRule): JsonObject => {
  const out: JsonObject = { verbs: rule.verbs };
  for (const k of [
    'apiGroups',
    'resources',
    'resourceNames',
    'nonResourceURLs',
  ] as const) {
    if (rule[k]?.length) out[k] = rule[k];
  }
  return out;
};
