import { Sandbox, sandboxEntityRefs } from '@kars-portal/plugin-kars-common';

/** Where the scaffolder shows the Change sandbox template (templates/kars-sandbox-change). */
export const CHANGE_TEMPLATE_PATH =
  '/create/templates/default/kars-sandbox-change';

/**
 * The Change sandbox form filled in with a sandbox's current spec, in the template's parameters:
 * what the form shows is what the sandbox has, and the lists replace the current ones as they
 * stand (an emptied list empties the sandbox's). Suspension is left unchanged.
 */
export function changeFormData(sandbox: Sandbox): Record<string, unknown> {
  const { spec } = sandbox;
  const gateway = spec.a2a.publicGateway;
  let publicGateway = 'default';
  if (gateway !== undefined) publicGateway = gateway ? 'on' : 'off';
  return {
    sandbox: sandboxEntityRefs(sandbox.name).resource,
    isolation: spec.sandbox.isolation,
    model: spec.model,
    perRequestTokens: spec.tokenBudget.perRequestTokens,
    dailyTokens: spec.tokenBudget.dailyTokens,
    monthlyTokens: spec.tokenBudget.monthlyTokens,
    channels: spec.channels.map(c => c.type),
    replaceChannels: true,
    allowedEndpoints: spec.networkPolicy.allowedEndpoints.map(e => ({
      host: e.host,
      port: e.port,
    })),
    replaceAllowlist: true,
    governance: spec.governance.enabled ? 'on' : 'off',
    publicGateway,
    cpuLimit: spec.resources.limits.cpu,
    memoryLimit: spec.resources.limits.memory,
    ...(spec.workloadIdentity
      ? { workloadIdentityClientId: spec.workloadIdentity.clientId }
      : {}),
    suspended: 'unchanged',
  };
}

/** The Change sandbox template's URL, its form pre-filled (`?formData=`) from the sandbox. */
export function changeTemplateUrl(sandbox: Sandbox): string {
  return `${CHANGE_TEMPLATE_PATH}?formData=${encodeURIComponent(
    JSON.stringify(changeFormData(sandbox)),
  )}`;
}
