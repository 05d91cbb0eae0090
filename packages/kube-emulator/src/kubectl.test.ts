import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeEmulator, startKubeEmulator } from './emulator';
import { DEPLOY_DIR } from './testing/fixtures';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const run = promisify(execFile);

describe('kubectl against the emulator', () => {
  let emu: KubeEmulator;
  let cacheDir: string;
  const kubectl = (args: string[]) =>
    run(
      KUBECTL,
      ['--kubeconfig', emu.kubeconfigPath, '--cache-dir', cacheDir, ...args],
      { timeout: 30_000 },
    );

  beforeAll(async () => {
    emu = await startKubeEmulator();
    cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  });
  afterAll(async () => {
    await emu.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('applies deploy/ twice, the second time changing nothing that matters', async () => {
    const first = await kubectl(['apply', '-f', DEPLOY_DIR]);
    expect(first.stdout).toContain('namespace/kars-system created');
    expect(first.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/karssandboxes.kars.azure.com created',
    );
    expect(first.stdout).toContain(
      'daemonset.apps/kars-seccomp-installer created',
    );
    const second = await kubectl(['apply', '-f', DEPLOY_DIR]);
    expect(second.stdout).toContain('namespace/kars-system unchanged');
    expect(second.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/karssandboxes.kars.azure.com unchanged',
    );
    expect(second.stdout).toContain(
      'daemonset.apps/kars-seccomp-installer unchanged',
    );
    expect(second.stderr).not.toMatch(/error/i);
  });

  it('prints the KarsSandbox printer columns', async () => {
    await kubectl(['apply', '-f', DEPLOY_DIR]);
    const manifest = join(cacheDir, 'sandbox.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'kars.azure.com/v1alpha1',
        kind: 'KarsSandbox',
        metadata: { name: 'demo', namespace: 'kars-system' },
        spec: { inferenceRef: { name: 'demo' }, model: 'gpt-4o' },
      }),
    );
    await kubectl(['create', '-f', manifest]);
    const { stdout } = await kubectl([
      'get',
      'karssandbox',
      '-n',
      'kars-system',
    ]);
    const [header, row] = stdout.trimEnd().split('\n');
    expect(header.split(/\s+/)).toEqual([
      'NAME',
      'PHASE',
      'MODEL',
      'ISOLATION',
      'AGE',
    ]);
    expect(row.split(/\s+/).slice(0, 3)).toEqual([
      'demo',
      'gpt-4o',
      'enhanced',
    ]);
  });

  it('creates, gets, lists, watches and deletes', async () => {
    await kubectl(['create', 'namespace', 'cli']);
    await kubectl([
      'create',
      'configmap',
      'one',
      '-n',
      'cli',
      '--from-literal=k=v',
    ]);
    const got = JSON.parse(
      (await kubectl(['get', 'configmap', 'one', '-n', 'cli', '-o', 'json']))
        .stdout,
    );
    expect(got.data).toEqual({ k: 'v' });
    const names = (
      await kubectl(['get', 'configmaps', '-n', 'cli', '-o', 'name'])
    ).stdout
      .trim()
      .split('\n');
    expect(names).toEqual(['configmap/one']);

    const watch = spawn(KUBECTL, [
      '--kubeconfig',
      emu.kubeconfigPath,
      '--cache-dir',
      cacheDir,
      'get',
      'configmaps',
      '-n',
      'cli',
      '--watch',
      '--output-watch-events',
    ]);
    let out = '';
    watch.stdout.on('data', d => {
      out += d;
    });
    const seen = async (text: string) => {
      const deadline = Date.now() + 10_000;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in ${out}`);
        await new Promise(r => setTimeout(r, 20));
      }
    };
    await seen('one');
    await kubectl(['create', 'configmap', 'two', '-n', 'cli']);
    await seen('two');
    await kubectl(['delete', 'configmap', 'two', '-n', 'cli']);
    await seen('DELETED');
    watch.kill();
    expect(out.split('\n')[0].split(/\s+/)).toEqual([
      'EVENT',
      'NAME',
      'DATA',
      'AGE',
    ]);
    expect(out).toMatch(/ADDED\s+two/);

    const deleted = await kubectl([
      'delete',
      'namespace',
      'cli',
      '--wait=true',
    ]);
    expect(deleted.stdout).toContain('namespace "cli" deleted');
    await expect(kubectl(['get', 'namespace', 'cli'])).rejects.toMatchObject({
      stderr: expect.stringContaining('NotFound'),
    });
  });
});
