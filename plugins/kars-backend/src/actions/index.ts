import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { createSandboxAction } from './createSandbox';
import { deleteSandboxAction } from './deleteSandbox';
import { explainSandboxAction } from './explainSandbox';
import { getSandboxAction } from './getSandbox';
import { listSandboxesAction } from './listSandboxes';
import { resumeSandboxAction } from './resumeSandbox';
import { rotateCredentialsAction } from './rotateCredentials';
import { suspendSandboxAction } from './suspendSandbox';
import { KarsActionsOptions } from './types';
import { updateSandboxAction } from './updateSandbox';
import { validateSpecAction } from './validateSpec';

/** Every kars action, in the order tools are listed. */
export const KARS_ACTIONS = [
  listSandboxesAction,
  getSandboxAction,
  explainSandboxAction,
  validateSpecAction,
  createSandboxAction,
  updateSandboxAction,
  suspendSandboxAction,
  resumeSandboxAction,
  rotateCredentialsAction,
  deleteSandboxAction,
];

/** Registers the kars actions (`kars:<name>`; MCP tools `kars.<name>`) in the actions registry. */
export function registerKarsActions(
  registry: ActionsRegistryService,
  options: KarsActionsOptions,
) {
  for (const action of KARS_ACTIONS) registry.register(action(options));
}
