import {
  sandboxPatchSchema,
  sandboxSpecJsonSchema,
} from '@kars-portal/plugin-kars-common';
import { FakeKarsBackend } from '../__testUtils__/fakeKarsBackend';
import { createKarsSandboxCreateAction } from './createSandbox';
import { createKarsSandboxUpdateAction } from './updateSandbox';
import {
  credentialsFromSecrets,
  PATCHABLE_FIELDS,
  SPEC_PATHS,
  toSpec,
} from './inputs';

type Json = { [k: string]: any };

/** Leaf paths of a JSON Schema with their type and enum; `[]` marks array items. */
function leaves(schema: Json, prefix = ''): Record<string, Json> {
  if (schema.type === 'object' && schema.properties) {
    return Object.assign(
      {},
      ...Object.entries<Json>(schema.properties).map(([k, v]) =>
        leaves(v, prefix ? `${prefix}.${k}` : k),
      ),
    );
  }
  if (schema.type === 'array') {
    return leaves(schema.items, prefix ? `${prefix}.[]` : '[]');
  }
  return { [prefix]: { type: schema.type, enum: schema.enum } };
}

const options = new FakeKarsBackend().actionOptions();

describe('action inputs against the kars-common spec', () => {
  const specLeaves = leaves(sandboxSpecJsonSchema());
  const input = createKarsSandboxCreateAction(options).schema!.input as Json;

  /** The spec leaves the create action's inputs reach, with the type and enum of the input. */
  const reached = () =>
    Object.assign(
      {},
      ...Object.entries(SPEC_PATHS).map(([key, specPath]) => {
        const own = leaves(input.properties[key]);
        return Object.fromEntries(
          Object.entries(own).map(([p, v]) => {
            if (specPath === 'channels[].type') return ['channels.[].type', v];
            return [[specPath, p].filter(Boolean).join('.'), v];
          }),
        );
      }),
    );

  it('covers every field of the spec, with the same types and enums', () => {
    expect(reached()).toEqual(specLeaves);
  });

  it('places every input where SPEC_PATHS says', () => {
    const spec = toSpec({
      owner: 'group:default/a',
      runtime: 'Hermes',
      isolation: 'standard',
      model: 'm',
      tokenBudget: { perRequestTokens: 1, dailyTokens: 2, monthlyTokens: 3 },
      contentSafety: {
        hate: 'Low',
        selfHarm: 'Low',
        sexual: 'Low',
        violence: 'Low',
        devOnly: true,
      },
      channels: ['slack'],
      allowedEndpoints: [{ host: 'a.com', port: 1 }],
      governance: { enabled: true, trustThreshold: 1 },
      a2a: {
        enabled: true,
        description: 'd',
        skills: [{ id: 'a', name: 'b', description: 'c', tags: ['t'] }],
      },
      limits: { cpu: '1', memory: '1Gi' },
      workloadIdentityClientId: '00000000-0000-0000-0000-000000000000',
      suspended: true,
    });
    expect(
      Object.keys(leaves(sandboxSpecJsonSchema())).map(p => p.split('.')[0]),
    ).toEqual(expect.arrayContaining(Object.keys(spec)));
    expect(Object.keys(spec).sort()).toEqual(
      Object.keys(sandboxSpecJsonSchema().properties as Json).sort(),
    );
  });

  it('lets update change only fields the backend can patch', () => {
    const update = createKarsSandboxUpdateAction(options).schema!.input as Json;
    expect(Object.keys(update.properties).sort()).toEqual(
      ['name', 'clearWorkloadIdentity', ...PATCHABLE_FIELDS].sort(),
    );
    // clearWorkloadIdentity sends workloadIdentity: null, which the backend's patch schema takes
    expect(
      sandboxPatchSchema.safeParse({ workloadIdentity: null }).success,
    ).toBe(true);
    const samples: Record<string, unknown> = {
      owner: 'group:default/a',
      isolation: 'standard',
      model: 'm',
      tokenBudget: { dailyTokens: 1 },
      contentSafety: { hate: 'Low' },
      channels: [],
      allowedEndpoints: [],
      governance: { enabled: true },
      a2a: { description: 'd' },
      limits: { cpu: '1' },
      workloadIdentityClientId: '00000000-0000-0000-0000-000000000000',
      suspended: true,
    };
    for (const field of PATCHABLE_FIELDS) {
      const patch = toSpec({ [field]: samples[field] });
      expect(Object.keys(patch)).toHaveLength(1);
      expect(Object.keys(sandboxPatchSchema.shape)).toContain(
        Object.keys(patch)[0],
      );
    }
  });

  it('drops empty optional text, keeps empty lists (they clear)', () => {
    expect(
      toSpec({ owner: ' ', model: '', channels: [], allowedEndpoints: [] }),
    ).toEqual({
      channels: [],
      networkPolicy: { allowedEndpoints: [] },
    });
  });

  it('takes only credential keys from the secrets, never the backstage token', () => {
    expect(
      credentialsFromSecrets({
        backstageToken: 't',
        SLACK_BOT_TOKEN: 'xoxb-1',
        OTHER: 'o',
        EXA_API_KEY: '  ',
      }),
    ).toEqual({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(credentialsFromSecrets({ backstageToken: 't' })).toBeUndefined();
    expect(credentialsFromSecrets(undefined)).toBeUndefined();
  });
});
