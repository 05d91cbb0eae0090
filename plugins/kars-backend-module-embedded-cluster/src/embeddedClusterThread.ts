import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Worker } from 'worker_threads';
import type {
  EmbeddedClusterAddresses,
  EmbeddedClusterOptions,
} from './embeddedCluster';

/** What an embedded cluster's thread tells the backend. */
export type ClusterThreadMessage =
  | { type: 'started'; addresses: EmbeddedClusterAddresses }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

/** An embedded cluster running in a thread of its own. */
export interface EmbeddedClusterThread extends EmbeddedClusterAddresses {
  /** Stops the simulator and the emulator (which saves its state file), then the thread. */
  stop(): Promise<void>;
}

/**
 * The thread's code: Backstage's TypeScript transform, then the entry. The package runs from its
 * TypeScript sources (it is private: the dev portal, tests and benchmarks). The transform is
 * required in the thread rather than given as an option, so that the thread inherits the
 * process's own options (Node refuses process-wide ones such as --max-old-space-size when they
 * are given to a thread).
 */
function workerCode() {
  const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');
  const entry = resolvePackagePath(
    '@kars-portal/plugin-kars-backend-module-embedded-cluster',
    'src/embeddedClusterWorker.ts',
  );
  return `require(${JSON.stringify(transform)});\nrequire(${JSON.stringify(
    entry,
  )});\n`;
}

/**
 * Starts an embedded cluster (embeddedCluster.ts) in a worker thread and resolves once it
 * listens; rejects with the thread's error if it cannot start. `onFailure` hears of the thread
 * ending on its own after it started (an uncaught error in the emulator or the simulator).
 */
export function startEmbeddedClusterThread(
  options: EmbeddedClusterOptions,
  onFailure: (error: Error) => void,
): Promise<EmbeddedClusterThread> {
  const worker = new Worker(workerCode(), {
    eval: true,
    workerData: options,
  });
  let started = false;
  let stopping = false;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      if (stopping) return;
      stopping = true;
      if (started) onFailure(error);
      else reject(error);
      void worker.terminate();
    };
    worker.on('error', fail);
    worker.on('exit', code =>
      fail(new Error(`the embedded cluster's thread exited (${code})`)),
    );
    worker.once('message', (message: ClusterThreadMessage) => {
      if (message.type !== 'started') {
        fail(
          new Error(message.type === 'failed' ? message.message : message.type),
        );
        return;
      }
      started = true;
      const stop = () =>
        new Promise<void>((stopped, failed) => {
          if (stopping) {
            stopped();
            return;
          }
          stopping = true;
          worker.once('exit', () => stopped());
          worker.once('message', (answer: ClusterThreadMessage) => {
            if (answer.type === 'failed') failed(new Error(answer.message));
            void worker.terminate();
          });
          worker.postMessage({ type: 'stop' });
        });
      resolve({ ...message.addresses, stop });
    });
  });
}
