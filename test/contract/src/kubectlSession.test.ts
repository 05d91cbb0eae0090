import fs from 'node:fs';
import path from 'node:path';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { ALLOW_LIST } from './kubectlSession/allowList';
import { SESSION } from './kubectlSession/session';
import { kubectlBinary, KubectlTarget } from './lib/kubectl';
import {
  allowListProblems,
  compareStep,
  summarise,
  summaryLine,
  Verdict,
} from './lib/kubectlCompare';
import { reportDir } from './lib/report';
import { TARGETS_ENV } from './lib/targets';

/**
 * The kubectl session contract: the same kubectl invocations, in the same order, against
 * kube-apiserver and the emulator, both with deploy/ applied and the workload simulator running.
 * Outputs are normalised (lib/kubectlNormalise.ts) and compared: stdout, stderr and the exit code.
 * Every difference fails its step unless kubectlSession/allowList.ts lists it; an entry whose
 * difference is gone fails too, so the list stays true.
 */

const isCi = process.env.CI === 'true' || process.env.CI === '1';
// Test sources run from the repository: .ci-out sits at its root.
// eslint-disable-next-line no-restricted-syntax
const RESULTS_DIR = path.resolve(__dirname, '../../../.ci-out/results');

function whyNot(): string | undefined {
  const wanted = process.env[TARGETS_ENV];
  if (
    wanted &&
    !['real', 'emulator'].every(t =>
      wanted
        .split(',')
        .map(s => s.trim())
        .includes(t),
    )
  ) {
    return `${TARGETS_ENV}=${wanted}: the session compares real and emulator`;
  }
  if (!clusterTargetNames().includes('kube-apiserver')) {
    return 'no real control plane in this run';
  }
  const kubectl = kubectlBinary();
  if (kubectl.missing) {
    if (isCi)
      throw new Error(`kubectl is required with CI=true: ${kubectl.missing}`);
    return kubectl.missing;
  }
  return undefined;
}

function report(verdicts: Array<{ id: string; verdict: Verdict }>) {
  const line = summaryLine(summarise(verdicts.map(v => v.verdict)));
  const details = verdicts
    .filter(v => v.verdict.kind !== 'identical')
    .map(({ id, verdict }) => {
      const head = `${id}: ${verdict.kind}`;
      switch (verdict.kind) {
        case 'allowed':
          return `${head} (${verdict.allowance.differs}${
            verdict.allowance.pending
              ? `; pending: ${verdict.allowance.pending}`
              : ''
          })\n${verdict.diff}`;
        case 'unexplained':
          return `${head}\n${verdict.diff}`;
        case 'broken':
          return `${head}\n${verdict.message}`;
        case 'stale':
          return `${head}: ${verdict.what}`;
        default:
          return head;
      }
    });
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS_DIR, 'kubectl-session.json'),
    `${JSON.stringify(
      { suite: 'kubectl session', figures: { session: { line } } },
      null,
      2,
    )}\n`,
  );
  fs.mkdirSync(reportDir(), { recursive: true });
  fs.writeFileSync(
    path.join(reportDir(), 'kubectl-session.txt'),
    `kubectl session: ${line}\n\n${details.join('\n\n')}\n`,
  );
  // eslint-disable-next-line no-console
  console.log(`kubectl session: ${line}`);
}

/** Fails the step's test unless the step is identical or an allowed difference. */
function expectNoUnexplainedDifference(verdict: Verdict) {
  switch (verdict.kind) {
    case 'unexplained':
      throw new Error(
        `differs (${verdict.streams.join(', ')}):\n${verdict.diff}`,
      );
    case 'broken':
      throw new Error(`the session is wrong here: ${verdict.message}`);
    case 'stale':
      throw new Error(
        `${verdict.what}: update or remove its entry in kubectlSession/allowList.ts (${verdict.allowance.differs})`,
      );
    default:
  }
}

const skipReason = whyNot();

describe('the kubectl session on kube-apiserver and the emulator', () => {
  it('has an allow-list that names steps of the session and says why', () => {
    expect(
      allowListProblems(
        ALLOW_LIST,
        SESSION.map(s => s.id),
      ),
    ).toEqual([]);
    expect(new Set(SESSION.map(s => s.id)).size).toBe(SESSION.length);
  });

  if (skipReason) {
    // eslint-disable-next-line jest/no-disabled-tests, jest/expect-expect -- the run says why not
    it.skip(`runs (skipped: ${skipReason})`, () => {});
    return;
  }

  const kubectl = kubectlBinary().path!;
  const targets: ClusterTarget[] = [];
  let real: KubectlTarget;
  let emulator: KubectlTarget;
  const verdicts: Array<{ id: string; verdict: Verdict }> = [];

  beforeAll(async () => {
    const started = await Promise.allSettled([
      startClusterTarget('kube-apiserver'),
      startClusterTarget('emulator'),
    ]);
    for (const s of started)
      if (s.status === 'fulfilled') targets.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [realTarget, emulatorTarget] = targets;
    real = KubectlTarget.open(kubectl, realTarget.adminKubeconfigPath);
    emulator = KubectlTarget.open(kubectl, emulatorTarget.adminKubeconfigPath);
    // kubectl of the server's version, as a user of that cluster would have.
    const versions = await real.versions();
    expect(versions.client).toBe(versions.server);
  }, 300_000);

  afterAll(async () => {
    real?.close();
    emulator?.close();
    await Promise.all(targets.map(t => t.stop()));
    if (verdicts.length) report(verdicts);
  }, 120_000);

  SESSION.forEach((step, i) => {
    it(`${String(i + 1).padStart(2, '0')} ${step.id}: kubectl ${step.argv.join(
      ' ',
    )}`, async () => {
      // Within 50 ms of a second's start, leaving kubectl most of the second to read the clock.
      if (step.sameSecond) {
        await new Promise(r => setTimeout(r, 1050 - (Date.now() % 1000)));
      }
      const [onReal, onEmulator] = await Promise.all([
        real.run(step),
        emulator.run(step),
      ]);
      const verdict = compareStep(onReal, onEmulator, {
        exit: step.exit ?? 0,
        unordered: step.unordered,
        lastLine: step.lastLine,
        allowance: ALLOW_LIST.find(a => a.step === step.id),
      });
      verdicts.push({ id: step.id, verdict });
      expectNoUnexplainedDifference(verdict);
    }, 150_000);
  });
});
