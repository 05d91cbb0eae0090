import fs from 'node:fs';
import path from 'node:path';

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface BehaviourResult {
  name: string;
  outcome: Outcome;
  reason?: string;
}

/** One describe block's results on one target, written by a test worker. */
export interface ReportPart {
  suite: string;
  target: string;
  group: string;
  behaviours: BehaviourResult[];
}

/** The summary per suite and target (not jest's own JSON: scripts/test.sh counts that). */
export interface SuiteSummary {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  reasons: string[];
}

function repoRoot(): string {
  // eslint-disable-next-line no-restricted-syntax -- never bundled: runs from source
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      JSON.parse(fs.readFileSync(pkg, 'utf8')).workspaces
    ) {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** `.ci-out/contract` of the repository. */
export const reportDir = () =>
  process.env.KARS_CONTRACT_REPORT_DIR ??
  path.join(repoRoot(), '.ci-out', 'contract');
/** Set by globalSetup for the workers: where this run's parts go (runs may overlap). */
export const RUN_DIR_ENV = 'KARS_CONTRACT_RUN_DIR';

const partsDir = () =>
  process.env[RUN_DIR_ENV] ??
  path.join(reportDir(), 'parts', `pid-${process.pid}`);

/** Starts the parts of a new run (globalSetup). */
export function resetReport() {
  const dir = path.join(
    reportDir(),
    'parts',
    `run-${process.pid}-${Date.now().toString(36)}`,
  );
  fs.mkdirSync(dir, { recursive: true });
  process.env[RUN_DIR_ENV] = dir;
}

export function writePart(part: ReportPart) {
  fs.mkdirSync(partsDir(), { recursive: true });
  const file = `${part.suite}-${part.target}-${
    process.pid
  }-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`;
  fs.writeFileSync(path.join(partsDir(), file), JSON.stringify(part, null, 2));
}

/**
 * Folds the parts into one `<suite>-<target>.json` per suite and target and
 * returns the human lines. Skip reasons are listed once each, with a count.
 */
export function summarize(): string[] {
  const dir = partsDir();
  if (!fs.existsSync(dir)) return [];
  const lines = summarizeParts(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return lines;
}

function summarizeParts(dir: string): string[] {
  const bySuite = new Map<string, ReportPart[]>();
  for (const f of fs
    .readdirSync(dir)
    .filter(n => n.endsWith('.json'))
    .sort()) {
    const part = JSON.parse(
      fs.readFileSync(path.join(dir, f), 'utf8'),
    ) as ReportPart;
    const key = `${part.suite}-${part.target}`;
    bySuite.set(key, [...(bySuite.get(key) ?? []), part]);
  }
  const lines: string[] = [];
  for (const [key, parts] of [...bySuite.entries()].sort()) {
    const { suite, target } = parts[0];
    const all = parts.flatMap(p => p.behaviours);
    const reasons = new Map<string, number>();
    for (const b of all) {
      if (b.outcome === 'skipped' && b.reason) {
        reasons.set(b.reason, (reasons.get(b.reason) ?? 0) + 1);
      }
    }
    const failedNames = parts.flatMap(p =>
      p.behaviours
        .filter(b => b.outcome === 'failed')
        .map(b => `${p.group} › ${b.name}`),
    );
    const summary: SuiteSummary & { behaviours: number; failures: string[] } = {
      suite: `${suite} (${target})`,
      behaviours: all.length,
      passed: all.filter(b => b.outcome === 'passed').length,
      failed: all.filter(b => b.outcome === 'failed').length,
      skipped: all.filter(b => b.outcome === 'skipped').length,
      reasons: [...reasons.entries()].map(([r, n]) => `${r} (${n})`),
      failures: failedNames,
    };
    fs.writeFileSync(
      path.join(reportDir(), `${key}.json`),
      `${JSON.stringify(summary, null, 2)}\n`,
    );
    const skippedWhy = summary.reasons.length
      ? ` — skipped: ${summary.reasons.join('; ')}`
      : '';
    lines.push(
      `${summary.suite}: ${summary.behaviours} behaviours, ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped${skippedWhy}`,
    );
  }
  return lines;
}
