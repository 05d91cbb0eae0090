import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KarsClusterConnector,
  KarsClusterSupplier,
} from '@kars-portal/plugin-kars-node';
import {
  checkFleet,
  KarsConfig,
  readClusterConfig,
} from '../config/readKarsConfig';
import { ClusterConnection } from '../service/ClusterConnection';

/** The npm package that connects clusters of type `embedded`. */
export const EMBEDDED_CLUSTER_MODULE =
  '@kars-portal/plugin-kars-backend-module-embedded-cluster';

function missingConnector(name: string, type: string, known: string[]): Error {
  if (type === 'embedded') {
    return new Error(
      `kars.clusters[${name}] has type embedded, which no module connects: add backend.add(import('${EMBEDDED_CLUSTER_MODULE}')) to the backend (dev and tests only)`,
    );
  }
  return new Error(
    `kars.clusters[${name}].type ${type} has no connector; known types: ${known.join(
      ', ',
    )}`,
  );
}

/**
 * Connects to every cluster the supplier finds, each through the connector of its type. When one
 * fails, the ones already connected are stopped and startup fails naming the cluster.
 */
export async function connectClusters(options: {
  supplier: KarsClusterSupplier;
  connectors: ReadonlyMap<string, KarsClusterConnector>;
  kars: KarsConfig;
  logger: LoggerService;
}): Promise<ClusterConnection[]> {
  const { supplier, connectors, kars, logger } = options;
  const found = await supplier.getClusters({ logger });
  const configs = found.map(details => readClusterConfig(details, kars));
  checkFleet(configs);
  for (const details of found) {
    if (!connectors.has(details.type)) {
      throw missingConnector(details.name, details.type, [
        ...connectors.keys(),
      ]);
    }
  }
  const connections: ClusterConnection[] = [];
  try {
    for (const [i, details] of found.entries()) {
      const access = await connectors
        .get(details.type)!
        .connect(details, { logger: logger.child({ cluster: details.name }) });
      connections.push(new ClusterConnection(configs[i], access, logger));
    }
  } catch (error) {
    await Promise.all(connections.map(c => c.stop()));
    throw error;
  }
  return connections;
}
