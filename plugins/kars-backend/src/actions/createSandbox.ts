import {
  createSandboxRequestSchema,
  karsCredentialsUpdatePermission,
  karsSandboxCreatePermission,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import {
  dryRunInput,
  KarsAction,
  KarsActionsOptions,
  objectSchema,
  specWriteOutputSchema,
} from './types';

/** The input of `create-sandbox`: `POST /sandboxes`' body, and whether it is a dry run (the default). */
export const createInputSchema = createSandboxRequestSchema.extend({
  dryRun: dryRunInput(true),
});

/** What `create-sandbox` answers: a spec write's answer, and whether it made the sandbox. */
export const createOutputSchema = specWriteOutputSchema.extend({
  created: z.boolean().optional(),
});

/**
 * `create-sandbox`: `POST /sandboxes`, a dry run unless `dryRun` is false, with the route's
 * permission checks (create; credentials beside the spec of an existing sandbox are a credentials
 * write to it).
 */
export function createSandboxAction({
  sandboxes,
  access,
}: KarsActionsOptions): KarsAction {
  return {
    name: 'create-sandbox',
    title: 'Create a kars sandbox',
    description:
      'Creates a kars sandbox from a name, an optional cluster, a spec and optional credentials (channel tokens, plugin keys: write-only, never echoed). A dry run by default: it checks everything and answers the objects it would render; pass dryRun: false to create. The same spec again is a no-op (changed: false); a different one is refused.',
    attributes: { destructive: false, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, createInputSchema, 'input'),
      output: zod => objectSchema(zod, createOutputSchema, 'output'),
    },
    action: async ({ input, credentials }) => {
      const actor = await access.actorOf(credentials);
      const { dryRun, ...body } = input;
      await access.authorize(credentials, actor, karsSandboxCreatePermission);
      const command = {
        body,
        mayWriteCredentials: (name: string) =>
          access.authorize(
            credentials,
            actor,
            karsCredentialsUpdatePermission,
            name,
            'credentials.update',
            dryRun,
          ),
      };
      if (dryRun) {
        return {
          output: {
            dryRun,
            manifests: await sandboxes.commands.create.dryRun(command, actor),
          },
        };
      }
      const { created, response } = await sandboxes.commands.create.run(
        command,
        actor,
      );
      return { output: { dryRun, created, ...response } };
    },
  };
}
