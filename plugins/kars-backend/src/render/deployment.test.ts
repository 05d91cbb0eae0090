import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { testClusterSettings } from '../__testUtils__/clusters';
import { renderDeployment } from './deployment';
import { renderSandbox } from './renderSandbox';
import { RenderInput } from './types';

const input = (restartedAt?: string): RenderInput => ({
  name: 'tenant-a',
  spec: sandboxSpecSchema.parse({}),
  cluster: testClusterSettings(),
  sandboxUid: 'uid-1',
  ...(restartedAt ? { restartedAt } : {}),
});

const templateAnnotations = (restartedAt?: string) =>
  (renderDeployment(input(restartedAt)) as any).spec.template.metadata
    .annotations as Record<string, string>;

const deploymentHash = (restartedAt?: string) =>
  renderSandbox(input(restartedAt)).objects.find(o => o.kind === 'Deployment')!
    .metadata.annotations!['kars.azure.com/desired-hash'];

describe('the restart annotation in the rendered Deployment', () => {
  it('is not in the pod template when no restart was asked', () => {
    expect(templateAnnotations()).not.toHaveProperty(
      'kars.azure.com/restarted-at',
    );
  });

  it.each(['2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05.679Z'])(
    'copies %s into the pod template, and nowhere else',
    value => {
      expect(templateAnnotations(value)).toMatchObject({
        'kars.azure.com/restarted-at': value,
      });
      const deployment = renderDeployment(input(value));
      expect(deployment.metadata.annotations ?? {}).not.toHaveProperty(
        'kars.azure.com/restarted-at',
      );
    },
  );

  it('changes the desired hash with each new value, so the reconciler applies it and the pod rolls', () => {
    const hashes = [
      deploymentHash(),
      deploymentHash('2026-01-02T03:04:05.678Z'),
      deploymentHash('2026-01-02T03:04:05.679Z'),
    ];
    expect(new Set(hashes).size).toBe(3);
    expect(deploymentHash('2026-01-02T03:04:05.678Z')).toBe(hashes[1]);
  });

  it('changes no other object of the sandbox', () => {
    const others = (restartedAt?: string) =>
      renderSandbox(input(restartedAt)).objects.filter(
        o => o.kind !== 'Deployment',
      );
    expect(others('2026-01-02T03:04:05.678Z')).toEqual(others());
  });
});
