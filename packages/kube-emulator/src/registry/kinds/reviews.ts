import { randomBytes } from 'node:crypto';
import { timestamp } from '../../api/time';
import { KubeObject, ResourceType } from '../../api/types';
import { defaultColumns } from './columns';

const USER = {
  username: 'kars-emulator-admin',
  groups: ['system:masters', 'system:authenticated'],
};

const ALLOWED = {
  allowed: true,
  reason:
    'the kars kube-emulator allows every request; RBAC is judged only by a real kube-apiserver',
};

function review(
  group: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  status: (o: KubeObject) => object,
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
    review: obj => ({
      ...obj,
      metadata: { ...obj.metadata, creationTimestamp: null },
      status: status(obj),
    }),
  };
}

/** The review kinds: answered at once (everyone is an admin here), never stored. */
export function reviewResourceTypes(): ResourceType[] {
  return [
    review(
      'authentication.k8s.io',
      'TokenReview',
      'tokenreviews',
      false,
      o => ({
        authenticated: true,
        user: USER,
        audiences: o.spec?.audiences ?? [],
      }),
    ),
    review(
      'authentication.k8s.io',
      'SelfSubjectReview',
      'selfsubjectreviews',
      false,
      () => ({ userInfo: USER }),
    ),
    review(
      'authorization.k8s.io',
      'SelfSubjectAccessReview',
      'selfsubjectaccessreviews',
      false,
      () => ALLOWED,
    ),
    review(
      'authorization.k8s.io',
      'SubjectAccessReview',
      'subjectaccessreviews',
      false,
      () => ALLOWED,
    ),
    review(
      'authorization.k8s.io',
      'LocalSubjectAccessReview',
      'localsubjectaccessreviews',
      true,
      () => ALLOWED,
    ),
    review(
      'authorization.k8s.io',
      'SelfSubjectRulesReview',
      'selfsubjectrulesreviews',
      false,
      () => ({
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      }),
    ),
  ];
}

/** A TokenRequest answer for a ServiceAccount (serviceaccounts/token). */
export function tokenRequest(
  sa: KubeObject,
  body: KubeObject | undefined,
): KubeObject {
  const expirationSeconds = body?.spec?.expirationSeconds ?? 3600;
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {
      name: sa.metadata.name,
      namespace: sa.metadata.namespace,
      creationTimestamp: timestamp(),
    },
    spec: {
      audiences: body?.spec?.audiences ?? ['https://kubernetes.default.svc'],
      expirationSeconds,
      boundObjectRef: body?.spec?.boundObjectRef ?? null,
    },
    status: {
      token: `kars-emulator.${sa.metadata.namespace}.${
        sa.metadata.name
      }.${randomBytes(12).toString('hex')}`,
      expirationTimestamp: timestamp(
        new Date(Date.now() + expirationSeconds * 1000),
      ),
    },
  };
}
