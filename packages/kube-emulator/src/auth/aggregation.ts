import { LabelSelector, matchesLabels } from '../api/selectors';
import { JsonObject, KubeObject } from '../api/types';
import { ResourceRegistry } from '../registry/registry';
import { ResourceService, WriteOptions } from '../server/resources';
import { ObjectStore } from '../storage/store';
import { PolicyRule } from './rbac';

const CLUSTER_ROLES = 'clusterroles.rbac.authorization.k8s.io';

/** A metav1.LabelSelector as requirements. */
function requirements(selector: JsonObject): LabelSelector {
  const out: LabelSelector = Object.entries<string>(
    selector.matchLabels ?? {},
  ).map(([key, value]) => ({ key, op: 'in', values: [value] }));
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn')
      out.push({
        key: e.key,
        op: e.operator === 'In' ? 'in' : 'notin',
        values: e.values ?? [],
      });
    else
      out.push({
        key: e.key,
        op: e.operator === 'Exists' ? 'exists' : '!exists',
      });
  }
  return out;
}

const sameRule = (a: PolicyRule, b: PolicyRule) =>
  JSON.stringify(a) === JSON.stringify(b);

/** The rules an aggregated ClusterRole gets: those of the roles its selectors pick, once each. */
export function aggregatedRules(
  role: KubeObject,
  all: KubeObject[],
): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const picked = all
      .filter(
        r =>
          r.metadata.name !== role.metadata.name &&
          matchesLabels(requirements(selector), r.metadata.labels),
      )
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const r of picked)
      for (const rule of (r.rules ?? []) as PolicyRule[])
        if (!rules.some(x => sameRule(x, rule))) rules.push(rule);
  }
  return rules;
}

/**
 * kube-controller-manager's clusterrole-aggregation-controller: after any ClusterRole changes,
 * each ClusterRole with an aggregationRule gets the rules of the ClusterRoles it selects.
 */
export function aggregateClusterRoles(
  store: ObjectStore,
  registry: ResourceRegistry,
  service: ResourceService,
  options: () => WriteOptions,
): () => void {
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const t = registry.find('rbac.authorization.k8s.io', 'v1', 'clusterroles')!;
    const all = store.list(CLUSTER_ROLES);
    for (const role of all) {
      if (!role.aggregationRule || role.metadata.deletionTimestamp) continue;
      const rules = aggregatedRules(role, all);
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue;
      try {
        service.update(
          t,
          undefined,
          role.metadata.name,
          { ...role, rules },
          options(),
        );
      } catch {
        // A concurrent write won; its event schedules another pass.
      }
    }
  };
  return store.subscribe(e => {
    if (e.resource !== CLUSTER_ROLES || scheduled) return;
    scheduled = true;
    setImmediate(run);
  });
}
