import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  karsSandboxUpdatePermission,
  updateSandboxRequestSchema,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { Actor } from '../service/Actor';
import {
  dryRunInput,
  KarsAction,
  KarsActionsOptions,
  objectSchema,
  SpecWriteOutput,
  specWriteOutputSchema,
} from './types';

/** The input of `update-sandbox`: the sandbox, `PATCH /sandboxes/:name`' body, and `dryRun`. */
export const updateInputSchema = z.strictObject({
  name: z.string().min(1).max(63).describe('The sandbox'),
  patch: updateSandboxRequestSchema.describe(
    'The fields to change (a JSON merge patch of the spec; null removes a nested key)',
  ),
  dryRun: dryRunInput(false),
});

/**
 * A change to a sandbox's spec as `PATCH /sandboxes/:name` makes it: the sandbox must exist (a 404
 * comes before a 403), then the update permission on it, then the audited command.
 */
export async function patchSandbox(
  { sandboxes, access }: KarsActionsOptions,
  call: {
    credentials: BackstageCredentials;
    actor: Actor;
    name: string;
    body: unknown;
    dryRun: boolean;
  },
): Promise<SpecWriteOutput> {
  const { credentials, actor, name, body, dryRun } = call;
  sandboxes.fleet.getSandbox(name);
  await access.authorize(
    credentials,
    actor,
    karsSandboxUpdatePermission,
    name,
    'update',
    dryRun,
  );
  if (dryRun) {
    return {
      dryRun,
      manifests: await sandboxes.commands.update.dryRun({ name, body }, actor),
    };
  }
  return {
    dryRun,
    ...(await sandboxes.commands.update.run({ name, body }, actor)),
  };
}

/** `update-sandbox`: `PATCH /sandboxes/:name`, with update permission on the sandbox. */
export function updateSandboxAction(options: KarsActionsOptions): KarsAction {
  return {
    name: 'update-sandbox',
    title: 'Update a kars sandbox',
    description:
      "Changes the mutable fields of a kars sandbox's spec (model, budgets, channels, policies, ...): the patch is merged into the live spec and checked as a whole. dryRun: true answers the objects it would render, writing nothing.",
    attributes: { destructive: true, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, updateInputSchema, 'input'),
      output: zod => objectSchema(zod, specWriteOutputSchema, 'output'),
    },
    action: async ({ input, credentials }) => ({
      output: await patchSandbox(options, {
        credentials,
        actor: await options.access.actorOf(credentials),
        name: input.name,
        body: input.patch,
        dryRun: input.dryRun,
      }),
    }),
  };
}
