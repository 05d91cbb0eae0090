import { JsonObject, KubeObject } from '../api/types';
import { CelCompileError, compileCel } from '../cel/environment';
import { ResourceRegistry } from '../registry/registry';
import { ResourceService, WriteOptions } from '../server/resources';
import { ObjectStore } from '../storage/store';

const POLICIES = 'validatingadmissionpolicies.admissionregistration.k8s.io';
const MANAGER = 'validatingadmissionpolicy-status';

/** Every CEL expression of a policy, with the field it sits in. */
function expressions(spec: JsonObject): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const each = (list: JsonObject[] | undefined, path: string, keys: string[]) =>
    (list ?? []).forEach((item, i) => {
      for (const key of keys)
        if (typeof item[key] === 'string')
          out.push([`${path}[${i}].${key}`, item[key]]);
    });
  each(spec.matchConditions, 'spec.matchConditions', ['expression']);
  each(spec.variables, 'spec.variables', ['expression']);
  each(spec.validations, 'spec.validations', [
    'expression',
    'messageExpression',
  ]);
  each(spec.auditAnnotations, 'spec.auditAnnotations', ['valueExpression']);
  return out;
}

/**
 * The status kube-controller-manager's validatingadmissionpolicy-status controller writes: the
 * generation it checked and the expressions that do not compile. It checks them against `dyn`
 * variables only, not against the OpenAPI schemas of the matched kinds as the real one does, so
 * a reference to a field the kind lacks is no warning here.
 */
export function policyStatus(policy: KubeObject): JsonObject {
  const warnings = expressions(policy.spec ?? {}).flatMap(
    ([fieldRef, expr]) => {
      try {
        compileCel('admission', expr);
        return [];
      } catch (e) {
        if (!(e instanceof CelCompileError)) throw e;
        return [{ fieldRef, warning: `compilation failed: ${e.message}` }];
      }
    },
  );
  return {
    observedGeneration: policy.metadata.generation,
    typeChecking: warnings.length ? { expressionWarnings: warnings } : {},
  };
}

/** Runs the status controller after every change of a ValidatingAdmissionPolicy. */
export function checkPolicies(
  store: ObjectStore,
  registry: ResourceRegistry,
  service: ResourceService,
  options: () => WriteOptions,
): () => void {
  const pending = new Set<string>();
  const run = () => {
    const t = registry.find(
      'admissionregistration.k8s.io',
      'v1',
      'validatingadmissionpolicies',
    )!;
    for (const name of [...pending]) {
      pending.delete(name);
      const policy = store.get(POLICIES, undefined, name);
      if (!policy || policy.metadata.deletionTimestamp) continue;
      if (policy.status?.observedGeneration === policy.metadata.generation)
        continue;
      try {
        service.patch(
          t,
          undefined,
          name,
          'application/apply-patch+yaml',
          JSON.stringify({
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingAdmissionPolicy',
            metadata: { name },
            status: policyStatus(policy),
          }),
          { ...options(), fieldManager: MANAGER, force: true },
          'status',
        );
      } catch {
        // A concurrent write won; its event schedules another pass.
      }
    }
  };
  return store.subscribe(e => {
    if (e.resource !== POLICIES || e.type === 'DELETED') return;
    if (!pending.size) setImmediate(run);
    pending.add(e.object.metadata.name);
  });
}
