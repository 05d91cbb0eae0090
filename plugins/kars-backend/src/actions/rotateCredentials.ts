import {
  karsCredentialsUpdatePermission,
  putCredentialsDryRunResponseSchema,
  putCredentialsRequestSchema,
  putCredentialsResponseSchema,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import {
  dryRunInput,
  KarsAction,
  KarsActionsOptions,
  objectSchema,
} from './types';

/** The input of `rotate-sandbox-credentials`: the sandbox, `PUT /sandboxes/:name/credentials`' body, `dryRun`. */
export const rotateInputSchema = putCredentialsRequestSchema.extend({
  name: z.string().min(1).max(63).describe('The sandbox'),
  dryRun: dryRunInput(false),
});

/** What `rotate-sandbox-credentials` answers: key names, never values; with `dryRun`, the plan. */
export const rotateOutputSchema = putCredentialsResponseSchema.extend({
  dryRun: z.boolean(),
  plan: putCredentialsDryRunResponseSchema.optional(),
});

/**
 * `rotate-sandbox-credentials`: `PUT /sandboxes/:name/credentials`, with the credentials update
 * permission on the sandbox. Values are input only: the answer names keys.
 */
export function rotateCredentialsAction({
  sandboxes,
  access,
}: KarsActionsOptions): KarsAction {
  return {
    name: 'rotate-sandbox-credentials',
    title: 'Rotate the credentials of a kars sandbox',
    description:
      "Sets or rotates a kars sandbox's credentials (channel tokens, plugin keys) in its Secret: merge keeps keys not given, replace removes them; restart rolls the agent so it reads the new values. Values are never echoed, logged or audited: the answer names keys only.",
    attributes: { destructive: true, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, rotateInputSchema, 'input'),
      output: zod => objectSchema(zod, rotateOutputSchema, 'output'),
    },
    action: async ({ input, credentials }) => {
      const actor = await access.actorOf(credentials);
      const { name, dryRun, ...body } = input;
      sandboxes.fleet.getSandbox(name);
      await access.authorize(
        credentials,
        actor,
        karsCredentialsUpdatePermission,
        name,
        'credentials.update',
        dryRun,
      );
      if (dryRun) {
        const plan = await sandboxes.commands.credentials.dryRun(
          { name, body },
          actor,
        );
        return {
          output: {
            dryRun,
            credentialKeys: plan.credentialKeys,
            restarted: false,
            plan,
          },
        };
      }
      const { credentialKeys, restarted } =
        await sandboxes.commands.credentials.run({ name, body }, actor);
      return { output: { dryRun, credentialKeys, restarted } };
    },
  };
}
