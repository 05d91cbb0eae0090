import { Schema } from './fieldSet';
import {
  fieldsVouchedByLastApplied,
  goJsonEncode,
  LAST_APPLIED,
  syncLastApplied,
} from './lastApplied';

const schema: Schema = { listTypeAt: () => undefined };

describe('last-applied annotation', () => {
  it('encodes like Go: sorted keys, escaped HTML characters, a final newline', () => {
    expect(
      goJsonEncode({ b: 1, a: { d: '<&>', c: [2, { z: 1, y: 0 }] } }),
    ).toBe('{"a":{"c":[2,{"y":0,"z":1}],"d":"\\u003c\\u0026\\u003e"},"b":1}\n');
  });

  it('vouches only for the fields it sets to the live value', () => {
    const live = {
      apiVersion: 'v1',
      metadata: {
        annotations: {
          [LAST_APPLIED]: JSON.stringify({
            apiVersion: 'v1',
            data: { same: '1', edited: '1', deleted: '1' },
          }),
        },
      },
      data: { same: '1', edited: '2', added: '1' },
    };
    expect([...fieldsVouchedByLastApplied(live, 'v1', schema)]).toEqual([
      'f:apiVersion',
      'f:data\nf:same',
    ]);
    expect(fieldsVouchedByLastApplied(live, 'v2', schema).size).toBe(0);
  });

  it('rewrites an existing annotation after an apply by kubectl only', () => {
    const patch = {
      apiVersion: 'v1',
      metadata: { name: 'x', annotations: { [LAST_APPLIED]: 'old', a: 'b' } },
    };
    const result = { metadata: { annotations: { [LAST_APPLIED]: 'old' } } };
    syncLastApplied(result, patch, 'someone-else');
    expect(result.metadata.annotations[LAST_APPLIED]).toBe('old');
    syncLastApplied(result, patch, 'kubectl');
    expect(result.metadata.annotations[LAST_APPLIED]).toBe(
      '{"apiVersion":"v1","metadata":{"annotations":{"a":"b"},"name":"x"}}\n',
    );
    expect(patch.metadata.annotations[LAST_APPLIED]).toBe('old');
  });
});
