import { KarsAction, KarsActionsOptions } from './types';
import { suspensionAction } from './suspendSandbox';

/**
 * `resume-sandbox`: `PATCH /sandboxes/:name` with `suspended: false`, with update permission on the
 * sandbox.
 */
export function resumeSandboxAction(options: KarsActionsOptions): KarsAction {
  return suspensionAction(options, {
    name: 'resume-sandbox',
    title: 'Resume a kars sandbox',
    description:
      'Resumes a suspended kars sandbox: its agent runs again with the spec and credentials it had.',
    attributes: { destructive: false, idempotent: true },
    suspended: false,
  });
}
