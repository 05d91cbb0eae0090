import { ConfigReader } from '@backstage/config';
import { readClusterDetails } from '../cluster/ConfigClusterSupplier';
import {
  checkFleet,
  ClusterConfig,
  readClusterConfig,
  readKarsConfig,
} from '../config/readKarsConfig';

/**
 * The clusters of a `kars` config block as the backend reads them at startup; one kubeconfig
 * cluster named `test` when the block lists none.
 */
export function testClusters(
  kars: Record<string, unknown> = {},
): ClusterConfig[] {
  const config = new ConfigReader({
    kars: { clusters: [{ name: 'test', type: 'kubeconfig' }], ...kars },
  });
  const karsConfig = readKarsConfig(config);
  const clusters = readClusterDetails(config).map(c =>
    readClusterConfig(c, karsConfig),
  );
  checkFleet(clusters);
  return clusters;
}

/** The settings of the first of {@link testClusters}. */
export function testClusterSettings(kars: Record<string, unknown> = {}) {
  return testClusters(kars)[0].settings;
}
