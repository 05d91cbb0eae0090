import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { z } from 'zod';
import {
  CHANNEL_CREDENTIAL_KEYS,
  credentialsSchema,
  ISOLATION_LEVELS,
  PLUGIN_CREDENTIAL_KEYS,
  sandboxNameSchema,
  sandboxSpecJsonSchema,
} from '@kars-portal/plugin-kars-common';
import { createKarsSandboxCreateAction } from './actions/createSandbox';
import { createKarsSandboxUpdateAction } from './actions/updateSandbox';
import { createKarsCredentialsRotateAction } from './actions/rotateCredentials';
import { createKarsSandboxDeleteAction } from './actions/deleteSandbox';
import { ISOLATION_LEVEL_MEANINGS } from './actions/inputs';
import { FakeKarsBackend } from './__testUtils__/fakeKarsBackend';

/**
 * The templates' parameter schemas are written by hand for the form, and checked here against
 * kars-common: every constraint of a field that becomes part of the spec (type, enum, default,
 * range, length, pattern, items) must equal kars-common's JSON Schema for that spec field.
 */

const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');
type Json = { [k: string]: any };

function loadTemplate(name: string) {
  return yaml.parse(
    fs.readFileSync(path.join(TEMPLATES_DIR, name, 'template.yaml'), 'utf8'),
  ) as Json;
}

function parameters(template: Json): Record<string, Json> {
  return Object.assign(
    {},
    ...template.spec.parameters.map((page: Json) => page.properties ?? {}),
  );
}

const spec = sandboxSpecJsonSchema() as Json;
const at = (p: string): Json =>
  p
    .split('.')
    .reduce((s: Json, k) => (k === '[]' ? s.items : s.properties[k]), spec);
const nameSchema = z.toJSONSchema(sandboxNameSchema, {
  target: 'draft-7',
  io: 'input',
}) as Json;
const credentials = z.toJSONSchema(credentialsSchema, {
  target: 'draft-7',
  io: 'input',
}) as Json;

const CONSTRAINTS = [
  'type',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'required',
];

/** The constraints of a schema, recursively; `withDefault: false` drops the top-level default. */
function constraints(schema: Json, withDefault = true): Json {
  const out: Json = {};
  for (const k of CONSTRAINTS) {
    if (schema[k] !== undefined && (withDefault || k !== 'default'))
      out[k] = schema[k];
  }
  if (schema.items) out.items = constraints(schema.items);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries<Json>(schema.properties).map(([k, v]) => [
        k,
        constraints(v),
      ]),
    );
  }
  return out;
}

const options = new FakeKarsBackend().actionOptions();
const actions = Object.fromEntries(
  [
    createKarsSandboxCreateAction(options),
    createKarsSandboxUpdateAction(options),
    createKarsCredentialsRotateAction(options),
    createKarsSandboxDeleteAction(options),
  ].map(a => [a.id, a]),
);

const ALL_CREDENTIAL_KEYS = [
  ...Object.values(CHANNEL_CREDENTIAL_KEYS).flat(),
  ...PLUGIN_CREDENTIAL_KEYS,
].filter(k => k !== 'WHATSAPP_ENABLED');

function checkSecrets(params: Record<string, Json>, expected: string[]) {
  const secrets = Object.entries(params).filter(
    ([, p]) => p['ui:field'] === 'Secret',
  );
  expect(secrets.map(([k]) => k).sort()).toEqual([...expected].sort());
  for (const [key, p] of secrets) {
    const source = credentials.properties[key];
    expect(source).toBeDefined();
    // the form holds a mask of the same length, so only the length rule applies to it
    expect({ type: p.type, maxLength: p.maxLength }).toEqual({
      type: source.type,
      maxLength: source.maxLength,
    });
    expect(p.pattern).toBeUndefined();
  }
}

function checkSteps(template: Json) {
  for (const step of template.spec.steps) {
    const action = actions[step.action];
    expect(action).toBeDefined();
    const known = Object.keys((action.schema!.input as Json).properties);
    expect(known).toEqual(expect.arrayContaining(Object.keys(step.input)));
    expect(JSON.stringify(step.input)).not.toMatch(/secrets\./);
  }
}

