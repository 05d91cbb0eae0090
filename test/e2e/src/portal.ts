import fs from 'fs';
import path from 'path';
import type { Page } from '@playwright/test';

/** The repository root: the portal is started from here, as the README says. */
// This package only ever runs from the repository, never as a bundled build.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const PORTAL_URL = 'http://localhost:3000';
export const BACKEND_URL = 'http://localhost:7007';
/** Where the Playwright config sends the output of the portal it starts. */
export const PORTAL_LOG = path.join(REPO_ROOT, '.ci-out', 'e2e-portal.log');
/** Written by the kars backend when it starts the embedded cluster (app-config.yaml). */
export const EMBEDDED_KUBECONFIG = path.join(
  REPO_ROOT,
  '.cache',
  'embedded-cluster.kubeconfig',
);

/** Debian's Chromium, or the one named by KARS_CHROMIUM. */
export function chromiumPath(): string {
  return process.env.KARS_CHROMIUM ?? '/usr/bin/chromium';
}

/** A guest session's Backstage token, the same identity the browser signs in with. */
async function signInGuest(): Promise<string> {
  const res = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) throw new Error(`guest sign-in: HTTP ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

let guestToken: Promise<string> | undefined;

/**
 * Names the places in `sources` that hold any of the secret values, without printing a value, so a
 * failing assertion cannot leak one either.
 */
export function placesHoldingSecrets(
  sources: Record<string, string>,
  secrets: string[],
): string[] {
  const encoded = secrets.flatMap(v => [
    v,
    Buffer.from(v, 'utf8').toString('base64'),
  ]);
  return Object.entries(sources)
    .filter(([, text]) => encoded.some(v => text.includes(v)))
    .map(([where]) => where);
}

/**
 * A request to the dev backend as guest (POST with a JSON body); returns status and parsed body. One
 * guest token serves every call, and is renewed when the backend no longer accepts it.
 */
export async function backend(
  method: 'GET' | 'DELETE' | 'POST',
  pathAndQuery: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const send = async () => {
    guestToken ??= signInGuest();
    return fetch(`${BACKEND_URL}${pathAndQuery}`, {
      method,
      headers: {
        Authorization: `Bearer ${await guestToken}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  let res = await send().catch(e => {
    guestToken = undefined;
    throw e;
  });
  if (res.status === 401) {
    guestToken = undefined;
    res = await send();
  }
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${
          last ? `: ${last}` : ''
        }`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

/** Waits until a GET of `pathAndQuery` on the dev backend answers `status`. */
export function untilStatus(
  what: string,
  pathAndQuery: string,
  status: number,
  timeoutMs?: number,
): Promise<true> {
  return eventually(
    what,
    async () =>
      (await backend('GET', pathAndQuery)).status === status ? true : undefined,
    timeoutMs,
  );
}

/** Signs in as guest through the sign-in page. */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'kars sandboxes' }).waitFor();
}

/**
 * Saves a screenshot of the page under .ci-out/screenshots, or with KARS_UPDATE_SCREENSHOTS=1
 * under docs/screenshots, where the README shows them.
 */
export async function screenshotForDocs(page: Page, name: string) {
  const dir =
    process.env.KARS_UPDATE_SCREENSHOTS === '1'
      ? path.join(REPO_ROOT, 'docs', 'screenshots')
      : path.join(REPO_ROOT, '.ci-out', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}
