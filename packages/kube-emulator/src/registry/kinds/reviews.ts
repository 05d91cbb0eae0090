import {
  ApiError,
  badRequest,
  conflict,
  invalid,
  notFound,
} from '../../api/errors';
import { timestamp } from '../../api/time';
import {
  FieldCause,
  JsonObject,
  KubeObject,
  ResourceType,
  ReviewContext,
} from '../../api/types';
import { reviewAttributes } from '../../auth/attributes';
import { ruleJson } from '../../auth/rbac';
import { API_AUDIENCES } from '../../auth/tokens';
import { userInfoJson } from '../../auth/user';
import { defaultColumns } from './columns';

function review(
  group: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  answer: (o: KubeObject, ctx: ReviewContext) => KubeObject,
): ResourceType {
  return {
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    verbs: ['create'],
    statusSubresource: false,
    hasGeneration: false,
    allowUnconditionalUpdate: true,
    nameValidation: 'subdomain',
    listTypeAt: () => undefined,
    printerColumns: defaultColumns,
    review: answer,
  };
}

/** A 422 of a review kind: the review has no name, so the details carry none. */
function invalidReview(kind: string, group: string, found: FieldCause[]) {
  const e = invalid({ group, kind, name: '' }, found);
  const { name: _n, ...details } = e.details ?? {};
  return new ApiError(e.code, e.reason, e.message, details);
}

/** field.Invalid's value: JSON, or null for a missing one. */
const cause = (field: string, value: unknown, detail: string): FieldCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${
    value === undefined ? 'null' : JSON.stringify(value)
  }: ${detail}`,
  field,
});

/** The checks every access review's spec gets (ValidateSubjectAccessReviewSpec). */
function accessSpecCauses(spec: JsonObject, subject: boolean): FieldCause[] {
  const found: FieldCause[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes)
    found.push(
      cause(
        'spec.nonResourceAttributes',
        spec.nonResourceAttributes,
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  if (!spec.resourceAttributes && !spec.nonResourceAttributes)
    found.push(
      cause(
        'spec.resourceAttributes',
        undefined,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  if (subject && !spec.user && !(spec.groups ?? []).length)
    found.push(
      cause(
        'spec.user',
        spec.user ?? '',
        'at least one of user or group must be specified',
      ),
    );
  return found;
}

/** An access review answered by the authorizer for `user` (SubjectAccessReviewStatus). */
function accessReview(
  o: KubeObject,
  ctx: ReviewContext,
  user: ReviewContext['user'],
): KubeObject {
  const decision = ctx.auth.authorizer.authorize(
    reviewAttributes(user, o.spec),
  );
  return {
    ...o,
    status: {
      allowed: decision.allowed,
      ...(decision.reason ? { reason: decision.reason } : {}),
    },
  };
}

function selfSubjectAccessReview(o: KubeObject, ctx: ReviewContext) {
  const spec = o.spec ?? {};
  const found = accessSpecCauses(spec, false);
  if (found.length)
    throw invalidReview(
      'SelfSubjectAccessReview',
      'authorization.k8s.io',
      found,
    );
  return accessReview({ ...o, spec }, ctx, ctx.user);
}

function subjectAccessReview(kind: string) {
  return (o: KubeObject, ctx: ReviewContext) => {
    const spec = o.spec ?? {};
    const found = accessSpecCauses(spec, true);
    if (kind === 'LocalSubjectAccessReview') {
      if (
        spec.resourceAttributes &&
        (spec.resourceAttributes.namespace ?? '') !== ctx.namespace
      )
        found.push(
          cause(
            'spec.resourceAttributes.namespace',
            spec.resourceAttributes.namespace ?? '',
            'must match metadata.namespace',
          ),
        );
      if (spec.nonResourceAttributes)
        found.push(
          cause(
            'spec.nonResourceAttributes',
            spec.nonResourceAttributes,
            'disallowed on this kind of request',
          ),
        );
    }
    if (found.length) throw invalidReview(kind, 'authorization.k8s.io', found);
    return accessReview(o, ctx, {
      username: spec.user ?? '',
      uid: spec.uid,
      groups: spec.groups ?? [],
      extra: spec.extra,
    });
  };
}

function selfSubjectRulesReview(o: KubeObject, ctx: ReviewContext) {
  const namespace = o.spec?.namespace;
  if (!namespace) throw badRequest('no namespace on request');
  const { rules, errors } = ctx.auth.authorizer.rbac.rulesFor(
    ctx.user,
    namespace,
  );
  return {
    kind: o.kind,
    apiVersion: o.apiVersion,
    metadata: {},
    spec: {},
    status: {
      resourceRules: rules
        .filter(r => r.resources?.length)
        .map(r => ruleJson({ ...r, nonResourceURLs: undefined })),
      nonResourceRules: rules
        .filter(r => r.nonResourceURLs?.length)
        .map(r => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
      incomplete: false,
      ...(errors.length
        ? {
            evaluationError:
              errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`,
          }
        : {}),
    },
  };
}

function tokenReview(o: KubeObject, ctx: ReviewContext) {
  const spec = o.spec ?? {};
  if (!spec.token)
    throw badRequest('token is required for TokenReview in authentication');
  const result = ctx.auth.authenticator.review(
    spec.token,
    spec.audiences ?? [],
  );
  return {
    ...o,
    spec,
    status: result.authenticated
      ? {
          authenticated: true,
          user: {
            ...userInfoJson(result.user),
            extra: result.user.extra ?? {},
          },
          audiences: result.audiences,
        }
      : { user: {}, error: result.error },
  };
}

