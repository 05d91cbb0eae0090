import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { z } from 'zod';
import {
  CHANNEL_CREDENTIAL_KEYS,
  createSandboxRequestSchema,
  credentialsSchema,
  ISOLATION_LEVELS,
  isolationLevelLabel,
  PLUGIN_CREDENTIAL_KEYS,
  sandboxNameSchema,
  sandboxPatchJsonSchema,
  sandboxSpecJsonSchema,
} from '@kars-portal/plugin-kars-common';
import { createKarsSandboxCreateAction } from './actions/createSandbox';
import { createKarsSandboxUpdateAction } from './actions/updateSandbox';
import { createKarsCredentialsRotateAction } from './actions/rotateCredentials';
import { createKarsSandboxDeleteAction } from './actions/deleteSandbox';
import { actionOptions } from './__testUtils__/context';

/**
 * The templates' parameter schemas are written by hand for the form, and their steps pass the spec
 * on in its own shape. Checked here against kars-common: every parameter that becomes part of the
 * spec lands in a field of kars-common's spec, and its constraints (type, enum, default, range,
 * length, pattern, items) equal kars-common's JSON Schema for that field.
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
const at = (p: string): Json | undefined =>
  p
    .split('.')
    .reduce<Json | undefined>(
      (s, k) => (k === '[]' ? s?.items : s?.properties?.[k]),
      spec,
    );
const nameSchema = z.toJSONSchema(sandboxNameSchema, {
  target: 'draft-7',
  io: 'input',
}) as Json;
const createRequest = z.toJSONSchema(createSandboxRequestSchema, {
  target: 'draft-7',
  io: 'input',
  unrepresentable: 'any',
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

/**
 * How a parameter's value reaches the spec: `as is` (or an empty list in its place), through the
 * `karsChannels` filter, or `derived` (the template computes the value from it, as from a select of
 * unchanged/on/off).
 */
type Via = 'as is' | 'karsChannels' | 'derived';
type Landing = { parameter: string; path: string; via: Via };

const REF = /parameters\.(\w+)/g;
/** An object the template builds in an expression: `{'isolation': parameters.isolation}`. */
const PAIR = /'(\w+)':\s*([^,}]+)/g;

/**
 * Where each template parameter lands in a step's `spec`: the spec path of the value whose
 * template names it, and the key it sits under when the template builds an object there.
 */
function landings(value: unknown, at_: string[] = []): Landing[] {
  if (typeof value === 'string') {
    const found: Landing[] = [];
    for (const [, key, expression] of value.matchAll(PAIR)) {
      for (const [, parameter] of expression.matchAll(REF)) {
        const asIs = new RegExp(
          `^parameters\\.${parameter}( or \\[\\])?$`,
        ).test(expression.trim());
        found.push({
          parameter,
          path: [...at_, key].join('.'),
          via: asIs ? 'as is' : 'derived',
        });
      }
    }
    const named = new Set(found.map(l => l.parameter));
    for (const parameter of new Set([...value.matchAll(REF)].map(m => m[1]))) {
      if (named.has(parameter)) continue;
      let via: Via = 'derived';
      if (value === `\${{ parameters.${parameter} }}`) via = 'as is';
      else if (
        new RegExp(
          `parameters\\.${parameter}( or \\[\\]\\))? \\| karsChannels`,
        ).test(value)
      )
        via = 'karsChannels';
      found.push({ parameter, path: at_.join('.'), via });
    }
    return found;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => landings(v, [...at_, k]));
  }
  return [];
}

/** The spec step of a template, and where each parameter lands in its spec. */
function specStep(template: Json) {
  const [step] = template.spec.steps;
  const all = landings(step.input.spec);
  return {
    step,
    landings: Object.fromEntries(all.map(l => [l.parameter, l])),
    paths: Object.fromEntries(all.map(l => [l.parameter, l.path])),
    count: all.length,
  };
}

const options = actionOptions();
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

/** The channel checkboxes become the spec's channels through karsChannels. */
function checkChannels(param: Json, landing: Landing, withDefault: boolean) {
  expect(landing).toMatchObject({ path: 'channels', via: 'karsChannels' });
  const source = at('channels')!;
  expect(param).toMatchObject({
    type: 'array',
    maxItems: source.maxItems,
    uniqueItems: true,
    items: { type: 'string', enum: at('channels.[].type')!.enum },
    'ui:widget': 'checkboxes',
  });
  expect(param.default).toEqual(withDefault ? source.default : undefined);
}

