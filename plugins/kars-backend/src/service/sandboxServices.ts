import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { AuditStore } from '../database/AuditStore';
import { Admission } from './Admission';
import { ClusterConnection } from './ClusterConnection';
import { CommandAudit } from './CommandAudit';
import { CreateSandbox } from './commands/CreateSandbox';
import { DeleteSandbox } from './commands/DeleteSandbox';
import { UpdateSandbox } from './commands/UpdateSandbox';
import { WriteCredentials } from './commands/WriteCredentials';
import { CredentialsWriter } from './CredentialsWriter';
import { FleetIndex } from './FleetIndex';
import { ObservedChannels } from './ObservedChannels';
import { SandboxViews } from './SandboxViews';

/** What the REST API works with: the fleet, admission, the views and the audited commands. */
export type SandboxServices = ReturnType<typeof createSandboxServices>;

/**
 * Builds the sandbox services over the backend's clusters, with every command audited; the fleet
 * list shows the channels that `channels`' last checks saw failing.
 */
export function createSandboxServices(options: {
  clusters: readonly ClusterConnection[];
  audit: AuditStore;
  auditor: AuditorService;
  logger: LoggerService;
  channels?: ObservedChannels;
}) {
  const { audit, auditor, logger } = options;
  const fleet = new FleetIndex(options.clusters);
  const admission = new Admission(fleet);
  const commandAudit = new CommandAudit(audit, auditor, fleet, logger);
  const credentials = commandAudit.wrap(
    new WriteCredentials(fleet, new CredentialsWriter(), logger),
  );
  return {
    fleet,
    admission,
    views: new SandboxViews(fleet, audit, options.channels),
    audit: commandAudit,
    commands: {
      create: commandAudit.wrap(
        new CreateSandbox(admission, credentials, logger),
      ),
      update: commandAudit.wrap(new UpdateSandbox(fleet, admission, logger)),
      delete: commandAudit.wrap(new DeleteSandbox(fleet)),
      credentials,
    },
  };
}
