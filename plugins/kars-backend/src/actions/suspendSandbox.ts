import { z } from 'zod';
import {
  dryRunInput,
  KarsAction,
  KarsActionsOptions,
  objectSchema,
  specWriteOutputSchema,
} from './types';
import { patchSandbox } from './updateSandbox';

/** The input of `suspend-sandbox` and `resume-sandbox`. */
export const suspendInputSchema = z.strictObject({
  name: z.string().min(1).max(63).describe('The sandbox'),
  dryRun: dryRunInput(false),
});

/** An action that sets `suspended` on a sandbox: suspend-sandbox and resume-sandbox. */
export function suspensionAction(
  options: KarsActionsOptions,
  action: Pick<KarsAction, 'name' | 'title' | 'description' | 'attributes'> & {
    suspended: boolean;
  },
): KarsAction {
  const { suspended, ...described } = action;
  return {
    ...described,
    schema: {
      input: zod => objectSchema(zod, suspendInputSchema, 'input'),
      output: zod => objectSchema(zod, specWriteOutputSchema, 'output'),
    },
    action: async ({ input, credentials }) => ({
      output: await patchSandbox(options, {
        credentials,
        actor: await options.access.actorOf(credentials),
        name: input.name,
        body: { suspended },
        dryRun: input.dryRun,
      }),
    }),
  };
}

/**
 * `suspend-sandbox`: `PATCH /sandboxes/:name` with `suspended: true` (its agent scaled to zero,
 * everything else kept), with update permission on the sandbox.
 */
export function suspendSandboxAction(options: KarsActionsOptions): KarsAction {
  return suspensionAction(options, {
    name: 'suspend-sandbox',
    title: 'Suspend a kars sandbox',
    description:
      'Suspends a kars sandbox: its agent stops (scaled to zero); its spec, credentials and namespace are kept. resume-sandbox starts it again.',
    attributes: { destructive: true, idempotent: true },
    suspended: true,
  });
}
