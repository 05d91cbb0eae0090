import {
  KARS_API_GROUP_VERSION,
  KARS_FIELD_MANAGER,
  KARS_SANDBOX_KIND,
  sandboxNamespace,
  SandboxSpec,
} from '@kars-portal/plugin-kars-common';
import { canonicalJson } from '../render/hash';
import { ClusterConnection } from '../service/ClusterConnection';
import { KarsSandboxObject, readSandboxStatus } from '../service/sandboxObject';
import { computeStatus, Observation } from './status';

/** How long a pass waits for the sandbox cache to hold the status it wrote. */
const STATUS_SEEN_TIMEOUT_MS = 5000;

/**
 * Writes the status computed from what a pass observed, only when it changed (the time of the pass
 * aside), through the status subresource; then waits until the sandbox cache holds it.
 */
export async function writeSandboxStatus(
  cluster: ClusterConnection,
  sandbox: KarsSandboxObject,
  spec: SandboxSpec,
  observation: Observation,
) {
  const operatorNamespace = cluster.config.settings.operatorNamespace;
  const previous = readSandboxStatus(sandbox.status);
  const next = computeStatus(
    spec,
    observation,
    previous,
    new Date(),
    sandboxNamespace(sandbox.metadata.name),
  );
  const strip = ({ lastReconciledAt: _l, ...rest }: typeof next) => rest;
  if (canonicalJson(strip(next)) === canonicalJson(strip(previous))) return;
  const written = await cluster.gateway.mergePatch(
    {
      apiVersion: KARS_API_GROUP_VERSION,
      kind: KARS_SANDBOX_KIND,
      name: sandbox.metadata.name,
      namespace: operatorNamespace,
    },
    {
      status: {
        ...next,
        // A merge patch keeps what it does not name: a gateway no longer published is removed.
        ...(previous.a2aGateway && !next.a2aGateway
          ? { a2aGateway: null }
          : {}),
        lastReconciledAt: new Date().toISOString(),
      },
    },
    { subresource: 'status', fieldManager: KARS_FIELD_MANAGER },
  );
  // The write queues no pass (its own status), so the next pass must find it in the cache: a
  // pass that compared with the status before it could leave a stale phase until the resync.
  const version = written.metadata.resourceVersion;
  await cluster.sandboxes.waitFor(
    () =>
      cluster.sandboxes.get(sandbox.metadata.name, operatorNamespace)?.metadata
        .resourceVersion === version,
    STATUS_SEEN_TIMEOUT_MS,
  );
}
