import { LabelSelector, matchesLabels } from '../api/selectors';
import { JsonObject } from '../api/types';

/** What a request is about, as admission matching sees it (admission.Attributes). */
export interface RequestAttributes {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  kind: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  name: string;
  /** The request's namespace; for a Namespace, its own name (as kube-apiserver sets it). */
  namespace: string;
  object?: JsonObject;
  oldObject?: JsonObject;
}

/** A metav1.LabelSelector as the requirements the emulator's selectors evaluate. */
export function labelSelector(selector: JsonObject | undefined): LabelSelector {
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries<string>(
    selector?.matchLabels ?? {},
  ))
    out.push({ key, op: 'in', values: [value] });
  for (const e of selector?.matchExpressions ?? []) {
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In':
        out.push({ key: e.key, op: 'in', values });
        break;
      case 'NotIn':
        out.push({ key: e.key, op: 'notin', values });
        break;
      case 'Exists':
        out.push({ key: e.key, op: 'exists' });
        break;
      default:
        out.push({ key: e.key, op: '!exists' });
    }
  }
  return out;
}

const exactOrWildcard = (items: string[] | undefined, value: string) =>
  (items ?? []).some(i => i === '*' || i === value);

const isNamespaceResource = (a: RequestAttributes) =>
  a.group === '' && a.version === 'v1' && a.resource === 'namespaces';

/** One rule of resourceRules or excludeResourceRules (rules.Matcher). */
function ruleMatches(rule: JsonObject, a: RequestAttributes): boolean {
  const scope = rule.scope ?? '*';
  if (scope === 'Namespaced' && (isNamespaceResource(a) || !a.namespace))
    return false;
  if (scope === 'Cluster' && !(isNamespaceResource(a) || !a.namespace))
    return false;
  if (!exactOrWildcard(rule.operations, a.operation)) return false;
  if (!exactOrWildcard(rule.apiGroups, a.group)) return false;
  if (!exactOrWildcard(rule.apiVersions, a.version)) return false;
  const resources: string[] = rule.resources ?? [];
  const resourceMatches = resources.some(r => {
    const [res, sub = ''] = r.split(/\/(.*)/s);
    return (
      (res === '*' || res === a.resource) &&
      (sub === '*' || sub === a.subresource)
    );
  });
  if (!resourceMatches) return false;
  const names: string[] = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name);
}

/**
 * Whether matchConstraints (of a policy) or matchResources (of a binding) select a request, like
 * kube-apiserver's matching.Matcher: the namespace and object selectors, then the excluded and
 * the included resource rules (no rules include everything).
 */
export function resourcesMatch(
  match: JsonObject,
  a: RequestAttributes,
  namespaceLabels: () => Record<string, string> | undefined,
): boolean {
  const nsSelector = labelSelector(match.namespaceSelector);
  const clusterScoped = !a.namespace && a.resource !== 'namespaces';
  if (
    !clusterScoped &&
    nsSelector.length &&
    !matchesLabels(nsSelector, namespaceLabels())
  )
    return false;
  const objSelector = labelSelector(match.objectSelector);
  if (
    objSelector.length &&
    ![a.object, a.oldObject].some(
      o => o && matchesLabels(objSelector, o.metadata?.labels),
    )
  )
    return false;
  if (
    (match.excludeResourceRules ?? []).some((r: JsonObject) =>
      ruleMatches(r, a),
    )
  )
    return false;
  const rules: JsonObject[] = match.resourceRules ?? [];
  return rules.length === 0 || rules.some(r => ruleMatches(r, a));
}

/** Admission configuration kinds are never subject to admission policies. */
export const isExempt = (a: RequestAttributes) =>
  a.group === 'admissionregistration.k8s.io' &&
  [
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ].includes(a.kind);
