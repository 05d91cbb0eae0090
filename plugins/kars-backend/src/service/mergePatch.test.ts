import {
  SandboxPatch,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { mergeSpecPatch } from './mergePatch';

const spec = sandboxSpecSchema.parse({
  owner: 'group:default/team-a',
  model: 'gpt-4.1',
  tokenBudget: { perRequestTokens: 8000, dailyTokens: 200000 },
  channels: [{ type: 'slack' }, { type: 'telegram' }],
  a2a: { description: 'Team A assistant', publicGateway: true },
  workloadIdentity: { clientId: '11111111-2222-3333-4444-555555555555' },
});

const { publicGateway: _gateway, ...a2aWithoutGateway } = spec.a2a;

describe('mergeSpecPatch', () => {
  it.each<[string, SandboxPatch, Record<string, unknown>]>([
    ['replaces a scalar', { model: 'gpt-4o' }, { model: 'gpt-4o' }],
    [
      'merges an object into the object it meets, keeping its other fields',
      { tokenBudget: { dailyTokens: 5 } },
      { tokenBudget: { ...spec.tokenBudget, dailyTokens: 5 } },
    ],
    [
      'merges into a nested object, keeping the fields not given',
      { a2a: { enabled: false } },
      { a2a: { ...spec.a2a, enabled: false } },
    ],
    [
      'replaces an array as a whole',
      { channels: [{ type: 'discord' }] },
      { channels: [{ type: 'discord' }] },
    ],
    ['removes a field given as null', { workloadIdentity: null }, {}],
    [
      'removes a nested key given as null, so it falls back to the default',
      { a2a: { publicGateway: null } },
      { a2a: a2aWithoutGateway },
    ],
    [
      'skips a field given as undefined',
      { model: undefined },
      { model: 'gpt-4.1' },
    ],
  ])('%s', (_what, patch, changed) => {
    const { workloadIdentity: _removed, ...withoutIdentity } = spec;
    const base = 'workloadIdentity' in patch ? withoutIdentity : spec;
    expect(mergeSpecPatch(spec, patch)).toStrictEqual({ ...base, ...changed });
  });

  it('leaves the spec it merges into as it was', () => {
    const before = JSON.stringify(spec);
    mergeSpecPatch(spec, {
      tokenBudget: { dailyTokens: 5 },
      a2a: { skills: [] },
      workloadIdentity: null,
    });
    expect(JSON.stringify(spec)).toBe(before);
  });
});
