import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of sandbox permissions; resource refs are sandbox names. @public */
export const KARS_SANDBOX_RESOURCE_TYPE = 'kars-sandbox';

/** Create a sandbox. @public */
export const karsSandboxCreatePermission = createPermission({
  name: 'kars.sandbox.create',
  attributes: { action: 'create' },
});

/** Read a sandbox: spec, status, health, manifests, events. @public */
export const karsSandboxReadPermission = createPermission({
  name: 'kars.sandbox.read',
  attributes: { action: 'read' },
  resourceType: KARS_SANDBOX_RESOURCE_TYPE,
});

/**
 * Read the logs of a sandbox's containers (`GET /sandboxes/:name/logs`). Apart from reading the
 * sandbox: what an agent prints is its owners' business. @public
 */
export const karsSandboxLogsPermission = createPermission({
  name: 'kars.sandbox.logs',
  attributes: { action: 'read' },
  resourceType: KARS_SANDBOX_RESOURCE_TYPE,
});

/** Change a sandbox's spec, including suspending it. @public */
export const karsSandboxUpdatePermission = createPermission({
  name: 'kars.sandbox.update',
  attributes: { action: 'update' },
  resourceType: KARS_SANDBOX_RESOURCE_TYPE,
});

/** Delete a sandbox and its namespace. @public */
export const karsSandboxDeletePermission = createPermission({
  name: 'kars.sandbox.delete',
  attributes: { action: 'delete' },
  resourceType: KARS_SANDBOX_RESOURCE_TYPE,
});

/** Set or rotate a sandbox's credentials. @public */
export const karsCredentialsUpdatePermission = createPermission({
  name: 'kars.sandbox.credentials.update',
  attributes: { action: 'update' },
  resourceType: KARS_SANDBOX_RESOURCE_TYPE,
});

/**
 * Read the fleet-wide audit trail (`GET /audit`): every sandbox's events, deleted sandboxes
 * included. A basic permission, since a deleted sandbox is no resource any more. @public
 */
export const karsAuditReadPermission = createPermission({
  name: 'kars.audit.read',
  attributes: { action: 'read' },
});

/** Every kars permission. @public */
export const karsPermissions = [
  karsSandboxCreatePermission,
  karsSandboxReadPermission,
  karsSandboxLogsPermission,
  karsSandboxUpdatePermission,
  karsSandboxDeletePermission,
  karsCredentialsUpdatePermission,
  karsAuditReadPermission,
];
