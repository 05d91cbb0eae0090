import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_DIR_ENV, resetReport, summarize, writePart } from './report';

describe('the per-target report', () => {
  const saved = {
    run: process.env[RUN_DIR_ENV],
    dir: process.env.KARS_CONTRACT_REPORT_DIR,
  };
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-report-'));
    process.env.KARS_CONTRACT_REPORT_DIR = dir;
    resetReport();
  });

  afterEach(() => {
    for (const [key, value] of [
      [RUN_DIR_ENV, saved.run],
      ['KARS_CONTRACT_REPORT_DIR', saved.dir],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('folds the parts of a run into one JSON per suite and target, and one line each', () => {
    writePart({
      suite: 'contract',
      target: 'real',
      group: 'A',
      behaviours: [
        { name: 'a1', outcome: 'passed' },
        { name: 'a2', outcome: 'failed' },
      ],
    });
    writePart({
      suite: 'contract',
      target: 'real',
      group: 'B',
      behaviours: [
        { name: 'b1', outcome: 'skipped', reason: 'real-server only: CEL' },
        { name: 'b2', outcome: 'skipped', reason: 'real-server only: CEL' },
      ],
    });
    writePart({
      suite: 'deploy',
      target: 'real',
      group: 'C',
      behaviours: [{ name: 'c1', outcome: 'passed' }],
    });

    const lines = summarize();

    expect(lines).toEqual([
      'contract (real): 4 behaviours, 1 passed, 1 failed, 2 skipped — skipped: real-server only: CEL (2)',
      'deploy (real): 1 behaviours, 1 passed, 0 failed, 0 skipped',
    ]);
    expect(
      JSON.parse(fs.readFileSync(path.join(dir, 'contract-real.json'), 'utf8')),
    ).toEqual({
      suite: 'contract (real)',
      behaviours: 4,
      passed: 1,
      failed: 1,
      skipped: 2,
      reasons: ['real-server only: CEL (2)'],
      failures: ['A › a2'],
    });
    // the run's parts are consumed
    expect(summarize()).toEqual([]);
  });
});
