import { badRequest, causes } from '../api/errors';
import { subdomainErrors } from '../api/names';
import { canonicalizeResourceList } from '../api/quantity';
import { timestamp } from '../api/time';
import {
  DefaultingContext,
  FieldCause,
  JsonObject,
  KubeObject,
  ResourceType,
} from '../api/types';
import {
  builtin,
  listTypes,
  replicasScale,
  TEMPLATE_SPEC,
  validateSelectorMatchesTemplate,
  workloadStructs,
} from './kinds/builtin';
import {
  ageColumn,
  col,
  containerImages,
  containerNames,
  formatLabels,
  formatSelector,
  nameColumn,
} from './kinds/columns';
import { coreEventType, eventsV1Type } from './kinds/events';
import { jobType } from './kinds/job';
import { nodeType } from './kinds/node';
import { podType } from './kinds/pod';
import { defaultPodTemplate } from './kinds/podSpec';
import { limitRangeType, resourceQuotaType } from './kinds/quota';
import { replicaSetType } from './kinds/replicaSet';

const dataKeyCauses = (
  obj: KubeObject,
  field: 'data' | 'binaryData',
): FieldCause[] =>
  Object.keys(obj[field] ?? {}).flatMap(k =>
    /^[-._a-zA-Z0-9]+$/.test(k) && k.length <= 253
      ? []
      : [
          causes.invalid(
            `${field}[${k}]`,
            k,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
          ),
        ],
  );

const readyCell = (o: KubeObject) =>
  `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`;

const servicePorts = (o: KubeObject) => {
  const ports = (o.spec?.ports ?? []).map((p: JsonObject) =>
    p.nodePort
      ? `${p.port}:${p.nodePort}/${p.protocol}`
      : `${p.port}/${p.protocol}`,
  );
  return ports.length ? ports.join(',') : '<none>';
};

const externalIP = (o: KubeObject) => {
  const type = o.spec?.type;
  if (type === 'ExternalName') return o.spec?.externalName ?? '<none>';
  const ingress = (o.status?.loadBalancer?.ingress ?? []).map(
    (i: JsonObject) => i.ip ?? i.hostname,
  );
  const ext = [...(o.spec?.externalIPs ?? []), ...ingress];
  if (ext.length) return ext.join(',');
  return type === 'LoadBalancer' ? '<pending>' : '<none>';
};

function defaultService(obj: KubeObject) {
  const spec = (obj.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    if (
      port.targetPort === undefined ||
      port.targetPort === 0 ||
      port.targetPort === ''
    ) {
      port.targetPort = port.port;
    }
  }
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  obj.status ??= { loadBalancer: {} };
}

function allocateService(obj: KubeObject, ctx: DefaultingContext) {
  const spec = obj.spec;
  if (spec.type === 'ExternalName') return;
  if (spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None') {
    spec.clusterIP = 'None';
    spec.clusterIPs = ['None'];
  } else {
    const ip =
      spec.clusterIP || spec.clusterIPs?.[0] || ctx.allocateClusterIP();
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  }
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    for (const port of spec.ports ?? [])
      port.nodePort ??= ctx.allocateNodePort();
  }
}

function validateService(obj: KubeObject): FieldCause[] {
  const out: FieldCause[] = [];
  const spec = obj.spec ?? {};
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (spec.type && !types.includes(spec.type))
    out.push(causes.unsupported('spec.type', spec.type, types));
  if (
    spec.type !== 'ExternalName' &&
    spec.clusterIP !== 'None' &&
    !(spec.ports ?? []).length
  ) {
    out.push(causes.required('spec.ports'));
  }
  (spec.ports ?? []).forEach((p: JsonObject, i: number) => {
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
      out.push(
        causes.invalid(
          `spec.ports[${i}].port`,
          p.port,
          'must be between 1 and 65535, inclusive',
        ),
      );
    }
    if ((spec.ports?.length ?? 0) > 1 && !p.name)
      out.push(causes.required(`spec.ports[${i}].name`));
  });
  return out;
}

