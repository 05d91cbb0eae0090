/**
 * @jest-environment node
 */
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from './clusterTargets';

jest.setTimeout(180_000);

/** The HTTP status and Status body of a create, or 201 and the object. */
async function create(api: KubernetesObjectApi, body: object) {
  try {
    return { code: 201, body: (await api.create(body)) as any };
  } catch (e: any) {
    if (typeof e?.code !== 'number') throw e;
    return {
      code: e.code as number,
      body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body,
    };
  }
}

const inferencePolicy = (name: string, contentSafety: object) => ({
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'InferencePolicy',
  metadata: { name, namespace: 'kars-system' },
  spec: {
    appliesTo: { sandboxName: name },
    modelPreference: { primary: { deployment: 'gpt-4.1' } },
    contentSafety,
  },
});

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// What the dev portal runs on: deploy/ applied to the cluster (on the emulator, as `yarn dev` does).
describe.each(clusterTargetNames())('deploy/ admission on the %s', name => {
  let target: ClusterTarget;
  let api: KubernetesObjectApi;
  beforeAll(async () => {
    target = await startClusterTarget(name, { simulator: false });
    const kc = new KubeConfig();
    kc.loadFromFile(target.adminKubeconfigPath);
    api = KubernetesObjectApi.makeApiClient(kc);
  });
  afterAll(() => target?.stop());

  it('the content-safety floor policy refuses an InferencePolicy less strict than the floor (Medium) and admits one at it', async () => {
    // a real server loads policies through informers: poll for the first denial
    let below = await create(api, inferencePolicy('below', { hate: 'High' }));
    for (let i = 0; below.code === 201 && i < 120; i++) {
      await api.delete(below.body);
      await sleep(250);
      below = await create(api, inferencePolicy('below', { hate: 'High' }));
    }
    expect(below.code).toBe(403);
    expect(below.body.message).toBe(
      "inferencepolicies.kars.azure.com \"below\" is forbidden: ValidatingAdmissionPolicy 'kars-content-safety-floor' with binding 'kars-content-safety-floor-binding' denied request: content safety is less strict than the cluster floor Medium: every category must be at or below it (Safe < Low < Medium < High)",
    );
    const at = await create(
      api,
      inferencePolicy('at-floor', { hate: 'Medium', violence: 'Low' }),
    );
    expect(at.code).toBe(201);
  });

  it('the KarsSandbox CRD’s rules refuse a sandbox named "system"', async () => {
    const res = await create(api, {
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      metadata: { name: 'system', namespace: 'kars-system' },
      spec: { inferenceRef: { name: 'system' } },
    });
    expect(res.code).toBe(422);
    expect(res.body.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: metadata.name is reserved (system)',
        field: '<nil>',
      },
    ]);
  });
});
