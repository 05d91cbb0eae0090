import { ApiError } from '../api/errors';
import { matchesLabels } from '../api/selectors';
import {
  JsonObject,
  KubeObject,
  resourceKey,
  ResourceType,
} from '../api/types';
import { CelCompileError, CelEvalError, compileCel } from '../cel/environment';
import { toCel } from '../cel/values';
import { ResourceRegistry } from '../registry/registry';
import { ObjectStore } from '../storage/store';
import {
  isExempt,
  labelSelector,
  RequestAttributes,
  resourcesMatch,
} from './matching';

/** Who sent a request (authentication.k8s.io UserInfo). */
export interface AdmissionUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** One request to admit: its attributes plus what the policies' `request` variable shows. */
export interface AdmissionRequest extends RequestAttributes {
  dryRun: boolean;
  user?: AdmissionUser;
}

/** The admission request of a write that passed validation. */
export function admissionRequest(
  t: ResourceType,
  operation: AdmissionRequest['operation'],
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
  opts: { dryRun: boolean; user?: AdmissionUser },
  subresource = '',
): AdmissionRequest {
  const meta = (object ?? oldObject)?.metadata ?? {};
  let namespace: string = meta.namespace ?? '';
  // kube-apiserver sets a Namespace's own name as the namespace of requests naming it
  if (t.kind === 'Namespace' && !t.group)
    namespace = operation === 'CREATE' ? '' : meta.name;
  return {
    group: t.group,
    version: t.version,
    resource: t.plural,
    subresource,
    kind: t.kind,
    operation,
    name: meta.name ?? '',
    namespace,
    object,
    oldObject,
    dryRun: opts.dryRun,
    user: opts.user,
  };
}

const POLICIES = 'validatingadmissionpolicies.admissionregistration.k8s.io';
const BINDINGS =
  'validatingadmissionpolicybindings.admissionregistration.k8s.io';

/** A validation that failed (or could not run under failurePolicy Fail). */
interface Decision {
  message: string;
  /** Unset for evaluation and configuration errors (reported as Invalid). */
  reason?: string;
}

interface Denial extends Decision {
  policy: string;
  binding?: string;
}

const CODES: Record<string, number> = {
  Forbidden: 403,
  Unauthorized: 401,
  RequestEntityTooLarge: 413,
  Invalid: 422,
};

/** A binding's paramRef could not be resolved. */
class ConfigError extends Error {}

const errorText = (e: unknown) =>
  e instanceof CelEvalError || e instanceof CelCompileError
    ? e.message
    : String(e);

/** The activation with `variables`, each computed once, when first read (it may read earlier ones). */
function withLazyVariables(
  specs: JsonObject[],
  base: Record<string, unknown>,
): Record<string, unknown> {
  const vars: JsonObject = {};
  const activation = { ...base, variables: vars };
  for (const v of specs) {
    let done = false;
    let value: unknown;
    Object.defineProperty(vars, v.name, {
      enumerable: true,
      get() {
        if (!done) {
          try {
            value = compileCel('admission', v.expression).evaluate(activation);
          } catch (e) {
            throw new CelEvalError(
              `composited variable ${JSON.stringify(
                v.name,
              )} fails to evaluate: ${errorText(e)}`,
            );
          }
          done = true;
        }
        return value;
      },
    });
  }
  return activation;
}

/** Evaluates an expression; errors come back in kube-apiserver's `expression '…' resulted in error` form. */
function run(expression: string, activation: Record<string, unknown>) {
  try {
    return { value: compileCel('admission', expression).evaluate(activation) };
  } catch (e) {
    if (e instanceof CelCompileError)
      return { error: `compilation failed: ${e.message}` };
    return {
      error: `expression '${expression}' resulted in error: ${errorText(e)}`,
    };
  }
}

