import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { parseArgs, runCli } from './cli';

describe('cli', () => {
  it('parses its options, with paths relative to the caller', () => {
    expect(
      parseArgs(
        [
          '--',
          '--kubeconfig',
          'kc.yaml',
          '--prometheus-port',
          '0',
          '--ready-delay-ms',
          '150',
          '--seed',
          '7',
        ],
        '/home/me',
      ),
    ).toEqual({
      kubeconfigPath: '/home/me/kc.yaml',
      prometheusPort: 0,
      readyDelayMs: 150,
      seed: 7,
    });
    expect(parseArgs(['--kubeconfig', '/etc/kc'], '/home/me')).toEqual({
      kubeconfigPath: '/etc/kc',
      prometheusPort: 9090,
      readyDelayMs: 3000,
      seed: 1,
    });
  });

  it.each([
    [[], '--kubeconfig is required'],
    [['--prometheus-port', '0'], '--kubeconfig is required'],
    [['--kubeconfig'], '--kubeconfig needs a value'],
    [['--kubeconfig', '--seed', '1'], '--kubeconfig needs a value'],
    [
      ['--kubeconfig', 'k', '--prometheus-port', '65536'],
      'bad --prometheus-port 65536',
    ],
    [
      ['--kubeconfig', 'k', '--prometheus-port', '-1'],
      'bad --prometheus-port -1',
    ],
    [
      ['--kubeconfig', 'k', '--ready-delay-ms', '1.5'],
      'bad --ready-delay-ms 1.5',
    ],
    [
      ['--kubeconfig', 'k', '--ready-delay-ms', 'soon'],
      'bad --ready-delay-ms soon',
    ],
    [['--kubeconfig', 'k', '--port', '1'], 'unknown argument --port'],
  ])('refuses %j with the usage', (argv, message) => {
    expect(() => parseArgs(argv, '/')).toThrow(message);
    expect(() => parseArgs(argv, '/')).toThrow('Usage: yarn workspace');
  });

  it('runs against the cluster of a kubeconfig and prints where its Prometheus answers', async () => {
    const emulator = await startKubeEmulator({ port: 0 });
    const lines: string[] = [];
    const simulator = await runCli(
      ['--kubeconfig', emulator.kubeconfigPath, '--prometheus-port', '0'],
      '/',
      line => lines.push(line),
    );
    try {
      const url = lines
        .map(l => /^simulated Prometheus: (http:\/\/127\.0\.0\.1:\d+)$/.exec(l))
        .find(Boolean)?.[1];
      expect(url).toBe(simulator.prometheusUrl);
      const res = await fetch(`${url}/api/v1/query?query=kars_tokens_total`);
      expect(res.headers.get('x-kars-simulated')).toBe('true');
      expect(await res.json()).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: [] },
      });
    } finally {
      await simulator.stop();
      await emulator.stop();
    }
  });

  it('fails with the reason when the kubeconfig cannot be read', async () => {
    await expect(
      runCli(['--kubeconfig', 'missing.kubeconfig'], '/nowhere', () => {}),
    ).rejects.toThrow('/nowhere/missing.kubeconfig');
  });
});
