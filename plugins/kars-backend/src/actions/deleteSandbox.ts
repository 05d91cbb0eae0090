import {
  deleteSandboxDryRunResponseSchema,
  karsSandboxDeletePermission,
  sandboxSchema,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import {
  dryRunInput,
  KarsAction,
  KarsActionsOptions,
  objectSchema,
} from './types';

/** The input of `delete-sandbox`: the sandbox, and whether it is a dry run (the default). */
export const deleteInputSchema = z.strictObject({
  name: z.string().min(1).max(63).describe('The sandbox'),
  dryRun: dryRunInput(true),
});

/** What `delete-sandbox` answers: with `dryRun` what would go (`plan`), else the sandbox, deleting. */
export const deleteOutputSchema = z.strictObject({
  dryRun: z.boolean(),
  plan: deleteSandboxDryRunResponseSchema.optional(),
  sandbox: sandboxSchema.optional(),
});

/**
 * `delete-sandbox`: `DELETE /sandboxes/:name`, a dry run unless `dryRun` is false, with delete
 * permission on the sandbox.
 */
export function deleteSandboxAction({
  sandboxes,
  access,
}: KarsActionsOptions): KarsAction {
  return {
    name: 'delete-sandbox',
    title: 'Delete a kars sandbox',
    description:
      'Deletes a kars sandbox and the tenant namespace kars portal made for it, with everything in it. A dry run by default: it answers what would go; pass dryRun: false to delete.',
    attributes: { destructive: true, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, deleteInputSchema, 'input'),
      output: zod => objectSchema(zod, deleteOutputSchema, 'output'),
    },
    action: async ({ input, credentials }) => {
      const actor = await access.actorOf(credentials);
      const { name, dryRun } = input;
      sandboxes.fleet.getSandbox(name);
      await access.authorize(
        credentials,
        actor,
        karsSandboxDeletePermission,
        name,
        'delete',
        dryRun,
      );
      if (dryRun) {
        return {
          output: {
            dryRun,
            plan: await sandboxes.commands.delete.dryRun({ name }, actor),
          },
        };
      }
      return {
        output: {
          dryRun,
          sandbox: await sandboxes.commands.delete.run({ name }, actor),
        },
      };
    },
  };
}
