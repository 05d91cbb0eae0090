import { parentPort, workerData } from 'worker_threads';
import {
  EmbeddedClusterOptions,
  startEmbeddedCluster,
} from './embeddedCluster';
import type { ClusterThreadMessage } from './embeddedClusterThread';

/**
 * The entry of an embedded cluster's own thread (embeddedClusterThread.ts starts it): the
 * emulator and the workload simulator with their own event loop and heap, so that the cluster and
 * the backend use two cores, and neither's garbage collection or bursts of work stop the other.
 * It starts the cluster from `workerData`, says where it listens, and stops it when asked.
 */
const port = parentPort!;
const post = (message: ClusterThreadMessage) => port.postMessage(message);
const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

startEmbeddedCluster(workerData as EmbeddedClusterOptions).then(
  ({ stop, ...addresses }) => {
    port.once('message', () =>
      stop().then(
        () => post({ type: 'stopped' }),
        error => post({ type: 'failed', message: messageOf(error) }),
      ),
    );
    post({ type: 'started', addresses });
  },
  error => post({ type: 'failed', message: messageOf(error) }),
);
