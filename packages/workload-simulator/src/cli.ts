/* eslint-disable no-console */
import { resolve } from 'node:path';
import { startWorkloadSimulator, WorkloadSimulator } from './simulator';

const USAGE = `Usage: yarn workspace @kars-portal/workload-simulator start --kubeconfig FILE [options]
  --kubeconfig FILE     the cluster to simulate workloads on (required: the simulator writes the
                        status of sandbox Deployments, so it never picks a cluster by default);
                        yarn workspace runs this in packages/workload-simulator, so give an
                        absolute path or one relative to that folder
  --prometheus-port N   port of the simulated Prometheus on 127.0.0.1 (default 9090; 0 picks a free one)
  --ready-delay-ms N    how long until a new or changed sandbox Deployment is available (default 3000)
  --seed N              seed of the simulated token use (default 1)`;

export interface CliArgs {
  kubeconfigPath: string;
  prometheusPort: number;
  readyDelayMs: number;
  seed: number;
}

const integer = (flag: string, v: string, max = Number.MAX_SAFE_INTEGER) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > max)
    throw new Error(`bad ${flag} ${v}: a whole number up to ${max}\n${USAGE}`);
  return n;
};

/** Parses the command line (paths relative to `cwd`); throws with the usage on a bad argument. */
export function parseArgs(argv: string[], cwd: string): CliArgs {
  let kubeconfigPath: string | undefined;
  const args = { prometheusPort: 9090, readyDelayMs: 3000, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--'))
        throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--kubeconfig') kubeconfigPath = resolve(cwd, value());
    else if (a === '--prometheus-port')
      args.prometheusPort = integer(a, value(), 65535);
    else if (a === '--ready-delay-ms') args.readyDelayMs = integer(a, value());
    else if (a === '--seed') args.seed = integer(a, value());
    else if (a !== '--') throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!kubeconfigPath) throw new Error(`--kubeconfig is required\n${USAGE}`);
  return { kubeconfigPath, ...args };
}

/** Starts the simulator the command line asks for and says where its Prometheus answers. */
export async function runCli(
  argv: string[],
  cwd: string,
  log: (line: string) => void,
): Promise<WorkloadSimulator> {
  const args = parseArgs(argv, cwd);
  const simulator = await startWorkloadSimulator(args);
  log(`workload simulator watching the cluster of ${args.kubeconfigPath}`);
  log(
    `sandbox Deployments become available ${args.readyDelayMs} ms after a change`,
  );
  log(`simulated Prometheus: ${simulator.prometheusUrl}`);
  return simulator;
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.cwd(), line => console.log(line))
    .then(simulator => {
      const shutdown = async () => {
        await simulator.stop();
        process.exit(0);
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch(e => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
