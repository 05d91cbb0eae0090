import {
  CreateSandboxRequest,
  sandboxSpecSchema,
  SEED_TENANTS,
  UpdateSandboxRequest,
} from '@kars-portal/plugin-kars-common';
import { PlantedSecrets } from './secrets';

/** Every sandbox the suite makes starts with this, so leftovers of an earlier run are known. */
export const SUITE_PREFIX = 'acc-';

/** The demo tenants of the seed, as `kubectl get karssandbox -n kars-system` must show them. */
export const DEMO_TENANTS = SEED_TENANTS.map(({ name, spec }) => {
  const { sandbox, model } = sandboxSpecSchema.parse(spec);
  return { name, isolation: sandbox.isolation, model };
});

/** A sandbox the suite makes, and the change it then makes to it (judged after the change). */
export interface SuiteTenant {
  request: CreateSandboxRequest;
  patch?: UpdateSandboxRequest;
  /** Credentials set afterwards with PUT .../credentials (merge). */
  rotate?: Record<string, string>;
}

/**
 * The sandboxes whose live objects the invariants judge beside the demo tenants: every isolation
 * level, governance on and off, every channel, an allowlist with a host, an IP and a CIDR on non-443
 * ports, a workload-identity client id, a suspended one, a dev-only content-safety policy and
 * several runtimes.
 */
export function suiteTenants(s: PlantedSecrets): SuiteTenant[] {
  return [
    {
      request: {
        name: 'acc-std-gov',
        spec: {
          owner: 'group:default/team-a',
          sandbox: { isolation: 'standard' },
          model: 'gpt-4o-mini',
          tokenBudget: {
            perRequestTokens: 1000,
            dailyTokens: 20000,
            monthlyTokens: 500000,
          },
          channels: [
            { type: 'telegram' },
            { type: 'slack' },
            { type: 'discord' },
          ],
          networkPolicy: {
            allowedEndpoints: [
              { host: 'api.example.com', port: 443 },
              { host: '203.0.113.7', port: 8443 },
              { host: '198.51.100.0/24', port: 5432 },
            ],
          },
          governance: { enabled: true, trustThreshold: 700 },
          workloadIdentity: {
            clientId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
          },
          resources: { limits: { cpu: '1', memory: '2Gi' } },
        },
        credentials: {
          TELEGRAM_BOT_TOKEN: s.telegramOnCreate,
          SLACK_BOT_TOKEN: s.slackOnCreate,
          DISCORD_BOT_TOKEN: s.discordOnCreate,
          BRAVE_API_KEY: s.braveOnCreate,
        },
      },
      rotate: {
        TELEGRAM_BOT_TOKEN: s.telegramOnPut,
        BRAVE_API_KEY: s.braveOnPut,
        FIRECRAWL_API_KEY: s.firecrawlOnPut,
      },
    },
    {
      request: {
        name: 'acc-enh',
        spec: {
          owner: 'group:default/team-a',
          sandbox: { isolation: 'enhanced' },
          runtime: { kind: 'Hermes' },
          model: 'gpt-4.1',
          tokenBudget: { dailyTokens: 75000 },
          contentSafety: {
            hate: 'Low',
            selfHarm: 'Safe',
            sexual: 'Medium',
            violence: 'Low',
          },
          channels: [{ type: 'whatsapp' }],
          networkPolicy: {
            allowedEndpoints: [
              { host: '192.0.2.0/24', port: 8080 },
              { host: 'registry.example.org', port: 443 },
            ],
          },
        },
        credentials: {
          WHATSAPP_ENABLED: 'true',
          TAVILY_API_KEY: s.tavilyOnCreate,
          OPENAI_API_KEY: s.openaiOnCreate,
        },
      },
      // Judged after this change: the live objects must follow it.
      patch: {
        sandbox: { isolation: 'confidential' },
        governance: { enabled: true },
        networkPolicy: {
          allowedEndpoints: [
            { host: '192.0.2.0/24', port: 8080 },
            { host: 'registry.example.org', port: 443 },
            { host: '100.64.0.0/10', port: 9000 },
          ],
        },
        tokenBudget: { perRequestTokens: 2000, monthlyTokens: 900000 },
      },
    },
    {
      request: {
        name: 'acc-conf',
        spec: {
          owner: 'group:default/team-a',
          sandbox: { isolation: 'confidential' },
          runtime: { kind: 'LangGraph' },
          model: 'Phi-4',
          governance: { enabled: false },
          a2a: { enabled: false },
          suspended: true,
        },
      },
    },
    {
      request: {
        name: 'acc-dev',
        spec: {
          owner: 'group:default/team-a',
          sandbox: { isolation: 'enhanced' },
          runtime: { kind: 'BYO' },
          model: 'claude-opus-4.7',
          contentSafety: {
            hate: 'High',
            selfHarm: 'Low',
            sexual: 'Medium',
            violence: 'High',
            devOnly: true,
          },
          governance: { enabled: true, trustThreshold: 0 },
        },
        credentials: { EXA_API_KEY: s.exaOnCreate },
      },
    },
  ];
}

/** The permission matrix's targets: one of the guest's team, one of another team. */
export const MATRIX_OWN = 'acc-mx-own';
export const MATRIX_FOREIGN = 'acc-mx-foreign';

export function matrixTargets(): CreateSandboxRequest[] {
  return [
    {
      name: MATRIX_OWN,
      spec: { owner: 'group:default/team-a', channels: [{ type: 'slack' }] },
    },
    {
      name: MATRIX_FOREIGN,
      spec: { owner: 'group:default/team-b', channels: [{ type: 'slack' }] },
    },
  ];
}

/** The campaign's targets: the guest's own sandbox for changes, and one for deletes. */
export const CAMPAIGN_TARGET = 'acc-cmp';
export const CAMPAIGN_DELETE_TARGET = 'acc-cmp-del';

export function campaignTargets(): CreateSandboxRequest[] {
  return [
    {
      name: CAMPAIGN_TARGET,
      spec: {
        owner: 'group:default/team-a',
        channels: [{ type: 'telegram' }],
        tokenBudget: {
          perRequestTokens: 100,
          dailyTokens: 1000,
          monthlyTokens: 10000,
        },
      },
    },
    {
      name: CAMPAIGN_DELETE_TARGET,
      spec: { owner: 'group:default/team-a' },
    },
  ];
}
