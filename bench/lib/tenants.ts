/**
 * The benchmarks' fleet of tenants (bench/fleet-page, bench/fleet-memory): five owner groups, the
 * three isolation levels, four models, daily budgets of 50k-200k tokens, a third with Telegram (with a
 * fake token), a seventh with Slack (without one, so "channel trouble").
 */
import { CreateSandboxRequest } from '@kars-portal/plugin-kars-common';

const ISOLATION = ['standard', 'enhanced', 'confidential'] as const;
const MODELS = ['gpt-4.1', 'gpt-4o', 'Phi-4', 'gpt-4.1-mini'];

/** The name of tenant i: `tenant-0042`. */
export const nameOf = (i: number) => `tenant-${String(i).padStart(4, '0')}`;

/** The create request of tenant i. */
export function tenant(i: number): CreateSandboxRequest {
  const telegram = i % 3 === 0;
  return {
    name: nameOf(i),
    spec: {
      owner: `group:default/team-${'abcde'[i % 5]}`,
      sandbox: { isolation: ISOLATION[i % 3] },
      model: MODELS[i % 4],
      tokenBudget: {
        perRequestTokens: 4000,
        dailyTokens: 50000 * (1 + (i % 4)),
        monthlyTokens: 2000000,
      },
      channels: [
        ...(telegram ? [{ type: 'telegram' as const }] : []),
        ...(i % 7 === 0 ? [{ type: 'slack' as const }] : []),
      ],
    } as CreateSandboxRequest['spec'],
    ...(telegram
      ? {
          credentials: {
            TELEGRAM_BOT_TOKEN: '000000000:BENCH-fake-telegram-token-not-real',
          },
        }
      : {}),
  };
}
