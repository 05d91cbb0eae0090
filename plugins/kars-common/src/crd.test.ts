import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { buildInferencePolicyCrd, buildKarsSandboxCrd } from './crd';

/**
 * deploy/ holds the CRDs as YAML. They are generated from the kars-common schemas; this test fails
 * when they drift. Regenerate with `KARS_UPDATE_GENERATED=1 yarn test crd`.
 */
const deployDir = path.resolve(__dirname, '../../../deploy');

const generated = [
  { file: '10-crd-karssandboxes.yaml', build: buildKarsSandboxCrd },
  { file: '11-crd-inferencepolicies.yaml', build: buildInferencePolicyCrd },
];

const header =
  '# Generated from plugins/kars-common (src/crd.ts); do not edit by hand.\n' +
  '# Regenerate: KARS_UPDATE_GENERATED=1 yarn test plugins/kars-common/src/crd.test.ts\n';

describe.each(generated)('$file', ({ file, build }) => {
  const target = path.join(deployDir, file);
  const expected = header + YAML.stringify(build(), { lineWidth: 0 });

  it('matches what the kars-common schemas generate', () => {
    if (process.env.KARS_UPDATE_GENERATED === '1') {
      fs.writeFileSync(target, expected);
    }
    expect(fs.readFileSync(target, 'utf8')).toBe(expected);
  });
});

describe('buildKarsSandboxCrd', () => {
  const crd = buildKarsSandboxCrd();
  const version = crd.spec.versions[0];

  it('prints NAME PHASE MODEL ISOLATION AGE by default', () => {
    const columns = version.additionalPrinterColumns
      .filter(c => !('priority' in c))
      .map(c => c.name.toUpperCase());
    expect(columns).toEqual(['PHASE', 'MODEL', 'ISOLATION', 'AGE']);
  });

  it('keeps kars field layout where the two overlap', () => {
    const spec = version.schema.openAPIV3Schema.properties.spec as any;
    expect(spec.properties.runtime.properties.kind.enum).toContain('OpenClaw');
    expect(spec.properties.sandbox.properties.isolation.enum).toEqual([
      'standard',
      'enhanced',
      'confidential',
    ]);
    expect(spec.properties.inferenceRef.required).toEqual(['name']);
    expect(
      spec.properties.networkPolicy.properties.allowedEndpoints.items
        .properties,
    ).toHaveProperty('host');
    expect(spec.properties.governance.properties).toHaveProperty('enabled');
    expect(spec.properties.a2a.properties).toHaveProperty('enabled');
    expect(spec.properties.suspended.type).toBe('boolean');
    expect(spec.properties.resources.type).toBe('object');
    expect(spec.required).toContain('inferenceRef');
  });

  it('is a structural schema: no additionalProperties beside properties', () => {
    const offending: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties && 'additionalProperties' in n) offending.push(at);
      if ('$schema' in n) offending.push(`${at}.$schema`);
      Object.entries(n).forEach(([k, v]) => visit(v, `${at}.${k}`));
    };
    visit(version.schema.openAPIV3Schema, 'openAPIV3Schema');
    expect(offending).toEqual([]);
  });

  it('has a status subresource', () => {
    expect(version.subresources).toEqual({ status: {} });
  });
});
