/* eslint-disable no-console */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startKubeEmulator } from './emulator';

const USAGE = `Usage: yarn workspace @kars-portal/kube-emulator start [options]
  --port N            port on 127.0.0.1 (default 6443; 0 picks a free one)
  --state FILE        keep the state in FILE across restarts
  --kubeconfig FILE   write the kubeconfig there (default: print its path)
  --apply-deploy [D]  install the CRDs of D/*.yaml at start (default D: deploy/ of the repo)`;

export interface CliArgs {
  port: number;
  state?: string;
  kubeconfig?: string;
  deployDir?: string;
}

/** Parses the command line; throws with the usage on a bad argument. */
export function parseArgs(argv: string[], repoRoot: string): CliArgs {
  const args: CliArgs = { port: 6443 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--'))
        throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--port') args.port = Number(value());
    else if (a === '--state') args.state = resolve(value());
    else if (a === '--kubeconfig') args.kubeconfig = resolve(value());
    else if (a === '--apply-deploy') {
      const next = argv[i + 1];
      args.deployDir =
        next && !next.startsWith('--')
          ? resolve(argv[++i])
          : join(repoRoot, 'deploy');
    } else if (a === '--') continue;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new Error(`bad --port\n${USAGE}`);
  return args;
}

/** The nearest directory at or above `start` that holds deploy/ (the repository root). */
export function findRepoRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (
      existsSync(join(dir, 'deploy')) &&
      existsSync(join(dir, 'package.json'))
    )
      return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

/** The CustomResourceDefinitions among the YAML documents of `dir/*.yaml` (not recursive). */
export function crdsIn(dir: string): object[] {
  return readdirSync(dir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap(f =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map(d => d.toJS()),
    )
    .filter(o => o?.kind === 'CustomResourceDefinition');
}

async function main() {
  const repoRoot = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
  const args = parseArgs(process.argv.slice(2), repoRoot);
  const emu = await startKubeEmulator({
    port: args.port,
    stateFile: args.state,
    crds: args.deployDir ? crdsIn(args.deployDir) : [],
  });
  let kubeconfigPath = emu.kubeconfigPath;
  if (args.kubeconfig) {
    writeFileSync(args.kubeconfig, emu.kubeconfigYaml, { mode: 0o600 });
    kubeconfigPath = args.kubeconfig;
  }
  console.log(
    `kube-emulator listening at ${emu.httpsUrl} (and ${emu.url} in plain HTTP)`,
  );
  console.log(`kubeconfig: ${kubeconfigPath}`);
  console.log(`try: kubectl --kubeconfig ${kubeconfigPath} apply -f deploy/`);
  const shutdown = async () => {
    await emu.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch(e => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
