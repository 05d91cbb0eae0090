import {
  Allowance,
  allowListProblems,
  compareStep,
  KubectlOutput,
  summarise,
  summaryLine,
} from './kubectlCompare';

const out = (stdout: string, stderr = '', exitCode = 0): KubectlOutput => ({
  exitCode,
  stdout,
  stderr,
});

const allow = (overrides: Partial<Allowance> = {}): Allowance => ({
  step: 's',
  streams: ['stdout'],
  differs: 'the server version',
  reason: 'by design',
  ...overrides,
});

describe('compareStep', () => {
  it('finds outputs that differ only in normalised values identical', () => {
    expect(
      compareStep(
        out(
          'NAME   AGE\nweb    9s\nuid: 2e94f474-4093-4b01-9681-4dec45b23c7f\n',
        ),
        out(
          'NAME   AGE\nweb    10s\nuid: 9a4c9f3f-af10-4a94-a22c-717e2b1a04e5\n',
        ),
        { exit: 0 },
      ),
    ).toEqual({ kind: 'identical' });
  });

  it('shows any other difference as a unified diff, the real server first', () => {
    expect(
      compareStep(
        out('Server Version: v1.36.5\n'),
        out('Server Version: v1.36.0+kars-emulator\n', 'warning\n', 1),
        { exit: 0 },
      ),
    ).toEqual({
      kind: 'unexplained',
      streams: ['exit', 'stdout', 'stderr'],
      diff: [
        'exit code: 0 on kube-apiserver, 1 on emulator',
        '--- stdout (kube-apiserver)',
        '+++ stdout (emulator)',
        '@@ -1,1 +1,1 @@',
        '-Server Version: v1.36.5',
        '+Server Version: v1.36.0+kars-emulator',
        '--- stderr (kube-apiserver)',
        '+++ stderr (emulator)',
        '@@ -0,0 +1,1 @@',
        '+warning',
      ].join('\n'),
    });
  });

  it('accepts a difference in the parts an allowance names, and no other', () => {
    const allowance = allow();
    expect(
      compareStep(out('v1.36.5\n'), out('v1.36.0\n'), { exit: 0, allowance }),
    ).toMatchObject({ kind: 'allowed', allowance });
    expect(
      compareStep(out('v1.36.5\n'), out('v1.36.0\n', 'oops\n'), {
        exit: 0,
        allowance,
      }),
    ).toMatchObject({ kind: 'unexplained', streams: ['stdout', 'stderr'] });
  });

  it('reports an allowance whose difference is gone', () => {
    expect(
      compareStep(out('same\n'), out('same\n'), {
        exit: 0,
        allowance: allow(),
      }),
    ).toMatchObject({ kind: 'stale', what: 'the outputs no longer differ' });
  });

  it('calls the session wrong when the real server does not exit as the step expects', () => {
    expect(
      compareStep(out('', 'Error from server (NotFound)\n', 1), out(''), {
        exit: 0,
      }),
    ).toEqual({
      kind: 'broken',
      message:
        'kube-apiserver exited 1, the step expects 0:\nError from server (NotFound)',
    });
  });

  it('takes an allowance’s realExit for the real server (also when both servers answer alike), and reports it stale once the real server exits as the step expects', () => {
    const allowance = allow({ streams: ['exit', 'stderr'], realExit: 1 });
    expect(
      compareStep(out('', 'no kubelet\n', 1), out(''), {
        exit: 0,
        allowance,
      }),
    ).toMatchObject({ kind: 'allowed' });
    expect(
      compareStep(out('', 'not found\n', 1), out('', 'not found\n', 1), {
        exit: 0,
        allowance: allow({ streams: [], realExit: 1 }),
      }),
    ).toEqual({
      kind: 'allowed',
      allowance: allow({ streams: [], realExit: 1 }),
      diff: 'exit code: 1 on both, the step expects 0',
    });
    expect(
      compareStep(out('logs\n'), out('logs\n'), { exit: 0, allowance }),
    ).toMatchObject({
      kind: 'stale',
      what: 'kube-apiserver exits 0 as the step expects (realExit 1 is no longer needed)',
    });
  });

  it('compares sorted lines when the order is not defined, and only the last line when the others report progress', () => {
    expect(
      compareStep(out('HEAD\nb\na\n'), out('HEAD\na\nb\n'), {
        exit: 0,
        unordered: true,
      }),
    ).toEqual({ kind: 'identical' });
    expect(
      compareStep(
        out('Waiting for spec update...\nWaiting...\nrolled out\n'),
        out('Waiting...\nrolled out\n'),
        { exit: 0, lastLine: true },
      ),
    ).toEqual({ kind: 'identical' });
    expect(
      compareStep(out('HEAD\nb\na\n'), out('HEAD\na\nb\n'), { exit: 0 }),
    ).toMatchObject({ kind: 'unexplained' });
  });
});

describe('the summary', () => {
  it('counts the steps and prints the line CI greps', () => {
    const summary = summarise([
      { kind: 'identical' },
      { kind: 'identical' },
      { kind: 'allowed', allowance: allow(), diff: '' },
      { kind: 'unexplained', streams: ['stdout'], diff: '' },
      { kind: 'broken', message: '' },
      { kind: 'stale', allowance: allow(), what: '' },
    ]);
    expect(summary).toEqual({
      steps: 6,
      identical: 2,
      allowed: 1,
      unexplained: 2,
      stale: 1,
    });
    expect(summaryLine(summary)).toBe(
      '6 steps, 2 identical, 1 allowed, 2 unexplained, 1 allow-list entry no longer needed',
    );
    expect(summaryLine({ ...summary, unexplained: 0, stale: 0 })).toBe(
      '6 steps, 2 identical, 1 allowed, 0 unexplained',
    );
  });
});

describe('allowListProblems', () => {
  it('finds entries for unknown steps, steps listed twice and entries without a reason', () => {
    expect(
      allowListProblems(
        [
          allow({ step: 'a' }),
          allow({ step: 'a' }),
          allow({ step: 'gone' }),
          allow({ step: 'b', streams: [], reason: ' ' }),
        ],
        ['a', 'b'],
      ),
    ).toEqual([
      'a: listed twice',
      'gone: no such step',
      'b: no streams',
      'b: must say what differs and why',
    ]);
    expect(
      allowListProblems(
        [allow({ step: 'a' }), allow({ step: 'b', streams: [], realExit: 1 })],
        ['a', 'b'],
      ),
    ).toEqual([]);
  });
});
