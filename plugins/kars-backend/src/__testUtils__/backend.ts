import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import { testClusters } from './clusters';
import { ClusterConnection } from '../service/ClusterConnection';
import { ClusterTarget } from '@kars-portal/test-kit/cluster';
import { ClientNodeGateway, KubeGateway } from '@kars-portal/plugin-kars-node';

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
  clusterConfig: Record<string, unknown> = {},
): ClusterConnection {
  const [config] = testClusters({
    clusters: [
      {
        name: 'primary',
        type: 'kubeconfig',
        kubeconfigPath: target.backendKubeconfigPath,
        ...clusterConfig,
      },
    ],
  });
  return new ClusterConnection(config, { gateway }, logger);
}

/** Every log line, so a test can scan them for secret values. */
export function capturingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    warn: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    info: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    debug: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    child: () => logger,
  };
  return logger;
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
