/* eslint-disable no-console */
/**
 * What a reconcile pass's render costs the backend's event loop: `renderSandbox` (every object of
 * a sandbox with its desired-hash annotation) and `readSandboxSpec` (the stored spec read through
 * the shared schema) for the benchmarks' tenants, and `canonicalJson` alone on a rendered
 * Deployment, the largest object. Each is timed over `--rounds` passes of `--tenants` sandboxes
 * after one warm-up pass, and printed in microseconds per call.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/render/run.ts \
 *     [--tenants 1000] [--rounds 5]
 */
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { canonicalJson } from '../../plugins/kars-backend/src/render/hash';
import { renderSandbox } from '../../plugins/kars-backend/src/render/renderSandbox';
import { renderDeployment } from '../../plugins/kars-backend/src/render/deployment';
import { readSandboxSpec } from '../../plugins/kars-backend/src/service/sandboxObject';
import { testClusterSettings } from '../../plugins/kars-backend/src/__testUtils__/clusters';
import { numberOption } from '../lib/backendProcess';
import { tenant } from '../lib/tenants';

const args = process.argv.slice(2);
const tenants = numberOption(args, '--tenants', 1000);
const rounds = numberOption(args, '--rounds', 5);

const cluster = testClusterSettings();
const inputs = Array.from({ length: tenants }, (_, i) => {
  const { name, spec } = tenant(i);
  return {
    name,
    spec: sandboxSpecSchema.parse(spec),
    cluster,
    sandboxUid: `uid-${i}`,
  };
});
const storedSpecs = inputs.map(input => JSON.parse(JSON.stringify(input.spec)));
const deployments = inputs.map(input => renderDeployment(input));

/** Microseconds per call of `fn` over every item: the median of `rounds` passes after a warm-up. */
function time<T>(items: T[], fn: (item: T) => unknown): number {
  const passes: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const start = process.hrtime.bigint();
    for (const item of items) fn(item);
    const perCall =
      Number(process.hrtime.bigint() - start) / 1000 / items.length;
    if (round > 0) passes.push(perCall);
  }
  passes.sort((a, b) => a - b);
  return passes[Math.floor(passes.length / 2)];
}

const rows: Array<[string, number]> = [
  ['renderSandbox (every object, hashed)', time(inputs, renderSandbox)],
  ['readSandboxSpec (the stored spec)', time(storedSpecs, readSandboxSpec)],
  ['canonicalJson of a Deployment', time(deployments, canonicalJson)],
];
console.log(
  `render: ${tenants} tenants, median of ${rounds} passes after a warm-up, Node ${process.version}\n`,
);
console.log('| call | µs per call |');
console.log('| --- | ---: |');
for (const [what, us] of rows) console.log(`| ${what} | ${us.toFixed(1)} |`);
