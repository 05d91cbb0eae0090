/* eslint-disable no-console */
/**
 * The functions and files a V8 CPU profile (`node --cpu-prof`, or a page's from Chromium) spent its
 * samples in, by self time. With `--source-maps DIR`, a frame in a bundle that has its map in DIR
 * (`<bundle>.js.map`) is named by its original source file, line and function.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/lib/profileSummary.ts <file.cpuprofile> [--top 40] [--source-maps DIR]
 */
import fs from 'fs';
import path from 'path';
import { SourceMapConsumer } from 'source-map-js';
import { numberOption } from './backendProcess';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}

const [file, ...rest] = process.argv.slice(2);
const top = numberOption(rest, '--top', 40);
const mapsDir = rest.includes('--source-maps')
  ? rest[rest.indexOf('--source-maps') + 1]
  : undefined;

const consumers = new Map<string, SourceMapConsumer | undefined>();
function consumerFor(url: string): SourceMapConsumer | undefined {
  const bundle = url.split(/[?#]/)[0].split('/').pop() ?? '';
  if (!consumers.has(bundle)) {
    const map = mapsDir && path.join(mapsDir, `${bundle}.map`);
    consumers.set(
      bundle,
      map && fs.existsSync(map)
        ? new SourceMapConsumer(JSON.parse(fs.readFileSync(map, 'utf8')))
        : undefined,
    );
  }
  return consumers.get(bundle);
}

/** The frame as its source map names it: the original file, line and name, or the frame itself. */
function original(frame: CallFrame): CallFrame {
  const consumer = frame.url ? consumerFor(frame.url) : undefined;
  if (!consumer) return frame;
  const at = consumer.originalPositionFor({
    line: frame.lineNumber + 1,
    column: frame.columnNumber,
  });
  if (!at.source) return frame;
  return {
    functionName: at.name ?? frame.functionName,
    url: at.source.replace(/^webpack:\/\/\/?/, '').replace(/^(\.\.\/)+/, ''),
    lineNumber: (at.line ?? 1) - 1,
    columnNumber: at.column ?? 0,
  };
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  nodes: Array<ProfileNode & { children?: number[] }>;
  samples: number[];
};
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;
const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
const byFileInclusive = new Map<string, number>();
const parentOf = new Map<number, number>();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) parentOf.set(child, node.id);
}
const fileOf = new Map<number, string>();
for (const node of profile.nodes) {
  fileOf.set(
    node.id,
    original(node.callFrame)
      .url.replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/\/work\/main\//, '')
      .replace(/^\/work\/main\//, ''),
  );
}
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const { functionName, lineNumber } = original(node.callFrame);
  const where = fileOf.get(node.id)!;
  const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  const onStack = new Set<string>();
  for (
    let id: number | undefined = node.id;
    id !== undefined;
    id = parentOf.get(id)
  ) {
    const stackFile = fileOf.get(id);
    if (stackFile) onStack.add(stackFile);
  }
  for (const stackFile of onStack) {
    byFileInclusive.set(stackFile, (byFileInclusive.get(stackFile) ?? 0) + n);
  }
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
print('by file, with what it called', byFileInclusive);
