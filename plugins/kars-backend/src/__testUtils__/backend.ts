import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { readKarsConfig } from '../config/readKarsConfig';
import { ClientNodeGateway } from '../kube/ClientNodeGateway';
import { KubeGateway } from '../kube/types';
import { ClusterConnection } from '../service/ClusterConnection';
import { ClusterTarget } from './clusterTargets';

/** The backend's own gateway on a target: on the real server, as the backend's ServiceAccount. */
export function backendGateway(target: ClusterTarget): ClientNodeGateway {
  const kc = new KubeConfig();
  kc.loadFromFile(target.backendKubeconfigPath);
  return new ClientNodeGateway(kc);
}

/** The connection the backend makes to a target from its config (`kars.clusters`), over a gateway. */
export function backendConnection(
  target: ClusterTarget,
  gateway: KubeGateway,
  logger: LoggerService,
): ClusterConnection {
  const config = readKarsConfig(
    new ConfigReader({
      kars: {
        clusters: [
          {
            name: 'primary',
            type: 'kubeconfig',
            kubeconfigPath: target.backendKubeconfigPath,
          },
        ],
      },
    }),
  );
  return new ClusterConnection(config.clusters[0], gateway, logger);
}

/** Polls until `fn` gives a truthy value, or fails naming what it waited for and the last error. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}
