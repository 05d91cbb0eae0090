import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';

/** The repository root: the dev portal runs from here. */
// This package only ever runs from the repository, never as a bundled build.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The dev portal's backend; the suite sends requests nowhere else (and to its cluster). */
export const BACKEND_URL = 'http://localhost:7007';
export const KARS_API_PATH = '/api/kars';

/** Where the Playwright config sends the output of the portal it starts. */
export const PORTAL_LOG =
  process.env.KARS_PORTAL_LOG ??
  path.join(REPO_ROOT, '.ci-out', 'e2e-portal.log');

/** Written by the kars backend when it starts the embedded cluster (app-config.yaml). */
export const EMBEDDED_KUBECONFIG = path.join(
  REPO_ROOT,
  '.cache',
  'embedded-cluster.kubeconfig',
);

/** The embedded cluster's state, kept across restarts; it holds the Secrets. */
export const EMBEDDED_STATE_FILE = path.join(
  REPO_ROOT,
  '.cache',
  'embedded-cluster.json',
);

/** The suite's record for scripts/summarize-results.js. */
export const RESULTS_FILE = path.join(
  REPO_ROOT,
  '.ci-out',
  'results',
  'acceptance-figures.json',
);

/** The subject of the dev-only static token in app-config.yaml. */
export const SERVICE_SUBJECT = 'acceptance';

/**
 * The dev-only static external-access token of `service:acceptance`, read from app-config.yaml so
 * that the suite and the portal cannot disagree about it.
 */
export function serviceToken(): string {
  const config = parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  );
  const entries: any[] = config?.backend?.auth?.externalAccess ?? [];
  const entry = entries.find(
    e => e.type === 'static' && e.options?.subject === SERVICE_SUBJECT,
  );
  if (!entry) {
    throw new Error(
      `app-config.yaml has no static externalAccess token with subject ${SERVICE_SUBJECT}`,
    );
  }
  return String(entry.options.token);
}