/** The review kinds: answered from the emulator's authentication and RBAC, never stored. */
export function reviewResourceTypes(): ResourceType[] {
  return [
    review(
      'authentication.k8s.io',
      'TokenReview',
      'tokenreviews',
      false,
      tokenReview,
    ),
    review(
      'authentication.k8s.io',
      'SelfSubjectReview',
      'selfsubjectreviews',
      false,
      (o, ctx) => ({
        kind: o.kind,
        apiVersion: o.apiVersion,
        metadata: { creationTimestamp: timestamp() },
        status: { userInfo: userInfoJson(ctx.user) },
      }),
    ),
    review(
      'authorization.k8s.io',
      'SelfSubjectAccessReview',
      'selfsubjectaccessreviews',
      false,
      selfSubjectAccessReview,
    ),
    review(
      'authorization.k8s.io',
      'SubjectAccessReview',
      'subjectaccessreviews',
      false,
      subjectAccessReview('SubjectAccessReview'),
    ),
    review(
      'authorization.k8s.io',
      'LocalSubjectAccessReview',
      'localsubjectaccessreviews',
      true,
      subjectAccessReview('LocalSubjectAccessReview'),
    ),
    review(
      'authorization.k8s.io',
      'SelfSubjectRulesReview',
      'selfsubjectrulesreviews',
      false,
      selfSubjectRulesReview,
    ),
  ];
}

const MIN_EXPIRATION = 600;
const MAX_EXPIRATION = 2 ** 32;

/**
 * A TokenRequest for the ServiceAccount `sa` (serviceaccounts/<name>/token): a signed token for
 * the requested audiences (the API server's by default) and lifetime (default an hour, at least
 * ten minutes), optionally bound to a Pod, Secret or Node that must exist.
 */
export function tokenRequest(
  sa: KubeObject,
  body: KubeObject | undefined,
  ctx: ReviewContext,
  lookup: (kind: string, name: string) => KubeObject | undefined,
): KubeObject {
  const req: JsonObject = body ?? {};
  const meta: JsonObject = req.metadata ?? {};
  const name = sa.metadata.name;
  const namespace = sa.metadata.namespace;
  const group = 'authentication.k8s.io';
  if (meta.name && meta.name !== name)
    throw invalidReview('TokenRequest', group, [
      cause(
        'metadata.name',
        meta.name,
        'must match the service account name if specified',
      ),
    ]);
  if (meta.namespace && meta.namespace !== namespace)
    throw invalidReview('TokenRequest', group, [
      cause(
        'metadata.namespace',
        meta.namespace,
        'must match the service account namespace if specified',
      ),
    ]);
  if (meta.uid && meta.uid !== sa.metadata.uid) {
    throw conflict(
      { group, plural: 'TokenRequest', name },
      `the UID in the token request (${meta.uid}) does not match the UID of the service account (${sa.metadata.uid})`,
    );
  }
  const spec: JsonObject = req.spec ?? {};
  const audiences: string[] = spec.audiences?.length
    ? spec.audiences
    : API_AUDIENCES;
  const expirationSeconds: number = spec.expirationSeconds ?? 3600;
  if (expirationSeconds < MIN_EXPIRATION)
    throw invalidReview('TokenRequest', group, [
      cause(
        'spec.expirationSeconds',
        expirationSeconds,
        'may not specify a duration less than 10 minutes',
      ),
    ]);
  if (expirationSeconds > MAX_EXPIRATION)
    throw invalidReview('TokenRequest', group, [
      cause(
        'spec.expirationSeconds',
        expirationSeconds,
        'may not specify a duration larger than 2^32 seconds',
      ),
    ]);
  const ref: JsonObject | undefined = spec.boundObjectRef ?? undefined;
  let bound: { kind: string; object: KubeObject } | undefined;
  if (ref) {
    const kind = ref.kind;
    const plural: Record<string, string> = {
      Pod: 'pods',
      Secret: 'secrets',
      Node: 'nodes',
    };
    if ((ref.apiVersion ?? 'v1') !== 'v1' || !plural[kind])
      throw badRequest(
        `cannot bind token to object of type ${ref.apiVersion ?? ''}, Kind=${
          kind ?? ''
        }`,
      );
    const object = lookup(kind, ref.name);
    if (!object)
      throw notFound({ group: '', plural: plural[kind], name: ref.name });
    if (kind === 'Pod' && object.spec?.serviceAccountName !== name)
      throw badRequest(
        `cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`,
      );
    if (ref.uid && ref.uid !== object.metadata.uid)
      throw conflict(
        { group: '', plural: kind, name: ref.name },
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    bound = { kind, object };
  }
  const now = new Date();
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {
      name,
      namespace,
      uid: sa.metadata.uid,
      creationTimestamp: timestamp(now),
    },
    spec: {
      audiences,
      expirationSeconds,
      boundObjectRef: ref ?? null,
    },
    status: {
      token: ctx.auth.tokens.issue(
        sa,
        audiences,
        expirationSeconds,
        bound,
        now,
      ),
      expirationTimestamp: timestamp(
        new Date(now.getTime() + expirationSeconds * 1000),
      ),
    },
  };
}
