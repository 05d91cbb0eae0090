/* eslint-disable no-console */
/**
 * The functions and files a V8 CPU profile (`node --cpu-prof`) spent its samples in, by self time.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/lib/profileSummary.ts <file.cpuprofile> [--top 40]
 */
import fs from 'fs';
import { numberOption } from './backendProcess';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, ...rest] = process.argv.slice(2);
const top = numberOption(rest, '--top', 40);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
};
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;
const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/\/work\/main\//, '')
    .replace(/^\/work\/main\//, '');
  const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  const place = where.startsWith('@')
    ? where.split('/').slice(0, 2).join('/')
    : where
        .split('/')
        .slice(0, where.startsWith('node:') ? 1 : 3)
        .join('/');
  byPlace.set(
    place || functionName,
    (byPlace.get(place || functionName) ?? 0) + n,
  );
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (${total} samples)`);
  for (const [key, n] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * n) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
};
print('by package or folder', byPlace);
print('by function', byFunction);
