import { validateResponseSchema } from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { KarsAction, KarsActionsOptions, objectSchema } from './types';

/**
 * The input of `validate-sandbox-spec`: a create request, loosely typed so that a wrong spec
 * reaches the rules and comes back as issues instead of being refused as input.
 */
export const validateInputSchema = z.strictObject({
  name: z.string().describe('The sandbox name to check'),
  cluster: z
    .string()
    .optional()
    .describe('The cluster (the default one when not given)'),
  spec: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The sandbox spec, as create-sandbox takes it'),
  credentials: z
    .record(z.string(), z.string())
    .optional()
    .describe('Credentials to check beside the spec; never echoed'),
});

/**
 * `validate-sandbox-spec`: what `POST /sandboxes/validate` answers for a create request: whether it
 * would be admitted, and every issue (field, rule, message; never a value).
 */
export function validateSpecAction({
  sandboxes,
  access,
}: KarsActionsOptions): KarsAction {
  return {
    name: 'validate-sandbox-spec',
    title: 'Validate a kars sandbox spec',
    description:
      'Checks a sandbox create request (name, cluster, spec, credentials) against every rule the portal applies, writing nothing: valid, and the issues by field and rule. Credential values are checked, never echoed.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, validateInputSchema, 'input'),
      output: zod => objectSchema(zod, validateResponseSchema, 'output'),
    },
    action: async ({ input, credentials }) => ({
      output: await sandboxes.admission.validate(
        input,
        await access.actorOf(credentials),
      ),
    }),
  };
}
