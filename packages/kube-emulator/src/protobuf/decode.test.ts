import { decodeKubernetesProtobuf } from './decode';

describe('Kubernetes protobuf bodies', () => {
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

  it('decodes a Namespace', () => {
    const body = Buffer.from(
      '6b3873000a0f0a02763112094e616d657370616365121b0a130a0361626312001a0022002a0032003800420012001a020a001a002200',
      'hex',
    );
    expect(decodeKubernetesProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'abc' },
      spec: {},
    });
  });

  it('refuses kinds it has no schema for with 415', () => {
    const typeMeta = Buffer.concat([
      Buffer.from([0x0a, 0x07]),
      Buffer.from('apps/v1'),
      Buffer.from([0x12, 0x0a]),
      Buffer.from('Deployment'),
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
