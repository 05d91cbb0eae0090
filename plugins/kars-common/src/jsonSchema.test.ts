import Ajv from 'ajv';
import { buildKarsSandboxCrd } from './crd';
import { crdAgreementCases } from './crdAgreement.cases';
import { sandboxPatchJsonSchema, sandboxSpecJsonSchema } from './jsonSchema';
import { sandboxPatchSchema, sandboxSpecSchema } from './spec';

const ajv = new Ajv({ strict: false, allErrors: true });
const crdSpecSchema =
  buildKarsSandboxCrd().spec.versions[0].schema.openAPIV3Schema.properties.spec;
const validateCrdSpec = ajv.compile(crdSpecSchema);
const validateApiSpec = ajv.compile(sandboxSpecJsonSchema());

const withRef = (spec: Record<string, unknown>) => ({
  ...spec,
  inferenceRef: { name: 'x' },
});

describe('the zod source and the generated schemas agree', () => {
  it.each(crdAgreementCases)('$what: zod says valid=$valid', c => {
    expect(sandboxSpecSchema.safeParse(c.spec).success).toBe(c.valid);
  });

  it.each(crdAgreementCases.filter(c => c.judge === 'schema'))(
    '$what: the CRD schema agrees',
    c => {
      expect(validateCrdSpec(withRef(c.spec))).toBe(c.valid);
    },
  );

  it.each(crdAgreementCases.filter(c => c.judge === 'schema'))(
    '$what: the API JSON Schema agrees',
    c => {
      expect(validateApiSpec(c.spec)).toBe(c.valid);
    },
  );

  it.each(crdAgreementCases.filter(c => c.judge !== 'schema'))(
    '$what: JSON Schema alone cannot judge it ($judge), so the CRD schema lets it pass',
    c => {
      expect(validateCrdSpec(withRef(c.spec))).toBe(true);
    },
  );

  it('the API JSON Schema rejects unknown fields, as zod does', () => {
    expect(validateApiSpec({ replicas: 3 })).toBe(false);
  });
});

describe('the JSON Schema of a change agrees with the zod patch schema', () => {
  const validatePatch = ajv.compile(sandboxPatchJsonSchema());
  it.each([
    ['nothing', {}, true],
    [
      'every field that may change',
      {
        owner: 'group:default/team-a',
        sandbox: { isolation: 'confidential' },
        model: 'Phi-4',
        tokenBudget: { dailyTokens: 5 },
        contentSafety: { hate: 'Low', devOnly: true },
        channels: [{ type: 'slack' }],
        networkPolicy: { allowedEndpoints: [] },
        governance: { enabled: true, trustThreshold: 700 },
        a2a: { description: 'd', skills: [] },
        resources: { limits: { cpu: '1' } },
        workloadIdentity: null,
        suspended: true,
      },
      true,
    ],
    ['the runtime, fixed at creation', { runtime: { kind: 'Hermes' } }, false],
    ['an unknown isolation', { sandbox: { isolation: 'max' } }, false],
    ['sandbox without its isolation', { sandbox: {} }, false],
    ['an unknown field in an object', { governance: { on: true } }, false],
    ['a severity that is none', { contentSafety: { hate: 'None' } }, false],
    ['a list that is not a list', { channels: 'slack' }, false],
  ])('%s: valid=%s', (_what, patch, valid) => {
    expect(sandboxPatchSchema.safeParse(patch).success).toBe(valid);
    expect(validatePatch(patch)).toBe(valid);
  });
});
