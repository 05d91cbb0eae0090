import {
  sandboxHealthSchema,
  sandboxSchema,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import {
  KarsAction,
  KarsActionsOptions,
  objectSchema,
  readableSandbox,
  sandboxNameInputSchema,
} from './types';

/** What `get-sandbox` answers: the sandbox as `GET /sandboxes/:name` has it, and its health. */
export const getSandboxOutputSchema = z.strictObject({
  sandbox: sandboxSchema,
  health: sandboxHealthSchema,
});

/**
 * `get-sandbox`: a sandbox (`GET /sandboxes/:name`) with its health and budget use
 * (`GET /sandboxes/:name/health`), with read permission on it.
 */
export function getSandboxAction(options: KarsActionsOptions): KarsAction {
  const { sandboxes } = options;
  return {
    name: 'get-sandbox',
    title: 'Get a kars sandbox',
    description:
      'Reads one kars sandbox: its spec, status and credential key names (never values), and its health: enforcement layers, token budget use per window, channels, workload, identity and findings.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, sandboxNameInputSchema, 'input'),
      output: zod => objectSchema(zod, getSandboxOutputSchema, 'output'),
    },
    action: async ({ input, credentials }) => {
      const sandbox = await readableSandbox(options, credentials, input.name);
      return {
        output: { sandbox, health: await sandboxes.views.health(sandbox.name) },
      };
    },
  };
}