function defaultNetworkPolicy(obj: KubeObject) {
  const spec = (obj.spec ??= {});
  spec.podSelector ??= {};
  if (!spec.policyTypes?.length) {
    spec.policyTypes = ['Ingress'];
    if ((spec.egress ?? []).length) spec.policyTypes.push('Egress');
  }
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
  }
}

function defaultSubjects(obj: KubeObject) {
  for (const s of obj.subjects ?? []) {
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) {
      s.apiGroup = 'rbac.authorization.k8s.io';
    }
  }
  if (obj.roleRef && !obj.roleRef.apiGroup)
    obj.roleRef.apiGroup = 'rbac.authorization.k8s.io';
}

const bindingColumns = [
  nameColumn,
  col('Role', o => `${o.roleRef?.kind}/${o.roleRef?.name}`),
  ageColumn,
  col('Users', o => subjectNames(o, 'User'), { priority: 1 }),
  col('Groups', o => subjectNames(o, 'Group'), { priority: 1 }),
  col('ServiceAccounts', o => subjectNames(o, 'ServiceAccount'), {
    priority: 1,
  }),
];

function subjectNames(o: KubeObject, kind: string) {
  return (o.subjects ?? [])
    .filter((s: JsonObject) => s.kind === kind)
    .map((s: JsonObject) =>
      kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name,
    )
    .join(', ');
}

const roleColumns = [
  nameColumn,
  col('Created At', o => o.metadata.creationTimestamp, { type: 'date' }),
];

function defaultAdmissionMatch(match: JsonObject | undefined) {
  if (!match) return;
  match.matchPolicy ??= 'Equivalent';
  match.namespaceSelector ??= {};
  match.objectSelector ??= {};
  for (const rule of match.resourceRules ?? []) rule.scope ??= '*';
  for (const rule of match.excludeResourceRules ?? []) rule.scope ??= '*';
}

/** Validates a CustomResourceDefinition's names and versions (the parts the emulator relies on). */
function validateCrd(obj: KubeObject): FieldCause[] {
  const out: FieldCause[] = [];
  const spec = obj.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group) out.push(causes.required('spec.group'));
  else
    for (const e of subdomainErrors(spec.group))
      out.push(causes.invalid('spec.group', spec.group, e));
  if (!names.plural) out.push(causes.required('spec.names.plural'));
  if (!names.kind) out.push(causes.required('spec.names.kind'));
  if (!['Namespaced', 'Cluster'].includes(spec.scope)) {
    out.push(
      causes.unsupported('spec.scope', spec.scope ?? '', [
        'Cluster',
        'Namespaced',
      ]),
    );
  }
  if (
    names.plural &&
    spec.group &&
    obj.metadata.name !== `${names.plural}.${spec.group}`
  ) {
    out.push(
      causes.invalid(
        'metadata.name',
        obj.metadata.name,
        `must be spec.names.plural+"."+spec.group`,
      ),
    );
  }
  const versions: JsonObject[] = spec.versions ?? [];
  if (!versions.length)
    out.push(
      causes.required(
        'spec.versions',
        'must have exactly one version marked as storage version',
      ),
    );
  else if (versions.filter(v => v.storage).length !== 1) {
    out.push(
      causes.invalid(
        'spec.versions',
        versions.map(v => v.name),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) {
      out.push(
        causes.required(
          `spec.versions[${i}].schema.openAPIV3Schema`,
          'schemas are required',
        ),
      );
    }
  });
  return out;
}

