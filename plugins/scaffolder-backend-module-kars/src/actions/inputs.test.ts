import { Validator } from 'jsonschema';
import {
  ISOLATION_LEVEL_LABELS,
  ISOLATION_LEVELS,
  sandboxPatchJsonSchema,
  sandboxSpecJsonSchema,
} from '@kars-portal/plugin-kars-common';
import { actionOptions } from '../__testUtils__/context';
import { createKarsSandboxCreateAction } from './createSandbox';
import { createKarsSandboxUpdateAction } from './updateSandbox';
import {
  credentialsForChannels,
  credentialsFromSecrets,
  hasWhatsApp,
} from './inputs';

type Json = { [k: string]: any };

const options = actionOptions();
const createInput = createKarsSandboxCreateAction(options).schema!
  .input as Json;
const updateInput = createKarsSandboxUpdateAction(options).schema!
  .input as Json;
const withoutDraft = ({ $schema: _draft, ...schema }: Json) => schema;

/** What the scaffolder does with a step's input before the action runs (jsonschema, as it uses). */
const check = (input: Json, schema: Json) =>
  new Validator().validate(input, schema).errors.map(String);

describe("the spec input is kars-common's schema", () => {
  it("kars:sandbox:create takes the spec as kars-common's JSON Schema of the spec, optional", () => {
    const { description, ...spec } = createInput.properties.spec;
    expect(spec).toEqual(withoutDraft(sandboxSpecJsonSchema()));
    expect(description).toMatch(/^The sandbox spec/);
    expect(createInput.required).toEqual(['name']);
    expect(Object.keys(createInput.properties).sort()).toEqual(
      ['cluster', 'name', 'spec', 'timeoutSeconds', 'waitForRunning'].sort(),
    );
  });

  it("kars:sandbox:update takes the change as kars-common's JSON Schema of a patch, required", () => {
    const { description, ...spec } = updateInput.properties.spec;
    expect(spec).toEqual(withoutDraft(sandboxPatchJsonSchema()));
    expect(description).toMatch(/^The change/);
    expect(updateInput.required.sort()).toEqual(['name', 'spec']);
    expect(Object.keys(updateInput.properties).sort()).toEqual([
      'name',
      'spec',
    ]);
    expect(spec.properties.runtime).toBeUndefined();
  });

  it.each([
    ['kars:sandbox:create', createInput],
    ['kars:sandbox:update', updateInput],
  ])(
    "%s says what each isolation level is, in kars-common's words",
    (_id, input) => {
      for (const level of ISOLATION_LEVELS) {
        expect(input.properties.spec.description).toContain(
          `${level} = ${ISOLATION_LEVEL_LABELS[level].description}`,
        );
      }
    },
  );

  it.each([
    [
      'a model that is no deployment name',
      { model: 'bad model' },
      'instance.spec.model does not match pattern',
    ],
    [
      'an unknown isolation',
      { sandbox: { isolation: 'max' } },
      'instance.spec.sandbox.isolation is not one of enum values: standard,enhanced,confidential',
    ],
    [
      'a channel given as a bare type',
      { channels: ['slack'] },
      'instance.spec.channels[0] is not of a type(s) object',
    ],
    [
      'an egress port out of range',
      { networkPolicy: { allowedEndpoints: [{ host: 'a.com', port: 0 }] } },
      'instance.spec.networkPolicy.allowedEndpoints[0].port must be greater than or equal to 1',
    ],
    [
      'a field the spec does not have',
      { replicas: 3 },
      'instance.spec is not allowed to have the additional property "replicas"',
    ],
  ])(
    'kars:sandbox:create refuses %s before it runs, naming the field and the rule',
    (_what, spec, message) => {
      expect(check({ name: 'tenant-a', spec }, createInput)).toEqual([
        expect.stringContaining(message),
      ]);
    },
  );

  it.each([
    ['the runtime', { runtime: { kind: 'Hermes' } }, 'additional property'],
    ['sandbox without its isolation', { sandbox: {} }, 'requires property'],
    ['a severity that is none', { contentSafety: { hate: 'None' } }, 'enum'],
  ])('kars:sandbox:update refuses %s before it runs', (_what, spec, rule) => {
    expect(check({ name: 'tenant-a', spec }, updateInput).join('\n')).toMatch(
      rule,
    );
  });

  it('takes a whole spec, a change and a removal of the workload identity', () => {
    const spec = {
      owner: 'group:default/team-a',
      runtime: { kind: 'Hermes' },
      sandbox: { isolation: 'confidential' },
      model: 'Phi-4',
      tokenBudget: { perRequestTokens: 1, dailyTokens: 2, monthlyTokens: 3 },
      contentSafety: { hate: 'Low', devOnly: true },
      channels: [{ type: 'slack' }],
      networkPolicy: { allowedEndpoints: [{ host: 'a.com', port: 443 }] },
      governance: { enabled: true, trustThreshold: 700 },
      a2a: {
        description: 'd',
        skills: [
          { id: 'faq', name: 'FAQ', description: 'Answers', tags: ['faq'] },
        ],
      },
      resources: { limits: { cpu: '1', memory: '1Gi' } },
      workloadIdentity: { clientId: '00000000-0000-0000-0000-000000000000' },
      suspended: true,
    };
    expect(check({ name: 'tenant-a', spec }, createInput)).toEqual([]);
    expect(check({ name: 'tenant-a' }, createInput)).toEqual([]);
    expect(
      check(
        { name: 'tenant-a', spec: { model: 'gpt-4o', workloadIdentity: null } },
        updateInput,
      ),
    ).toEqual([]);
    expect(check({ name: 'tenant-a' }, updateInput)).toEqual([
      'instance requires property "spec"',
    ]);
  });
});

describe('credentials', () => {
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

describe('credentials for the channels', () => {
  it('adds WHATSAPP_ENABLED "true" for a whatsapp channel, unless the secrets set it', () => {
    const whatsapp = [{ type: 'slack' }, { type: 'whatsapp' }];
    expect(credentialsForChannels(undefined, whatsapp)).toEqual({
      WHATSAPP_ENABLED: 'true',
    });
    expect(credentialsForChannels({ BRAVE_API_KEY: 'b' }, whatsapp)).toEqual({
      BRAVE_API_KEY: 'b',
      WHATSAPP_ENABLED: 'true',
    });
    const off = { WHATSAPP_ENABLED: 'false' };
    expect(credentialsForChannels(off, whatsapp)).toBe(off);
  });

  it('adds nothing without a whatsapp channel, returning the credentials themselves', () => {
    const given = { SLACK_BOT_TOKEN: 'xoxb-1' };
    expect(credentialsForChannels(given, [{ type: 'slack' }])).toBe(given);
    expect(credentialsForChannels(undefined, undefined)).toBeUndefined();
    expect(hasWhatsApp(['whatsapp'])).toBe(false);
    expect(hasWhatsApp([null, { type: 'whatsapp' }])).toBe(true);
  });
});
