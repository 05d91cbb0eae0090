import {
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  hasProtobuf,
} from './codec';

const roundTrip = (obj: object) =>
  decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj)!);

describe('Kubernetes protobuf', () => {
  it('decodes a ConfigMap as kubectl create configmap sends it', () => {
    const body = Buffer.from(
      '6b3873000a0f0a0276311209436f6e6669674d6170121e0a140a017812001a0361626322002a0032003800420012060a016b1201761a002200',
      'hex',
    );
    expect(decodeKubernetesProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'abc' },
      data: { k: 'v' },
    });
  });

  it('decodes a Namespace, keeping its empty spec as Go does', () => {
    const body = Buffer.from(
      '6b3873000a0f0a02763112094e616d657370616365121b0a130a0361626312001a0022002a0032003800420012001a020a001a002200',
      'hex',
    );
    expect(decodeKubernetesProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'abc' },
      spec: {},
      status: {},
    });
  });

  it('keeps explicit zeros of pointer fields and drops omitempty zeros', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'default',
        labels: { app: 'web' },
        creationTimestamp: '2026-01-02T03:04:05Z',
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'nginx',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m', memory: '1Gi' } },
                securityContext: { allowPrivilegeEscalation: false },
                readinessProbe: {
                  httpGet: { path: '/', port: 'http' },
                  periodSeconds: 10,
                },
              },
            ],
            volumes: [{ name: 'v', emptyDir: {} }],
          },
        },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 },
        },
        paused: false,
      },
    };
    const { paused: _p, ...specWithoutPaused } = deployment.spec;
    expect(roundTrip(deployment)).toEqual({
      ...deployment,
      spec: specWithoutPaused,
    });
  });

  it('round-trips Secret bytes, MicroTime, FieldsV1 and user extras', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2026-01-02T03:04:05Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { '.': {}, 'f:k': {} } },
          },
        ],
      },
      data: { k: Buffer.from('secret value').toString('base64') },
      type: 'Opaque',
    };
    expect(roundTrip(secret)).toEqual(secret);
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l' },
      spec: { renewTime: '2026-01-02T03:04:05.123456Z', holderIdentity: 'a' },
    };
    expect(roundTrip(lease)).toEqual(lease);
    const review = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: { creationTimestamp: '2026-01-02T03:04:05Z' },
      status: {
        userInfo: {
          username: 'system:serviceaccount:ns:sa',
          uid: 'u',
          groups: ['system:serviceaccounts', 'system:authenticated'],
          extra: { 'authentication.kubernetes.io/credential-id': ['JTI=x'] },
        },
      },
    };
    expect(roundTrip(review)).toEqual(review);
  });

  it('round-trips a CRD with its JSONSchemaProps unions', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'foos.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'foos', kind: 'Foo' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    'x-kubernetes-preserve-unknown-fields': true,
                    additionalProperties: false,
                    properties: {
                      tags: { type: 'array', items: { type: 'string' } },
                      size: { type: 'integer', default: 3 },
                    },
                    'x-kubernetes-validations': [
                      { rule: 'self.size > 0', message: 'positive' },
                    ],
                  },
                },
              },
            },
          },
        ],
      },
      status: {},
    };
    expect(roundTrip(crd)).toEqual(crd);
  });

  it('knows the built-in kinds and meta types, not custom ones', () => {
    expect(hasProtobuf('v1', 'Status')).toBe(true);
    expect(
      hasProtobuf('authorization.k8s.io/v1', 'SelfSubjectAccessReview'),
    ).toBe(true);
    expect(hasProtobuf('kars.azure.com/v1alpha1', 'KarsSandbox')).toBe(false);
    expect(
      encodeKubernetesProtobuf({ apiVersion: 'x/v1', kind: 'Y' }),
    ).toBeUndefined();
  });

  it('refuses kinds it has no message for with 415', () => {
    const typeMeta = Buffer.concat([
      Buffer.from([0x0a, 0x17]),
      Buffer.from('kars.azure.com/v1alpha1'),
      Buffer.from([0x12, 0x0b]),
      Buffer.from('KarsSandbox'),
    ]);
    const body = Buffer.concat([
      Buffer.from('6b387300', 'hex'),
      Buffer.from([0x0a, typeMeta.length]),
      typeMeta,
    ]);
    expect(() => decodeKubernetesProtobuf(body)).toThrow(
      expect.objectContaining({ code: 415 }),
    );
  });
});
