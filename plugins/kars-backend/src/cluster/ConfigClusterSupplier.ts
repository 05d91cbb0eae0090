import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  KarsClusterDetails,
  KarsClusterSupplier,
} from '@kars-portal/plugin-kars-node';

/** The entries of `kars.clusters`: a name and a type each. */
export function readClusterDetails(config: Config): KarsClusterDetails[] {
  return (config.getOptionalConfigArray('kars.clusters') ?? []).map(c => ({
    name: c.getString('name'),
    type: c.getString('type'),
    config: c,
  }));
}

/** The default supplier: the clusters listed under `kars.clusters`. */
export class ConfigClusterSupplier implements KarsClusterSupplier {
  constructor(private readonly config: Config) {}

  async getClusters(options: {
    logger: LoggerService;
  }): Promise<KarsClusterDetails[]> {
    const clusters = readClusterDetails(this.config);
    if (clusters.length === 0) {
      options.logger.warn(
        'kars.clusters names no cluster: the kars backend serves an empty fleet until one is configured',
      );
    }
    return clusters;
  }
}
