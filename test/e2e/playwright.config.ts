import { defineConfig } from '@playwright/test';
import { randomUUID } from 'crypto';
import { chromiumPath, PORTAL_URL, REPO_ROOT } from './src/portal';
import path from 'path';

const CI = process.env.CI === 'true';
const out = path.join(REPO_ROOT, '.ci-out');
// One id per run for the acceptance suite's planted values, shared by its workers (they inherit the
// runner's environment), so a worker that replaces a failed one plants the same values.
process.env.KARS_ACCEPTANCE_RUN ??= randomUUID();

/**
 * The portal is started the way the README says (`bash scripts/dev.sh`), on the embedded cluster.
 * Outside CI an already running dev portal is reused. The browser is Debian's Chromium: Playwright's
 * own browser download is never used. Two projects share the one portal: the end-to-end tests in the
 * browser, then the outside-in acceptance suite (test/acceptance: HTTP and the cluster only).
 */
export default defineConfig({
  testDir: './src',
  testMatch: /.*\.spec\.ts$/,
  timeout: 5 * 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  forbidOnly: CI,
  globalSetup: './src/globalSetup.ts',
  outputDir: path.join(out, 'e2e'),
  reporter: [
    ['list'],
    ['json', { outputFile: path.join(out, 'results', 'e2e.json') }],
  ],
  use: {
    baseURL: PORTAL_URL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    },
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'e2e' },
    {
      name: 'acceptance',
      testDir: path.join(REPO_ROOT, 'test', 'acceptance', 'src'),
      timeout: 10 * 60_000,
    },
  ],
  webServer: {
    command: `bash scripts/dev.sh > ${path.join(out, 'e2e-portal.log')} 2>&1`,
    cwd: REPO_ROOT,
    url: PORTAL_URL,
    reuseExistingServer: !CI,
    timeout: 15 * 60_000,
  },
});