/** The message of a failed validation: messageExpression, else message, else the expression. */
function failureMessage(
  validation: JsonObject,
  activation: Record<string, unknown>,
): string {
  if (validation.messageExpression) {
    const m = run(validation.messageExpression, activation).value;
    if (
      typeof m === 'string' &&
      m.trim() &&
      m.trim().length <= 5120 &&
      !m.includes('\n')
    )
      return m.trim();
  }
  if (validation.message?.trim()) return validation.message.trim();
  return `failed expression: ${String(validation.expression).trim()}`;
}

/** One policy evaluated for one param: its failed validations (none when a matchCondition is false). */
function evaluatePolicy(
  spec: JsonObject,
  activation: Record<string, unknown>,
): Decision[] {
  const fail = (spec.failurePolicy ?? 'Fail') === 'Fail';
  const errors: string[] = [];
  for (const condition of spec.matchConditions ?? []) {
    const { value, error } = run(condition.expression, activation);
    if (error) errors.push(error);
    else if (value === false) return [];
  }
  if (errors.length) {
    if (!fail) return [];
    return [
      { message: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]` },
    ];
  }
  const withVariables = withLazyVariables(spec.variables ?? [], activation);
  const decisions: Decision[] = [];
  for (const validation of spec.validations ?? []) {
    const { value, error } = run(validation.expression, withVariables);
    if (error) {
      if (fail) decisions.push({ message: error });
    } else if (value !== true) {
      decisions.push({
        message: failureMessage(validation, withVariables),
        reason: validation.reason ?? 'Invalid',
      });
    }
  }
  return decisions;
}

/**
 * ValidatingAdmissionPolicies and their bindings (admissionregistration.k8s.io/v1), enforced on
 * every create, update and delete as kube-apiserver's ValidatingAdmissionPolicy plugin does:
 * matchConstraints and the binding's matchResources, params by paramRef (name or selector, with
 * parameterNotFoundAction), matchConditions, variables, validations with message,
 * messageExpression and reason; Deny fails the request with the first denial, Warn adds a
 * Warning header, Audit has no visible effect; failurePolicy decides about errors.
 */
export class ValidatingAdmissionPolicies {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  /** Throws the denial of the first policy that denies; appends Warn actions to `warnings`. */
  admit(req: AdmissionRequest, warnings: string[]): void {
    if (isExempt(req)) return;
    const policies = this.store.list(POLICIES);
    if (!policies.length) return;
    const bindings = this.store.list(BINDINGS);
    const namespaceObject =
      req.namespace && req.resource !== 'namespaces'
        ? this.store.get('namespaces', undefined, req.namespace)
        : undefined;
    const namespaceLabels = () =>
      req.resource === 'namespaces' && req.operation !== 'DELETE'
        ? req.object?.metadata?.labels
        : (
            namespaceObject ??
            this.store.get('namespaces', undefined, req.namespace)
          )?.metadata.labels;
    const base = {
      object: toCel(req.object ?? null),
      oldObject: toCel(req.oldObject ?? null),
      request: toCel(this.requestJson(req)),
      namespaceObject: toCel(namespaceObject ?? null),
    };
    const denials: Denial[] = [];
    for (const policy of policies) {
      const spec: JsonObject = policy.spec ?? {};
      const name = policy.metadata.name;
      const fail = (spec.failurePolicy ?? 'Fail') === 'Fail';
      if (!spec.matchConstraints) {
        if (fail)
          denials.push({
            policy: name,
            message:
              'failed to configure policy: policy contained no match constraints, a required field',
          });
        continue;
      }
      if (!resourcesMatch(spec.matchConstraints, req, namespaceLabels))
        continue;
      for (const binding of bindings) {
        if (binding.spec?.policyName !== name) continue;
        const matchResources = binding.spec.matchResources;
        if (
          matchResources &&
          !resourcesMatch(matchResources, req, namespaceLabels)
        )
          continue;
        let params: (KubeObject | null)[];
        try {
          params = this.params(spec.paramKind, binding.spec.paramRef, req);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          if (fail)
            denials.push({
              policy: name,
              binding: binding.metadata.name,
              message: `failed to configure binding: ${e.message}`,
            });
          continue;
        }
        for (const param of params) {
          const decisions = evaluatePolicy(spec, {
            ...base,
            params: toCel(param),
          });
          for (const d of decisions) {
            for (const action of binding.spec.validationActions ?? []) {
              if (action === 'Deny')
                denials.push({
                  ...d,
                  policy: name,
                  binding: binding.metadata.name,
                });
              if (action === 'Warn')
                warnings.push(
                  `Validation failed for ValidatingAdmissionPolicy '${name}' with binding '${binding.metadata.name}': ${d.message}`,
                );
            }
          }
        }
      }
    }
    if (denials.length) throw denied(req, denials[0]);
  }

  /** The params a binding selects (CollectParams); [null] when the policy takes none. */
  private params(
    paramKind: JsonObject | undefined,
    paramRef: JsonObject | undefined,
    req: AdmissionRequest,
  ): (KubeObject | null)[] {
    if (!paramKind || !paramRef) return [null];
    const [group, version] = String(paramKind.apiVersion).includes('/')
      ? String(paramKind.apiVersion).split('/')
      : ['', paramKind.apiVersion];
    const t = this.registry
      .all()
      .find(
        r =>
          r.group === group &&
          r.version === version &&
          r.kind === paramKind.kind,
      );
    if (!t)
      throw new ConfigError(
        `failed to find resource referenced by paramKind: '${paramKind.apiVersion}, Kind=${paramKind.kind}'`,
      );
    let namespace: string | undefined;
    if (t.namespaced) {
      namespace = paramRef.namespace || req.namespace;
      if (!namespace)
        throw new ConfigError(
          'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources',
        );
    } else if (paramRef.namespace) {
      throw new ConfigError(
        'paramRef.namespace must not be provided for a cluster-scoped `paramKind`',
      );
    }
    let found: KubeObject[];
    if (paramRef.name) {
      const obj = this.store.get(resourceKey(t), namespace, paramRef.name);
      found = obj ? [obj] : [];
    } else {
      const selector = labelSelector(paramRef.selector);
      found = this.store
        .list(resourceKey(t), namespace)
        .filter(o => matchesLabels(selector, o.metadata.labels));
    }
    if (!found.length && paramRef.parameterNotFoundAction === 'Deny')
      throw new ConfigError(
        'no params found for policy binding with `Deny` parameterNotFoundAction',
      );
    return found.map(o => ({
      ...o,
      apiVersion: paramKind.apiVersion,
      kind: paramKind.kind,
    }));
  }

  /** The `request` variable: an admission.k8s.io/v1 AdmissionRequest without the objects. */
  private requestJson(req: AdmissionRequest): JsonObject {
    const kind = { group: req.group, version: req.version, kind: req.kind };
    const resource = {
      group: req.group,
      version: req.version,
      resource: req.resource,
    };
    const user = req.user;
    return {
      kind,
      resource,
      subResource: req.subresource,
      requestKind: kind,
      requestResource: resource,
      requestSubResource: req.subresource,
      name: req.name,
      namespace: req.namespace,
      operation: req.operation,
      userInfo: {
        username: user?.username ?? '',
        uid: user?.uid ?? '',
        groups: user?.groups ?? [],
        extra: user?.extra ?? {},
      },
      dryRun: req.dryRun,
    };
  }
}

/** The error of a denial, shaped like admission.NewForbidden with the decision's reason and code. */
function denied(req: AdmissionRequest, d: Denial): ApiError {
  const why = d.binding
    ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
    : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  const resource = req.group ? `${req.resource}.${req.group}` : req.resource;
  const reason = d.reason ?? 'Invalid';
  const details: JsonObject = {};
  if (req.name) details.name = req.name;
  if (req.group) details.group = req.group;
  details.kind = req.resource;
  details.causes = [{ message: why }];
  return new ApiError(
    CODES[reason] ?? 422,
    reason,
    req.name
      ? `${resource} ${JSON.stringify(req.name)} is forbidden: ${why}`
      : `${resource} is forbidden: ${why}`,
    details,
  );
}
