import {
  KarsAction,
  KarsActionsOptions,
  objectSchema,
  specWriteOutputSchema,
} from './types';
import { suspendInputSchema } from './suspendSandbox';
import { patchSandbox } from './updateSandbox';

/**
 * `resume-sandbox`: `PATCH /sandboxes/:name` with `suspended: false`, with update permission on the
 * sandbox.
 */
export function resumeSandboxAction(options: KarsActionsOptions): KarsAction {
  return {
    name: 'resume-sandbox',
    title: 'Resume a kars sandbox',
    description:
      'Resumes a suspended kars sandbox: its agent runs again with the spec and credentials it had.',
    attributes: { destructive: false, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, suspendInputSchema, 'input'),
      output: zod => objectSchema(zod, specWriteOutputSchema, 'output'),
    },
    action: async ({ input, credentials }) => ({
      output: await patchSandbox(options, {
        credentials,
        actor: await options.access.actorOf(credentials),
        name: input.name,
        body: { suspended: false },
        dryRun: input.dryRun,
      }),
    }),
  };
}
