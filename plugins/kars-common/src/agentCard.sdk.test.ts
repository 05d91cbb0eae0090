import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentCard, agentCardSchema, buildAgentCard } from './agentCard';
import { MAX_SANDBOX_NAME_LENGTH } from './names';
import { SEED_TENANTS } from './seedTenants';
import { sandboxSpecSchema, SandboxSpecInput } from './spec';
import { RUNTIME_KINDS } from './specVocabulary';

/**
 * Every card the portal can build, checked by the official A2A Python SDK (a2a-sdk): parsed as its
 * AgentCard type (strict, so a field name A2A does not have fails) and put through its
 * required-field validation. `.ci/run` installs the SDK pinned in scripts/a2a-sdk-requirements.txt
 * into a venv under $KARS_CACHE; `KARS_A2A_SDK_PYTHON` names another interpreter that has it.
 * With CI=true a missing SDK fails this suite; elsewhere it is skipped with the reason.
 */
const scriptsDir = path.resolve(__dirname, '../scripts');
const pinned = /^a2a-sdk==(.+)$/m.exec(
  fs.readFileSync(path.join(scriptsDir, 'a2a-sdk-requirements.txt'), 'utf8'),
)?.[1];
const python =
  process.env.KARS_A2A_SDK_PYTHON ??
  path.join(
    process.env.KARS_CACHE ?? path.join(os.homedir(), '.cache', 'kars-portal'),
    'a2a-sdk',
    'bin',
    'python',
  );
const missing = fs.existsSync(python)
  ? undefined
  : `no Python with the A2A SDK at ${python} (.ci/run installs it; or set KARS_A2A_SDK_PYTHON)`;
if (missing && process.env.CI === 'true') {
  throw new Error(`the A2A SDK is required with CI=true: ${missing}`);
}
const describeWithSdk = missing ? describe.skip : describe;
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the A2A SDK card validation: ${missing}`);
}

/** The SDK's objections to each labelled card ("field: message" lines), and its version. */
function validateWithSdk(cards: Record<string, unknown>): {
  sdk: string;
  errors: Record<string, string[]>;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-agent-cards-'));
  try {
    const file = path.join(dir, 'cards.json');
    fs.writeFileSync(file, JSON.stringify(cards));
    return JSON.parse(
      execFileSync(
        python,
        [path.join(scriptsDir, 'validate_agent_cards.py'), file],
        { encoding: 'utf8', timeout: 60_000 },
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function card(name: string, spec: SandboxSpecInput, options = {}): AgentCard {
  const built = buildAgentCard(name, sandboxSpecSchema.parse(spec), options);
  if (!built) throw new Error(`${name} has A2A off`);
  return agentCardSchema.parse(built);
}

const provider = { organization: 'Contoso', url: 'https://contoso.example' };
const gateway = 'https://a2a.contoso.example';
const longName = 'a'.repeat(MAX_SANDBOX_NAME_LENGTH);

const portalCards: Record<string, AgentCard> = {
  ...Object.fromEntries(
    SEED_TENANTS.map(t => [
      `seed ${t.name}`,
      card(t.name, t.spec, { provider }),
    ]),
  ),
  'a default sandbox': card('demo', {}),
  [`a ${MAX_SANDBOX_NAME_LENGTH}-character name`]: card(longName, {}),
  ...Object.fromEntries(
    RUNTIME_KINDS.map(kind => [
      `runtime ${kind}`,
      card('rt', { runtime: { kind } }),
    ]),
  ),
  ...Object.fromEntries(
    (['mtls', 'none'] as const).flatMap(callerAuth => [
      [
        `public gateway (${callerAuth}), seed tenant-a`,
        card('tenant-a', SEED_TENANTS[0].spec, {
          provider,
          publicGateway: { url: gateway, callerAuth },
        }),
      ],
      [
        `public gateway (${callerAuth}), a ${MAX_SANDBOX_NAME_LENGTH}-character name`,
        card(longName, {}, { publicGateway: { url: gateway, callerAuth } }),
      ],
    ]),
  ),
};

describeWithSdk('agent cards, checked by the A2A Python SDK', () => {
  const tenantA = portalCards['seed tenant-a'];
  const { description: _, ...withoutDescription } = tenantA;
  const controls = {
    'control: no skills': { ...tenantA, skills: [] },
    'control: no description': withoutDescription,
    'control: a skill without tags': {
      ...tenantA,
      skills: [{ ...tenantA.skills[0], tags: [] }],
    },
    'control: a misspelt security field': {
      ...portalCards['public gateway (mtls), seed tenant-a'],
      securityRequirement: [],
    },
  };
  const result = validateWithSdk({ ...portalCards, ...controls });

  it('runs the pinned SDK version', () => {
    expect(result.sdk).toBe(pinned);
  });

  it('accepts every card the portal builds', () => {
    const checked = Object.keys(portalCards);
    expect(checked.length).toBeGreaterThan(15);
    expect(
      Object.fromEntries(checked.map(label => [label, result.errors[label]])),
    ).toEqual(Object.fromEntries(checked.map(label => [label, []])));
  });

  it('reports the cards A2A rejects (so this suite can fail)', () => {
    expect(result.errors['control: no skills']).toEqual([
      'skills: Field must contain at least one element.',
    ]);
    expect(result.errors['control: no description']).toEqual([
      'description: Field is required.',
    ]);
    expect(result.errors['control: a skill without tags']).toEqual([
      'skills[0].tags: Field must contain at least one element.',
    ]);
    expect(result.errors['control: a misspelt security field']).toEqual([
      expect.stringContaining('has no field named "securityRequirement"'),
    ]);
  });
});
