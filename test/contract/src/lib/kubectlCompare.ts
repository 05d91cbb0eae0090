import { createTwoFilesPatch } from 'diff';
import { normaliseOutput, sortLines } from './kubectlNormalise';

/** What one kubectl invocation gave. */
export interface KubectlOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The parts of an invocation that are compared. */
export type Stream = 'exit' | 'stdout' | 'stderr';
export const STREAMS: readonly Stream[] = ['exit', 'stdout', 'stderr'];

/** A difference the session accepts: which step, which parts, and why. */
export interface Allowance {
  /** The step's id. */
  step: string;
  /** The parts that may differ; a difference anywhere else is still a failure. */
  streams: Stream[];
  /** What differs, in a few words. */
  differs: string;
  /** Why that is acceptable, or what removes it. */
  reason: string;
  /** The part of an issue whose work removes the difference (the entry goes when it lands). */
  pending?: string;
  /**
   * The exit code the test control plane gives instead of the step's, where it lacks what a
   * cluster has (nodes, a kubelet that serves logs and finishes pod deletion). With it, `streams`
   * may be empty: both servers answer alike, but not as a cluster would.
   */
  realExit?: number;
}

/** How a step compares, after normalisation. */
export type Verdict =
  | { kind: 'identical' }
  | { kind: 'allowed'; allowance: Allowance; diff: string }
  | { kind: 'unexplained'; streams: Stream[]; diff: string }
  /** An allowed difference that no longer occurs: the entry must go. */
  | { kind: 'stale'; allowance: Allowance; what: string }
  /** The real server did not answer as the step expects: the session itself is wrong. */
  | { kind: 'broken'; message: string };

export interface CompareOptions {
  /** The exit code the step expects from the real server. */
  exit: number;
  /** kubectl does not define the order of the lines (after the first). */
  unordered?: boolean;
  /** Only stdout's last line counts: the lines before it report progress as it happens. */
  lastLine?: boolean;
  allowance?: Allowance;
}

const lastLineOf = (text: string) => {
  const lines = text.trimEnd().split('\n');
  return `${lines[lines.length - 1]}\n`;
};

/**
 * One output as compared: normalised; sorted when the order is not defined; only the last line
 * of stdout when the others report progress.
 */
export function comparable(
  output: KubectlOutput,
  options: { unordered?: boolean; lastLine?: boolean } = {},
): KubectlOutput {
  const text = (s: string) =>
    options.unordered ? sortLines(normaliseOutput(s)) : normaliseOutput(s);
  const stdout = text(output.stdout);
  return {
    exitCode: output.exitCode,
    stdout: options.lastLine && stdout ? lastLineOf(stdout) : stdout,
    stderr: text(output.stderr),
  };
}

const LABELS = { real: 'kube-apiserver', emulator: 'emulator' };

/** A unified diff of the parts that differ (kube-apiserver first). */
export function describeDifference(
  real: KubectlOutput,
  emulator: KubectlOutput,
  streams: readonly Stream[],
): string {
  return streams
    .map(stream => {
      if (stream === 'exit') {
        return `exit code: ${real.exitCode} on ${LABELS.real}, ${emulator.exitCode} on ${LABELS.emulator}`;
      }
      const patch = createTwoFilesPatch(
        `${stream} (${LABELS.real})`,
        `${stream} (${LABELS.emulator})`,
        real[stream],
        emulator[stream],
        undefined,
        undefined,
        { context: 2 },
      );
      // Drop the "=====" rule and the empty file headers' tabs.
      return patch
        .split('\n')
        .filter(line => !/^=+$/.test(line))
        .map(line => line.replace(/^(---|\+\+\+) (.*)\t$/, '$1 $2'))
        .join('\n')
        .trimEnd();
    })
    .join('\n');
}

const differingStreams = (a: KubectlOutput, b: KubectlOutput): Stream[] =>
  STREAMS.filter(s =>
    s === 'exit' ? a.exitCode !== b.exitCode : a[s] !== b[s],
  );

/** Compares one step's outputs on the real server and on the emulator. */
export function compareStep(
  realRaw: KubectlOutput,
  emulatorRaw: KubectlOutput,
  options: CompareOptions,
): Verdict {
  const { allowance } = options;
  const realExit = allowance?.realExit ?? options.exit;
  if (realRaw.exitCode !== realExit) {
    if (
      allowance?.realExit !== undefined &&
      realRaw.exitCode === options.exit
    ) {
      return {
        kind: 'stale',
        allowance,
        what: `kube-apiserver exits ${options.exit} as the step expects (realExit ${allowance.realExit} is no longer needed)`,
      };
    }
    return {
      kind: 'broken',
      message: `kube-apiserver exited ${
        realRaw.exitCode
      }, the step expects ${realExit}:\n${normaliseOutput(
        realRaw.stderr,
      ).trimEnd()}`,
    };
  }
  const real = comparable(realRaw, options);
  const emulator = comparable(emulatorRaw, options);
  const streams = differingStreams(real, emulator);
  if (!streams.length) {
    if (!allowance) return { kind: 'identical' };
    if (allowance.realExit === undefined) {
      return { kind: 'stale', allowance, what: 'the outputs no longer differ' };
    }
    // Both servers answer alike, but not as a cluster would: the allowance is still needed.
    return {
      kind: 'allowed',
      allowance,
      diff: `exit code: ${realRaw.exitCode} on both, the step expects ${options.exit}`,
    };
  }
  const diff = describeDifference(real, emulator, streams);
  if (allowance && streams.every(s => allowance.streams.includes(s))) {
    return { kind: 'allowed', allowance, diff };
  }
  return { kind: 'unexplained', streams, diff };
}

/** The counts of a session. */
export interface SessionSummary {
  steps: number;
  identical: number;
  allowed: number;
  unexplained: number;
  stale: number;
}

export function summarise(verdicts: Verdict[]): SessionSummary {
  const count = (kinds: Verdict['kind'][]) =>
    verdicts.filter(v => kinds.includes(v.kind)).length;
  return {
    steps: verdicts.length,
    identical: count(['identical']),
    allowed: count(['allowed']),
    unexplained: count(['unexplained', 'broken']),
    stale: count(['stale']),
  };
}

/** The line CI logs carry (scripts/summarize-results.js prints it after "kubectl session: "). */
export function summaryLine(s: SessionSummary): string {
  const stale = s.stale
    ? `, ${s.stale} allow-list ${
        s.stale === 1 ? 'entry' : 'entries'
      } no longer needed`
    : '';
  return `${s.steps} steps, ${s.identical} identical, ${s.allowed} allowed, ${s.unexplained} unexplained${stale}`;
}

/** The allow-list's own faults: entries for unknown steps, steps listed twice, empty fields. */
export function allowListProblems(
  allowances: readonly Allowance[],
  stepIds: readonly string[],
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const a of allowances) {
    if (!stepIds.includes(a.step)) problems.push(`${a.step}: no such step`);
    if (seen.has(a.step)) problems.push(`${a.step}: listed twice`);
    seen.add(a.step);
    if (!a.streams.length && a.realExit === undefined) {
      problems.push(`${a.step}: no streams`);
    }
    if (!a.differs.trim() || !a.reason.trim()) {
      problems.push(`${a.step}: must say what differs and why`);
    }
  }
  return problems;
}
