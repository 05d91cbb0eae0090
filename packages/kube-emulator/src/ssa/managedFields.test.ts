import { JsonObject, ListType } from '../api/types';
import { fromFieldsV1, Schema } from './fieldSet';
import { decodeManagers, encodeManagers, recordUpdate } from './managedFields';

const schema: Schema = {
  listTypeAt: (path): ListType | undefined =>
    path.join('.') === 'status.conditions'
      ? { type: 'map', keys: ['type'] }
      : undefined,
};

const statusWrite = {
  manager: 'kubelet',
  apiVersion: 'v1',
  subresource: 'status',
  schema,
  statusSubresource: true,
};

const pod = (phase: string, ready: string): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    labels: { app: 'a' },
    managedFields: encodeManagers([
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-12-06T08:00:00Z',
        fields: new Set(['f:metadata\nf:labels\nf:app', 'f:spec\nf:image']),
      },
      {
        manager: 'kubelet',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-12-06T08:00:01Z',
        subresource: 'status',
        fields: new Set(['f:status\nf:phase']),
      },
    ]),
  },
  spec: { image: 'i' },
  status: { phase, conditions: [{ type: 'Ready', status: ready }] },
});

describe('managedFields after an update', () => {
  it('gives the writer what its write changed, and writes back a manager it left alone as it was read', () => {
    const before = pod('Pending', 'False');
    const after = pod('Running', 'True');
    const managers = recordUpdate(before, after, statusWrite)!;
    const encoded = encodeManagers(managers);

    const creator = encoded.find(m => m.manager === 'creator')!;
    expect(creator.fieldsV1).toBe(before.metadata.managedFields[0].fieldsV1);
    const kubelet = encoded.find(m => m.manager === 'kubelet')!;
    expect(fromFieldsV1(kubelet.fieldsV1)).toEqual(
      new Set([
        'f:status\nf:phase',
        'f:status\nf:conditions\nk:{"type":"Ready"}\nf:status',
      ]),
    );
  });

  it('encodes a manager again when a write takes a field from it', () => {
    const before = pod('Pending', 'False');
    const after = { ...pod('Pending', 'False'), spec: { image: 'j' } };
    const managers = recordUpdate(before, after, {
      ...statusWrite,
      manager: 'editor',
      subresource: undefined,
    })!;
    const byName = new Map(
      encodeManagers(managers).map(m => [m.manager, m.fieldsV1]),
    );
    expect(byName.get('creator')).not.toBe(
      before.metadata.managedFields[0].fieldsV1,
    );
    expect(fromFieldsV1(byName.get('creator'))).toEqual(
      new Set(['f:metadata\nf:labels\nf:app']),
    );
    expect(fromFieldsV1(byName.get('editor'))).toEqual(
      new Set(['f:spec\nf:image']),
    );
    expect(decodeManagers({ metadata: { managedFields: [] } })).toEqual([]);
  });
});
