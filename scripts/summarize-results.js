#!/usr/bin/env node
/*
 * Adds up the results of every suite under the given folder and prints one plain line:
 * "N passed, N failed" (with ", N skipped" when any), after the reasons for what was skipped, the
 * result of each Playwright project (e2e, acceptance) and the figures of the acceptance suite and
 * the kubectl session ("kubectl session: N steps, N identical, N allowed, N unexplained").
 * Inputs: jest --json reports (*.json with numPassedTests), Playwright JSON reports (with stats),
 * suite records written by scripts/test.sh ({ suite, passed, failed, skipped, reasons }) and
 * figures ({ suite, figures: { key: { line } } }, no counts of their own).
 */
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = [];
const lines = [];

/** Counts a Playwright report's tests per project (the e2e config runs e2e and acceptance). */
function playwrightProjects(report) {
  const projects = new Map();
  const walk = suite => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const p = projects.get(test.projectName) ?? {
          passed: 0,
          failed: 0,
          skipped: 0,
        };
        if (test.status === 'expected' || test.status === 'flaky') p.passed++;
        else if (test.status === 'skipped') p.skipped++;
        else p.failed++;
        projects.set(test.projectName, p);
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  report.suites.forEach(walk);
  return projects;
}

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
    for (const [project, p] of playwrightProjects(report)) {
      lines.push(
        `${project}: ${p.passed} passed, ${p.failed} failed${
          p.skipped ? `, ${p.skipped} skipped` : ''
        }`,
      );
    }
  } else if (report.figures) {
    for (const figure of Object.values(report.figures)) {
      lines.push(`${report.suite}: ${figure.line}`);
    }
  } else {
    passed += report.passed ?? 0;
    failed += report.failed ?? 0;
    skipped += report.skipped ?? 0;
    for (const reason of report.reasons ?? [])
      reasons.push(`${report.suite}: ${reason}`);
  }
}

for (const reason of reasons) console.log(`skipped ${reason}`);
for (const line of lines) console.log(line);
console.log(
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(failed > 0 ? 1 : 0);