function defaultCrd(obj: KubeObject) {
  const spec = (obj.spec ??= {});
  const names = (spec.names ??= {});
  if (names.kind) {
    names.singular ??= String(names.kind).toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
}

/** Go's base64 decoding error for a Secret value, if it is not valid base64. */
function base64Error(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'illegal base64 data at input byte 0';
  const bad = value.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
  if (value.length % 4 !== 0 || /=[^=]/.test(value))
    return `illegal base64 data at input byte ${
      value.length - (value.length % 4 || 4)
    }`;
  return undefined;
}

const roleRefImmutable = (obj: KubeObject, old?: KubeObject): FieldCause[] => {
  if (!old || JSON.stringify(old.roleRef) === JSON.stringify(obj.roleRef))
    return [];
  const r = obj.roleRef ?? {};
  const value = `rbac.RoleRef{APIGroup:"${r.apiGroup ?? ''}", Kind:"${
    r.kind ?? ''
  }", Name:"${r.name ?? ''}"}`;
  return [
    {
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${value}: cannot change roleRef`,
      field: 'roleRef',
    },
  ];
};

/** The status the CRD controllers settle on for a CRD whose names are free. */
export function establishedCrdStatus(obj: KubeObject): JsonObject {
  const now = timestamp();
  const { kind, listKind, plural, singular, shortNames, categories } =
    obj.spec.names;
  const acceptedNames: JsonObject = { kind, listKind, plural, singular };
  if (shortNames?.length) acceptedNames.shortNames = shortNames;
  if (categories?.length) acceptedNames.categories = categories;
  return {
    acceptedNames,
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: now,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: now,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    storedVersions: (obj.spec.versions ?? [])
      .filter((v: JsonObject) => v.storage)
      .map((v: JsonObject) => v.name),
  };
}

/** The built-in kinds the emulator serves. */
export function builtinResourceTypes(): ResourceType[] {
  return [
    builtin({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      topLevelFields: ['spec', 'status'],
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      statusSubresource: true,
      nameValidation: 'label',
      implicitStructs: [['spec'], ['status']],
      defaults: obj => {
        obj.metadata.labels = {
          ...obj.metadata.labels,
          'kubernetes.io/metadata.name': obj.metadata.name,
        };
      },
      allocate: obj => {
        obj.spec = { finalizers: ['kubernetes'] };
        obj.status = { phase: 'Active' };
      },
      printerColumns: [
        nameColumn,
        col('Status', o => o.status?.phase ?? ''),
        ageColumn,
      ],
      selectableFields: { 'status.phase': o => o.status?.phase },
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      topLevelFields: ['data', 'binaryData', 'immutable'],
      plural: 'configmaps',
      shortNames: ['cm'],
      validate: obj => [
        ...dataKeyCauses(obj, 'data'),
        ...dataKeyCauses(obj, 'binaryData'),
      ],
      printerColumns: [
        nameColumn,
        col(
          'Data',
          o =>
            Object.keys(o.data ?? {}).length +
            Object.keys(o.binaryData ?? {}).length,
        ),
        ageColumn,
      ],
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'Secret',
      topLevelFields: ['data', 'stringData', 'type', 'immutable'],
      plural: 'secrets',
      defaults: obj => {
        obj.type ??= 'Opaque';
        if (obj.stringData) {
          obj.data = { ...obj.data };
          for (const [k, v] of Object.entries(obj.stringData)) {
            obj.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
          }
          delete obj.stringData;
        }
      },
      validate: obj => dataKeyCauses(obj, 'data'),
      decode: obj => {
        for (const v of Object.values(obj.data ?? {})) {
          const bad = base64Error(v);
          if (bad)
            throw badRequest(
              `Secret in version "v1" cannot be handled as a Secret: ${bad}`,
            );
        }
      },
      printerColumns: [
        nameColumn,
        col('Type', o => o.type),
        col('Data', o => Object.keys(o.data ?? {}).length),
        ageColumn,
      ],
      selectableFields: { type: o => o.type },
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'ServiceAccount',
      topLevelFields: [
        'secrets',
        'imagePullSecrets',
        'automountServiceAccountToken',
      ],
      plural: 'serviceaccounts',
      shortNames: ['sa'],
      listTypeAt: listTypes(undefined, p =>
        p.length === 1 && (p[0] === 'secrets' || p[0] === 'imagePullSecrets')
          ? { type: 'map', keys: ['name'], mergeKey: 'name' }
          : undefined,
      ),
      printerColumns: [nameColumn, ageColumn],
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'Service',
      topLevelFields: ['spec', 'status'],
      plural: 'services',
      shortNames: ['svc'],
      categories: ['all'],
      statusSubresource: true,
      nameValidation: 'label1035',
      implicitStructs: [['spec'], ['status'], ['status', 'loadBalancer']],
      defaults: defaultService,
      allocate: (obj, ctx) => allocateService(obj, ctx),
      validate: validateService,
      listTypeAt: listTypes(undefined, p =>
        p.length === 2 && p[0] === 'spec' && p[1] === 'ports'
          ? { type: 'map', keys: ['port', 'protocol'], mergeKey: 'port' }
          : undefined,
      ),
      printerColumns: [
        nameColumn,
        col('Type', o => o.spec?.type),
        col('Cluster-IP', o => o.spec?.clusterIP ?? '<none>'),
        col('External-IP', externalIP),
        col('Port(s)', servicePorts),
        ageColumn,
        col('Selector', o => formatLabels(o.spec?.selector), { priority: 1 }),
      ],
    }),
    podType(),
    nodeType(),
    coreEventType(),
    eventsV1Type(),
    resourceQuotaType(),
    limitRangeType(),
    builtin({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      topLevelFields: ['spec', 'status'],
      plural: 'deployments',
      shortNames: ['deploy'],
      categories: ['all'],
      statusSubresource: true,
      scale: replicasScale,
      hasGeneration: true,
      generationFields: [['spec'], ['metadata', 'annotations']],
      implicitStructs: [...workloadStructs, ['spec', 'strategy']],
      defaults: obj => {
        const spec = (obj.spec ??= {});
        spec.replicas ??= 1;
        spec.strategy ??= {};
        spec.strategy.type ??= 'RollingUpdate';
        if (spec.strategy.type === 'RollingUpdate') {
          spec.strategy.rollingUpdate ??= {};
          spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
          spec.strategy.rollingUpdate.maxSurge ??= '25%';
        }
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
        defaultPodTemplate((spec.template ??= {}));
      },
      allocate: obj => {
        obj.status = {};
      },
      validate: validateSelectorMatchesTemplate,
      listTypeAt: listTypes(TEMPLATE_SPEC),
      printerColumns: [
        nameColumn,
        col('Ready', readyCell),
        col('Up-to-date', o => o.status?.updatedReplicas ?? 0),
        col('Available', o => o.status?.availableReplicas ?? 0),
        ageColumn,
        col('Containers', o => containerNames(o.spec?.template?.spec), {
          priority: 1,
        }),
        col('Images', o => containerImages(o.spec?.template?.spec), {
          priority: 1,
        }),
        col('Selector', o => formatSelector(o.spec?.selector), { priority: 1 }),
      ],
    }),
    replicaSetType(),
    jobType(),
    builtin({
      group: 'apps',
      version: 'v1',
      kind: 'DaemonSet',
      topLevelFields: ['spec', 'status'],
      plural: 'daemonsets',
      shortNames: ['ds'],
      categories: ['all'],
      statusSubresource: true,
      hasGeneration: true,
      generationFields: [['spec']],
      implicitStructs: [...workloadStructs, ['spec', 'updateStrategy']],
      defaults: obj => {
        const spec = (obj.spec ??= {});
        spec.updateStrategy ??= {};
        spec.updateStrategy.type ??= 'RollingUpdate';
        if (spec.updateStrategy.type === 'RollingUpdate') {
          spec.updateStrategy.rollingUpdate ??= {};
          spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
          spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
        }
        spec.revisionHistoryLimit ??= 10;
        defaultPodTemplate((spec.template ??= {}));
      },
      allocate: obj => {
        obj.metadata.annotations = {
          ...obj.metadata.annotations,
          'deprecated.daemonset.template.generation': '1',
        };
        obj.status = {
          currentNumberScheduled: 0,
          numberMisscheduled: 0,
          desiredNumberScheduled: 0,
          numberReady: 0,
        };
      },
      validate: validateSelectorMatchesTemplate,
      listTypeAt: listTypes(TEMPLATE_SPEC),
      printerColumns: [
        nameColumn,
        col('Desired', o => o.status?.desiredNumberScheduled ?? 0),
        col('Current', o => o.status?.currentNumberScheduled ?? 0),
        col('Ready', o => o.status?.numberReady ?? 0),
        col('Up-to-date', o => o.status?.updatedNumberScheduled ?? 0),
        col('Available', o => o.status?.numberAvailable ?? 0),
        col('Node Selector', o =>
          formatLabels(o.spec?.template?.spec?.nodeSelector),
        ),
        ageColumn,
        col('Containers', o => containerNames(o.spec?.template?.spec), {
          priority: 1,
        }),
        col('Images', o => containerImages(o.spec?.template?.spec), {
          priority: 1,
        }),
        col('Selector', o => formatSelector(o.spec?.selector), { priority: 1 }),
      ],
    }),
    builtin({
      group: 'networking.k8s.io',
      version: 'v1',
      kind: 'NetworkPolicy',
      topLevelFields: ['spec'],
      plural: 'networkpolicies',
      shortNames: ['netpol'],
      hasGeneration: true,
      generationFields: [['spec']],
      implicitStructs: [['spec'], ['spec', 'podSelector']],
      defaults: defaultNetworkPolicy,
      printerColumns: [
        nameColumn,
        col('Pod-Selector', o =>
          formatSelector(o.spec?.podSelector).replace('<none>', '<none>'),
        ),
        ageColumn,
      ],
    }),
    builtin({
      group: 'networking.k8s.io',
      version: 'v1',
      kind: 'Ingress',
      topLevelFields: ['spec', 'status'],
      plural: 'ingresses',
      shortNames: ['ing'],
      statusSubresource: true,
      hasGeneration: true,
      generationFields: [['spec']],
      implicitStructs: [['spec'], ['status'], ['status', 'loadBalancer']],
      printerColumns: [
        nameColumn,
        col('Class', o => o.spec?.ingressClassName ?? '<none>'),
        col('Hosts', o =>
          (o.spec?.rules ?? []).map((r: any) => r.host ?? '*').join(','),
        ),
        col('Address', o =>
          (o.status?.loadBalancer?.ingress ?? [])
            .map((i: any) => i.ip ?? i.hostname)
            .join(','),
        ),
        col('Ports', o => (o.spec?.tls?.length ? '80, 443' : '80')),
        ageColumn,
      ],
    }),
    builtin({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      topLevelFields: ['spec'],
      microTimeFields: {
        spec: { acquireTime: 'LeaseSpec', renewTime: 'LeaseSpec' },
      },
      plural: 'leases',
      implicitStructs: [['spec']],
      defaults: obj => {
        obj.spec ??= {};
      },
      printerColumns: [
        nameColumn,
        col('Holder', o => o.spec?.holderIdentity ?? ''),
        ageColumn,
      ],
    }),
    builtin({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind: 'Role',
      topLevelFields: ['rules'],
      plural: 'roles',
      nameValidation: 'path',
      printerColumns: roleColumns,
    }),
    builtin({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind: 'ClusterRole',
      topLevelFields: ['rules', 'aggregationRule'],
      plural: 'clusterroles',
      namespaced: false,
      nameValidation: 'path',
      printerColumns: roleColumns,
    }),
    builtin({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind: 'RoleBinding',
      topLevelFields: ['subjects', 'roleRef'],
      plural: 'rolebindings',
      nameValidation: 'path',
      defaults: defaultSubjects,
      validate: roleRefImmutable,
      printerColumns: bindingColumns,
    }),
    builtin({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind: 'ClusterRoleBinding',
      topLevelFields: ['subjects', 'roleRef'],
      plural: 'clusterrolebindings',
      namespaced: false,
      nameValidation: 'path',
      defaults: defaultSubjects,
      validate: roleRefImmutable,
      printerColumns: bindingColumns,
    }),
    builtin({
      group: 'node.k8s.io',
      version: 'v1',
      kind: 'RuntimeClass',
      topLevelFields: ['handler', 'overhead', 'scheduling'],
      plural: 'runtimeclasses',
      namespaced: false,
      defaults: obj => canonicalizeResourceList(obj.overhead?.podFixed),
      validate: obj => (obj.handler ? [] : [causes.required('handler')]),
      printerColumns: [nameColumn, col('Handler', o => o.handler), ageColumn],
    }),
    builtin({
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      kind: 'ValidatingAdmissionPolicy',
      topLevelFields: ['spec', 'status'],
      plural: 'validatingadmissionpolicies',
      namespaced: false,
      statusSubresource: true,
      hasGeneration: true,
      generationFields: [['spec']],
      implicitStructs: [['spec'], ['status']],
      defaults: obj => {
        const spec = (obj.spec ??= {});
        spec.failurePolicy ??= 'Fail';
        defaultAdmissionMatch(spec.matchConstraints);
      },
      allocate: obj => {
        delete obj.status;
      },
      listTypeAt: listTypes(undefined, p =>
        p.length === 2 && p[0] === 'spec' && p[1] === 'variables'
          ? { type: 'map', keys: ['name'], mergeKey: 'name' }
          : undefined,
      ),
      printerColumns: [
        nameColumn,
        col('Validations', o => (o.spec?.validations ?? []).length),
        col('ParamKind', o =>
          o.spec?.paramKind
            ? `${o.spec.paramKind.apiVersion}/${o.spec.paramKind.kind}`
            : '<unset>',
        ),
        ageColumn,
      ],
    }),
    builtin({
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      topLevelFields: ['spec'],
      plural: 'validatingadmissionpolicybindings',
      namespaced: false,
      hasGeneration: true,
      generationFields: [['spec']],
      implicitStructs: [['spec']],
      defaults: obj => {
        const spec = (obj.spec ??= {});
        defaultAdmissionMatch((spec.matchResources ??= {}));
      },
      printerColumns: [
        nameColumn,
        col('PolicyName', o => o.spec?.policyName),
        col('ParamRef', o =>
          o.spec?.paramRef
            ? `${o.spec.paramRef.namespace ?? ''}/${
                o.spec.paramRef.name ?? '*'
              }`
            : '<unset>',
        ),
        ageColumn,
      ],
    }),
    builtin({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
      topLevelFields: ['spec', 'status'],
      plural: 'customresourcedefinitions',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      statusSubresource: true,
      hasGeneration: true,
      generationFields: [['spec']],
      allowUnconditionalUpdate: false,
      implicitStructs: [
        ['spec'],
        ['status'],
        ['spec', 'names'],
        ['status', 'acceptedNames'],
      ],
      defaults: defaultCrd,
      validate: validateCrd,
      allocate: obj => {
        obj.metadata.finalizers = [
          ...(obj.metadata.finalizers ?? []),
          'customresourcecleanup.apiextensions.k8s.io',
        ];
        obj.status = establishedCrdStatus(obj);
      },
      listTypeAt: listTypes(undefined, p =>
        p.length === 2 && p[0] === 'spec' && p[1] === 'versions'
          ? { type: 'map', keys: ['name'], mergeKey: 'name' }
          : undefined,
      ),
      printerColumns: roleColumns,
    }),
  ];
}
