import { readSandboxSpec, writtenSpec } from './sandboxObject';

/** A spec as the kars CLI writes it: kars's own fields inside the portal's blocks and beside them. */
const stored = {
  runtime: { kind: 'Hermes' },
  hermes: { version: '0.4.0' },
  sandbox: { isolation: 'confidential', seccompProfile: 'kars-strict' },
  inferenceRef: { name: 'k' },
  networkPolicy: {
    egressMode: 'Strict',
    allowedEndpoints: [{ host: 'api.github.com', port: 443, note: 'kars' }],
  },
  governance: { enabled: true, registryMode: 'local' },
  workloadIdentity: { clientId: '6c6f3e2a-1b2c-4d5e-8f90-123456789abc' },
  meshAuth: { mode: 'strict' },
};

describe('readSandboxSpec', () => {
  it('reads every field it knows as written, past the fields it does not', () => {
    expect(readSandboxSpec(stored)).toMatchObject({
      runtime: { kind: 'Hermes' },
      sandbox: { isolation: 'confidential' },
      networkPolicy: {
        allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
      },
      governance: { enabled: true, trustThreshold: 500 },
    });
  });

  it('reads a block whose known field it refuses as the default', () => {
    expect(
      readSandboxSpec({ ...stored, sandbox: { isolation: 'unheard-of' } }),
    ).toMatchObject({
      runtime: { kind: 'Hermes' },
      sandbox: { isolation: 'enhanced' },
    });
  });
});

describe('writtenSpec', () => {
  const spec = readSandboxSpec(stored);

  it('writes the portal spec into the stored one, keeping every field it does not know', () => {
    const written = writtenSpec(stored, {
      ...spec,
      sandbox: { isolation: 'standard' },
      governance: { ...spec.governance, trustThreshold: 800 },
    });
    expect(written).toEqual({
      ...spec,
      sandbox: { isolation: 'standard', seccompProfile: 'kars-strict' },
      governance: {
        enabled: true,
        trustThreshold: 800,
        registryMode: 'local',
      },
      hermes: { version: '0.4.0' },
      inferenceRef: { name: 'k' },
      networkPolicy: stored.networkPolicy,
      meshAuth: { mode: 'strict' },
    });
  });

  it('removes a known field the portal removed, and replaces an array the portal changed', () => {
    const { workloadIdentity: _removed, ...withoutIdentity } = spec;
    const written = writtenSpec(stored, {
      ...withoutIdentity,
      networkPolicy: { allowedEndpoints: [{ host: 'a.example', port: 443 }] },
    });
    expect(written).not.toHaveProperty('workloadIdentity');
    expect(written.networkPolicy).toEqual({
      egressMode: 'Strict',
      allowedEndpoints: [{ host: 'a.example', port: 443 }],
    });
  });
});
