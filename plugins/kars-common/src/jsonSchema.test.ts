import Ajv from 'ajv';
import { buildKarsSandboxCrd } from './crd';
import { crdAgreementCases } from './crdAgreement.cases';
import { sandboxSpecJsonSchema } from './jsonSchema';
import { sandboxSpecSchema } from './spec';

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
