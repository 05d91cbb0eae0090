import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConnection } from './ClusterConnection';
import { sandboxRef } from './FleetIndex';
import { KarsSandboxObject } from './sandboxObject';

/** How long a write waits for its cluster's watch cache to see it. */
const READ_YOUR_WRITES_TIMEOUT_MS = 10_000;

/**
 * Whether a resourceVersion is at least another: numerically when both are numbers (as etcd's
 * are), else only when equal (the API server's versions are opaque). Pure.
 */
export function rvAtLeast(
  current: string | undefined,
  wanted: string,
): boolean {
  if (!current) return false;
  if (/^\d+$/.test(current) && /^\d+$/.test(wanted)) {
    return BigInt(current) >= BigInt(wanted);
  }
  return current === wanted;
}

/** Waits until the cache has seen a write (read-your-writes); falls back to a GET. */
export async function awaitCache(
  cluster: ClusterConnection,
  name: string,
  resourceVersion: string,
  logger: LoggerService,
): Promise<KarsSandboxObject | undefined> {
  const ns = cluster.config.settings.operatorNamespace;
  const seen = await cluster.sandboxes.waitFor(
    () =>
      rvAtLeast(
        cluster.sandboxes.get(name, ns)?.metadata.resourceVersion as string,
        resourceVersion,
      ),
    READ_YOUR_WRITES_TIMEOUT_MS,
  );
  if (seen) return cluster.sandboxes.get(name, ns);
  logger.warn(
    `watch cache of ${cluster.name} has not seen ${name}@${resourceVersion}; reading it directly`,
  );
  return cluster.gateway.get<KarsSandboxObject>(sandboxRef(cluster, name));
}

/** Waits until the cache has seen a sandbox go or start being deleted. */
export async function awaitGone(cluster: ClusterConnection, name: string) {
  const ns = cluster.config.settings.operatorNamespace;
  await cluster.sandboxes.waitFor(() => {
    const o = cluster.sandboxes.get(name, ns);
    return !o || Boolean(o.metadata.deletionTimestamp);
  }, READ_YOUR_WRITES_TIMEOUT_MS);
}