describe('template New agent sandbox', () => {
  const template = loadTemplate('kars-sandbox');
  const params = parameters(template);
  const { step, landings: landed, paths, count } = specStep(template);
  const secretKeys = [
    'TELEGRAM_BOT_TOKEN',
    'SLACK_BOT_TOKEN',
    'DISCORD_BOT_TOKEN',
    ...PLUGIN_CREDENTIAL_KEYS,
  ];
  const asIs = Object.keys(landed).filter(k => landed[k].via === 'as is');

  it('is a v1beta3 Template titled New agent sandbox', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(template.metadata.title).toBe('New agent sandbox');
  });

  it('puts every spec parameter once in the spec, where kars-common has the field', () => {
    expect(paths).toEqual({
      owner: 'owner',
      runtime: 'runtime.kind',
      isolation: 'sandbox.isolation',
      model: 'model',
      perRequestTokens: 'tokenBudget.perRequestTokens',
      dailyTokens: 'tokenBudget.dailyTokens',
      monthlyTokens: 'tokenBudget.monthlyTokens',
      hate: 'contentSafety.hate',
      selfHarm: 'contentSafety.selfHarm',
      sexual: 'contentSafety.sexual',
      violence: 'contentSafety.violence',
      channels: 'channels',
      allowedEndpoints: 'networkPolicy.allowedEndpoints',
      governance: 'governance.enabled',
      a2aDescription: 'a2a.description',
      a2aSkills: 'a2a.skills',
      publicGateway: 'a2a.publicGateway',
      cpuLimit: 'resources.limits.cpu',
      memoryLimit: 'resources.limits.memory',
      workloadIdentityClientId: 'workloadIdentity.clientId',
    });
    expect(count).toBe(Object.keys(paths).length);
    for (const p of Object.values(paths)) expect(at(p)).toBeDefined();
  });

  it('accounts for every parameter: the spec, the name, the cluster, waiting, the tokens and keys', () => {
    expect(Object.keys(params).sort()).toEqual(
      [
        ...Object.keys(paths),
        'name',
        'cluster',
        'waitForRunning',
        ...secretKeys,
      ].sort(),
    );
    expect(step.input.name).toBe('${{ parameters.name }}');
    expect(step.input.cluster).toBe('${{ parameters.cluster }}');
    expect(step.input.waitForRunning).toBe('${{ parameters.waitForRunning }}');
  });

  it('passes every spec parameter but the channels and the gateway select as it is', () => {
    expect(asIs.sort()).toEqual(
      Object.keys(paths)
        .filter(k => k !== 'channels' && k !== 'publicGateway')
        .sort(),
    );
  });

  it("cluster has the constraints of the create request's cluster and the cluster picker", () => {
    const { type, minLength, maxLength } = createRequest.properties.cluster;
    expect(constraints(params.cluster)).toEqual({ type, minLength, maxLength });
    expect(params.cluster['ui:field']).toBe('KarsCluster');
  });

  it("publicGateway is a select of the cluster's default, on or off, for a boolean left out by default", () => {
    expect(landed.publicGateway.via).toBe('derived');
    expect(at(paths.publicGateway)).toEqual({ type: 'boolean' });
    expect(params.publicGateway).toMatchObject({
      type: 'string',
      enum: ['default', 'on', 'off'],
      default: 'default',
    });
  });

  it.each(asIs)('%s has the constraints of kars-common', key => {
    expect(constraints(params[key])).toEqual(constraints(at(paths[key])!));
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

  it('channels is a multi-select of the channel types, turned into the spec channels', () => {
    expect(() =>
      checkChannels(params.channels, landed.channels, true),
    ).not.toThrow();
  });

  it("says what each isolation level is, in kars-common's words", () => {
    expect(params.isolation.enumNames).toEqual(
      ISOLATION_LEVELS.map(isolationLevelLabel),
    );
  });

  it('uses the owner picker and the egress allowlist field', () => {
    expect(params.owner['ui:field']).toBe('OwnerPicker');
    expect(params.owner['ui:options'].catalogFilter.kind).toEqual([
      'Group',
      'User',
    ]);
    expect(params.allowedEndpoints['ui:field']).toBe('KarsEgressAllowlist');
  });

  it('collects channel tokens and plugin keys as secrets named like the credential keys', () => {
    expect(() => checkSecrets(params, secretKeys)).not.toThrow();
  });

  it('passes only known inputs to the actions, and no secret', () => {
    expect(() => checkSteps(template)).not.toThrow();
  });
});

describe('template Change sandbox', () => {
  const template = loadTemplate('kars-sandbox-change');
  const params = parameters(template);
  const { step, landings: landed, paths, count } = specStep(template);
  const patchFields = Object.keys(
    (sandboxPatchJsonSchema() as Json).properties,
  );
  const asIs = Object.keys(landed).filter(k => landed[k].via === 'as is');

  it('is titled Change sandbox and accounts for every parameter', () => {
    expect(template.metadata.title).toBe('Change sandbox');
    expect(Object.keys(params).sort()).toEqual(
      [...Object.keys(paths), 'sandbox'].sort(),
    );
    expect(step.input.name).toBe(
      "${{ parameters.sandbox | parseEntityRef | pick('name') }}",
    );
  });

  it('puts every parameter but the sandbox once in the change, in a field that may change', () => {
    expect(paths).toEqual({
      isolation: 'sandbox.isolation',
      model: 'model',
      perRequestTokens: 'tokenBudget.perRequestTokens',
      dailyTokens: 'tokenBudget.dailyTokens',
      monthlyTokens: 'tokenBudget.monthlyTokens',
      channels: 'channels',
      replaceChannels: 'channels',
      allowedEndpoints: 'networkPolicy.allowedEndpoints',
      replaceAllowlist: 'networkPolicy',
      governance: 'governance.enabled',
      publicGateway: 'a2a.publicGateway',
      cpuLimit: 'resources.limits.cpu',
      memoryLimit: 'resources.limits.memory',
      workloadIdentityClientId: 'workloadIdentity.clientId',
      removeWorkloadIdentity: 'workloadIdentity',
      suspended: 'suspended',
    });
    expect(count).toBe(Object.keys(paths).length);
    for (const p of Object.values(paths)) {
      expect(at(p)).toBeDefined();
      expect(patchFields).toContain(p.split('.')[0]);
    }
  });

  it('passes the values of fields and lists as they are', () => {
    expect(asIs.sort()).toEqual(
      [
        'isolation',
        'model',
        'perRequestTokens',
        'dailyTokens',
        'monthlyTokens',
        'allowedEndpoints',
        'cpuLimit',
        'memoryLimit',
        'workloadIdentityClientId',
      ].sort(),
    );
  });

  it.each(asIs)(
    '%s has the constraints of kars-common (no default: empty keeps the current value)',
    key => {
      expect(params[key].default).toBeUndefined();
      expect(constraints(params[key])).toEqual(
        constraints(at(paths[key])!, false),
      );
    },
  );

  it('channels is a multi-select of the channel types, turned into the spec channels', () => {
    expect(() =>
      checkChannels(params.channels, landed.channels, false),
    ).not.toThrow();
  });

  it.each([
    ['governance', ['unchanged', 'on', 'off']],
    ['suspended', ['unchanged', 'suspend', 'resume']],
  ])('%s is a select that keeps, sets or clears a boolean', (key, choices) => {
    expect(landed[key].via).toBe('derived');
    expect(at(paths[key])!.type).toBe('boolean');
    expect(params[key]).toMatchObject({
      type: 'string',
      enum: choices,
      default: 'unchanged',
    });
  });

  it("publicGateway is a select that keeps it, restores the cluster's default (null) or sets it", () => {
    expect(landed.publicGateway.via).toBe('derived');
    expect(at(paths.publicGateway)).toEqual({ type: 'boolean' });
    expect(params.publicGateway).toMatchObject({
      type: 'string',
      enum: ['unchanged', 'default', 'on', 'off'],
      default: 'unchanged',
    });
    expect(step.input.spec.a2a.publicGateway).toContain(
      "none if parameters.publicGateway == 'default'",
    );
  });

  it.each(['replaceChannels', 'replaceAllowlist', 'removeWorkloadIdentity'])(
    '%s is a box, unticked by default, that lets the change send an empty list or a null',
    key => {
      expect(landed[key].via).toBe('derived');
      expect(params[key]).toMatchObject({ type: 'boolean', default: false });
    },
  );

  it('leaves the runtime and the cluster out: they are fixed at creation', () => {
    expect(patchFields).not.toContain('runtime');
    expect(params.runtime).toBeUndefined();
    expect(params.cluster).toBeUndefined();
  });

  it("says what each isolation level is, in kars-common's words", () => {
    expect(params.isolation.enumNames).toEqual(
      ISOLATION_LEVELS.map(isolationLevelLabel),
    );
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
      ['sandbox', 'restart', 'whatsapp', ...ALL_CREDENTIAL_KEYS].sort(),
    );
  });

  it("turns WhatsApp on or off through the action's whatsappEnabled, or leaves it", () => {
    expect(params.whatsapp).toMatchObject({
      type: 'string',
      enum: ['unchanged', 'on', 'off'],
      default: 'unchanged',
    });
    expect(params.whatsapp['ui:field']).toBeUndefined();
    const [step] = template.spec.steps;
    expect(step.input.whatsappEnabled).toBe(
      "${{ (parameters.whatsapp == 'on') if parameters.whatsapp in ['on', 'off'] else undefined }}",
    );
    const input = actions[step.action].schema!.input as Json;
    expect(input.properties.whatsappEnabled.type).toBe('boolean');
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
