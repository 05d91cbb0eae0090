/* eslint-disable no-console */
/**
 * What one pods/log read costs the workload simulator, by the age of the container: the backend's
 * channel check reads every running agent's log twice (its head, up to 64 KiB, and its last 300
 * lines) every two minutes, and a followed log is read again every second. Each read is timed
 * two ways in the same run: as the simulator serves it (`readContainerLog`, making only the
 * stretch of the log the request can be sent) and, as the baseline, making the whole log up to now
 * and choosing from it (what the simulator did before). Both give the same text; the bench checks.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/pod-log/run.ts [--seconds 2]
 */
import {
  containerLog,
  formatLines,
  parseLogQuery,
  readContainerLog,
} from '../../packages/workload-simulator/src/logs';
import { numberOption } from '../lib/backendProcess';

const args = process.argv.slice(2);
const secondsEach = numberOption(args, '--seconds', 2);
const INTERVAL_MS = 5000;
const role = { kind: 'agent', runtime: 'OpenClaw' } as const;
const now = Date.parse('2026-12-06T00:00:00Z');

/** Mean milliseconds per call of `fn`, called for `secondsEach` seconds. */
function timed(fn: () => unknown): number {
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < secondsEach * 1000) {
    fn();
    calls++;
  }
  return (performance.now() - started) / calls;
}

const rows: string[][] = [];
for (const [age, ageMs] of [
  ['10 minutes', 600_000],
  ['1 hour', 3_600_000],
  ['1 day', 86_400_000],
] as const) {
  const instance = {
    seed: 7,
    key: 'pod-uid/agent/0',
    startedAt: now - ageMs,
    env: {},
    sandbox: 'tenant-0001',
    channels: [
      { channel: 'telegram', configured: true, failing: false },
      { channel: 'slack', configured: true, failing: true },
    ],
  };
  for (const [read, query] of [
    ['head, limitBytes=65536', 'limitBytes=65536'],
    ['tail, tailLines=300', 'tailLines=300'],
  ]) {
    const q = parseLogQuery(new URLSearchParams(query), now);
    const served = readContainerLog(role, instance, INTERVAL_MS, now, q);
    const whole = formatLines(
      containerLog(role, instance, INTERVAL_MS, now),
      q,
    );
    if (served !== whole) throw new Error(`${age} ${read}: the texts differ`);
    rows.push([
      age,
      read,
      String(served.length),
      timed(() =>
        readContainerLog(role, instance, INTERVAL_MS, now, q),
      ).toFixed(3),
      timed(() =>
        formatLines(containerLog(role, instance, INTERVAL_MS, now), q),
      ).toFixed(3),
    ]);
  }
  const sent = now - 1000;
  rows.push([
    age,
    'follow, one second of new lines',
    String(
      containerLog(role, instance, INTERVAL_MS, now, sent).filter(
        l => l.at > sent,
      ).length,
    ),
    timed(() =>
      containerLog(role, instance, INTERVAL_MS, now, sent).filter(
        l => l.at > sent,
      ),
    ).toFixed(3),
    timed(() =>
      containerLog(role, instance, INTERVAL_MS, now).filter(l => l.at > sent),
    ).toFixed(3),
  ]);
}

console.log(
  `pods/log reads of an agent container (a line every ${INTERVAL_MS} ms on average, two channels, one failing)\n`,
);
console.log(
  '| container age | read | characters sent | ms per read, as served | ms per read, whole log made (baseline) |',
);
console.log('| --- | --- | --: | --: | --: |');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
