import { KARS_LABELS } from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import { podsOfSandbox } from './sandboxPods';

describe('podsOfSandbox', () => {
  const pod = (
    name: string,
    namespace: string,
    sandbox?: string,
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: sandbox ? { [KARS_LABELS.sandbox]: sandbox } : undefined,
    },
  });

  it("keeps the pods labelled with the sandbox's name in its namespace only", () => {
    const pods = [
      pod('a-1', 'kars-a', 'a'),
      pod('a-2', 'kars-a', 'a'),
      pod('b-1', 'kars-b', 'b'),
      pod('a-elsewhere', 'kars-b', 'a'),
      pod('unlabelled', 'kars-a'),
    ];
    expect(
      podsOfSandbox(pods, 'a', 'kars-a').map(p => p.metadata.name),
    ).toEqual(['a-1', 'a-2']);
    expect(podsOfSandbox(pods, 'c', 'kars-c')).toEqual([]);
  });
});
