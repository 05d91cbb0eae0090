import { crdsIn, parseArgs } from './cli';
import { DEPLOY_DIR } from './testing/fixtures';

describe('cli', () => {
  it('parses its options', () => {
    expect(
      parseArgs(
        ['--port', '0', '--state', 's.json', '--apply-deploy'],
        '/repo',
      ),
    ).toEqual({
      port: 0,
      state: expect.stringMatching(/s\.json$/),
      deployDir: '/repo/deploy',
    });
    expect(parseArgs([], '/repo')).toEqual({ port: 6443 });
    expect(() => parseArgs(['--port'], '/repo')).toThrow(
      '--port needs a value',
    );
    expect(() => parseArgs(['--nope'], '/repo')).toThrow(
      'unknown argument --nope',
    );
  });

  it('finds the CRDs of deploy/', () => {
    expect(
      crdsIn(DEPLOY_DIR)
        .map(c => (c as { metadata: { name: string } }).metadata.name)
        .sort(),
    ).toEqual([
      'inferencepolicies.kars.azure.com',
      'karssandboxes.kars.azure.com',
    ]);
  });
});
