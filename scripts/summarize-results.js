#!/usr/bin/env node
/*
 * Adds up the results of every suite under the given folder and prints one plain line:
 * "N passed, N failed" (with ", N skipped" when any), after the reasons for what was skipped.
 * Inputs: jest --json reports (*.json with numPassedTests), Playwright JSON reports (with stats)
 * and suite records written by scripts/test.sh ({ suite, passed, failed, skipped, reasons }).
 */
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = [];

for (const file of fs
  .readdirSync(dir)
  .filter(f => f.endsWith('.json'))
  .sort()) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  if (typeof report.numPassedTests === 'number') {
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    skipped += report.numPendingTests + report.numTodoTests;
  } else if (report.stats && Array.isArray(report.suites)) {
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected + (report.errors?.length ?? 0);
    skipped += report.stats.skipped;
  } else {
    passed += report.passed ?? 0;
    failed += report.failed ?? 0;
    skipped += report.skipped ?? 0;
    for (const reason of report.reasons ?? [])
      reasons.push(`${report.suite}: ${reason}`);
  }
}

for (const reason of reasons) console.log(`skipped ${reason}`);
console.log(
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(failed > 0 ? 1 : 0);