describe('template New agent sandbox', () => {
  const template = loadTemplate('kars-sandbox');
  const params = parameters(template);
  const mapped: Record<string, Json> = {
    owner: at('owner'),
    isolation: at('sandbox.isolation'),
    model: at('model'),
    perRequestTokens: at('tokenBudget.perRequestTokens'),
    dailyTokens: at('tokenBudget.dailyTokens'),
    monthlyTokens: at('tokenBudget.monthlyTokens'),
    hate: at('contentSafety.hate'),
    selfHarm: at('contentSafety.selfHarm'),
    sexual: at('contentSafety.sexual'),
    violence: at('contentSafety.violence'),
    allowedEndpoints: at('networkPolicy.allowedEndpoints'),
    governance: at('governance.enabled'),
    a2aDescription: at('a2a.description'),
    a2aSkills: at('a2a.skills'),
  };
  const uiOnly = ['waitForRunning'];
  const secretKeys = [
    'TELEGRAM_BOT_TOKEN',
    'SLACK_BOT_TOKEN',
    'DISCORD_BOT_TOKEN',
  ];

  it('is a v1beta3 Template titled New agent sandbox', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(template.metadata.title).toBe('New agent sandbox');
  });

  it('accounts for every parameter', () => {
    expect(Object.keys(params).sort()).toEqual(
      [
        'name',
        'channels',
        ...Object.keys(mapped),
        ...uiOnly,
        ...secretKeys,
      ].sort(),
    );
  });

  it.each(Object.keys(mapped))('%s has the constraints of kars-common', key => {
    expect(constraints(params[key])).toEqual(constraints(mapped[key]));
  });

  it('name has the constraints of the sandbox name and the live-validated field', () => {
    const { type, minLength, maxLength, pattern } = nameSchema;
    expect(constraints(params.name)).toEqual({
      type,
      minLength,
      maxLength,
      pattern,
    });
    expect(params.name['ui:field']).toBe('KarsSandboxName');
  });

  it('channels is a multi-select of the channel types', () => {
    const source = at('channels');
    expect(params.channels).toMatchObject({
      type: 'array',
      default: source.default,
      maxItems: source.maxItems,
      uniqueItems: true,
      items: { type: 'string', enum: source.items.properties.type.enum },
    });
  });

  it('says what each isolation level means', () => {
    expect(params.isolation.enumNames).toHaveLength(ISOLATION_LEVELS.length);
    expect(params.isolation.enumNames.join('\n')).toMatch(/RuntimeDefault/);
    expect(params.isolation.enumNames.join('\n')).toMatch(/kars-strict/);
    expect(params.isolation.enumNames.join('\n')).toMatch(/Kata/);
    expect(Object.keys(ISOLATION_LEVEL_MEANINGS)).toEqual([
      ...ISOLATION_LEVELS,
    ]);
  });

  it('uses the owner picker and the egress allowlist field', () => {
    expect(params.owner['ui:field']).toBe('OwnerPicker');
    expect(params.owner['ui:options'].catalogFilter.kind).toEqual([
      'Group',
      'User',
    ]);
    expect(params.allowedEndpoints['ui:field']).toBe('KarsEgressAllowlist');
  });

  it('collects channel tokens as secrets named like the credential keys', () => {
    expect(() => checkSecrets(params, secretKeys)).not.toThrow();
  });

  it('passes only known inputs to the actions, and no secret', () => {
    expect(() => checkSteps(template)).not.toThrow();
  });
});

describe('template Change sandbox', () => {
  const template = loadTemplate('kars-sandbox-change');
  const params = parameters(template);
  const mapped: Record<string, Json> = {
    isolation: at('sandbox.isolation'),
    model: at('model'),
    perRequestTokens: at('tokenBudget.perRequestTokens'),
    dailyTokens: at('tokenBudget.dailyTokens'),
    monthlyTokens: at('tokenBudget.monthlyTokens'),
    allowedEndpoints: at('networkPolicy.allowedEndpoints'),
  };

  it('is titled Change sandbox and accounts for every parameter', () => {
    expect(template.metadata.title).toBe('Change sandbox');
    expect(Object.keys(params).sort()).toEqual(
      [
        'sandbox',
        'channels',
        'governance',
        'suspended',
        ...Object.keys(mapped),
      ].sort(),
    );
  });

  it.each(Object.keys(mapped))(
    '%s has the constraints of kars-common (no default: empty keeps the current value)',
    key => {
      expect(params[key].default).toBeUndefined();
      expect(constraints(params[key])).toEqual(constraints(mapped[key], false));
    },
  );

  it('channels is a multi-select of the channel types', () => {
    const source = at('channels');
    expect(params.channels).toMatchObject({
      type: 'array',
      maxItems: source.maxItems,
      items: { type: 'string', enum: source.items.properties.type.enum },
    });
  });

  it('picks a kars-sandbox Resource', () => {
    expect(params.sandbox['ui:options'].catalogFilter).toEqual({
      kind: 'Resource',
      'spec.type': 'kars-sandbox',
    });
  });

  it('has no secret field and passes only known inputs', () => {
    expect(() => checkSecrets(params, [])).not.toThrow();
    expect(() => checkSteps(template)).not.toThrow();
  });
});

describe('template Rotate sandbox credentials', () => {
  const template = loadTemplate('kars-sandbox-credentials');
  const params = parameters(template);

  it('is titled Rotate sandbox credentials and accounts for every parameter', () => {
    expect(template.metadata.title).toBe('Rotate sandbox credentials');
    expect(Object.keys(params).sort()).toEqual(
      ['sandbox', 'restart', ...ALL_CREDENTIAL_KEYS].sort(),
    );
  });

  it('collects every channel token and plugin key as a secret', () => {
    expect(() => checkSecrets(params, ALL_CREDENTIAL_KEYS)).not.toThrow();
  });

  it('defaults to restarting, as the backend does', () => {
    expect(params.restart).toMatchObject({ type: 'boolean', default: true });
  });

  it('passes only known inputs and no secret', () => {
    expect(() => checkSteps(template)).not.toThrow();
  });
});
