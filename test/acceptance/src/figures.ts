import fs from 'fs';
import path from 'path';
import { RESULTS_FILE } from './config';

/** One figure of the suite: the line it prints, and the secret-scan counts of the phase that made it. */
export interface Figure {
  line: string;
  scan?: { places: number; found: Array<{ place: string; labels: string[] }> };
}

/**
 * The suite's figures, kept in .ci-out/results/acceptance-figures.json (scripts/summarize-results.js
 * prints them above the summary line). Each phase writes its own key; phases run one after another.
 */
export interface FiguresFile {
  suite: 'acceptance';
  figures: Record<string, Figure>;
}

export function readFigures(file = RESULTS_FILE): FiguresFile {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { suite: 'acceptance', figures: {} };
  }
}

/** The phases in the order they run and are printed. */
const ORDER = ['setup', 'invariants', 'matrix', 'campaign', 'secret-scan'];

/** Starts the run's figures afresh. */
export function resetFigures(file = RESULTS_FILE) {
  fs.rmSync(file, { force: true });
}

export function recordFigure(key: string, figure: Figure, file = RESULTS_FILE) {
  const figures = readFigures(file);
  figures.figures[key] = figure;
  figures.figures = Object.fromEntries(
    Object.entries(figures.figures).sort(
      ([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b),
    ),
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}

/** Replaces every planted value (and its base64) in a text printed for people. */
export function redact(
  text: string,
  secrets: Array<{ label: string; value: string }>,
): string {
  let out = text;
  for (const s of secrets) {
    for (const form of [s.value, Buffer.from(s.value).toString('base64')]) {
      out = out.split(form).join(`«planted ${s.label}»`);
    }
  }
  return out;
}

/** The first `n` characters of a text, on one line. */
export function excerpt(text: string, n = 300): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > n ? `${flat.slice(0, n)}… (${text.length} chars)` : flat;
}
