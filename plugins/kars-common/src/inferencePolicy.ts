import { z } from 'zod';
import { SEVERITIES } from './spec';

const severity = z.enum(SEVERITIES);
const tokenCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The subset of kars's InferencePolicy spec the suite writes: which sandbox it applies to, the model,
 * the token budgets and the content-safety thresholds. kars's CRD carries more (guardrails, bundleRef);
 * the CRD keeps unknown fields of those out by pruning.
 * @public
 */
export const inferencePolicySpecSchema = z.strictObject({
  appliesTo: z.strictObject({
    sandboxName: z.string().min(1).max(63),
    action: z
      .enum(['chat', 'responses', 'image', 'embeddings', '*'])
      .default('*'),
  }),
  provider: z
    .enum(['azure-openai', 'anthropic', 'ollama', 'bedrock'])
    .default('azure-openai'),
  modelPreference: z.strictObject({
    primary: z.strictObject({
      provider: z.string().min(1).optional(),
      deployment: z.string().min(1).max(100),
    }),
  }),
  tokenBudget: z
    .strictObject({
      perRequestTokens: tokenCount.default(0),
      dailyTokens: tokenCount.default(0),
      monthlyTokens: tokenCount.default(0),
    })
    .default({ perRequestTokens: 0, dailyTokens: 0, monthlyTokens: 0 }),
  contentSafety: z
    .strictObject({
      hate: severity.optional(),
      selfHarm: severity.optional(),
      sexual: severity.optional(),
      violence: severity.optional(),
      requirePromptShields: z.boolean().optional(),
    })
    .optional(),
  displayName: z.string().max(253).optional(),
});
/** @public */
export type InferencePolicySpec = z.output<typeof inferencePolicySpecSchema>;
