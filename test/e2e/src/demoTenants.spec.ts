import { expect, test } from '@playwright/test';
import { SEED_TENANTS } from '@kars-portal/plugin-kars-common';
import { screenshotForDocs, signInAsGuest } from './portal';

const TENANTS = SEED_TENANTS.map(t => t.name);

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

test('the catalog lists the three demo tenants with their agents and agent cards', async ({
  page,
}) => {
  const kinds: Array<[string, (tenant: string) => string]> = [
    ['resource', t => `/catalog/default/resource/${t}`],
    ['component', t => `/catalog/default/component/${t}-agent`],
    ['api', t => `/catalog/default/api/${t}-agent-card`],
  ];
  for (const [kind, href] of kinds) {
    await page.goto(`/?filters%5Bkind%5D=${kind}&filters%5Buser%5D=all`);
    const table = page.getByRole('table');
    for (const tenant of TENANTS) {
      await expect(
        table.locator(`a[href="${href(tenant)}"]`).first(),
      ).toBeVisible();
    }
  }
});

test("tenant-a's Sandbox tab shows enhanced isolation with its layers, budgets and channels", async ({
  page,
}) => {
  await page.goto('/catalog/default/resource/tenant-a/kars');
  await expect(
    page.getByText(
      'Embedded cluster: workload readiness and token use are simulated',
    ),
  ).toBeVisible();
  const header = page.getByRole('region', { name: 'Sandbox tenant-a' });
  await expect(header.getByText('Running', { exact: true })).toBeVisible();
  const isolation = page.getByRole('region', { name: 'Isolation: enhanced' });
  const layers = isolation.getByRole('table', { name: 'Enforcement layers' });
  // Token use is read from the router's metrics, cached for 30 s: a tab opened before the first
  // series of a new tenant was scraped says unknown until a later read.
  await expect(async () => {
    await page.reload();
    await expect(
      layers
        .getByRole('row')
        .filter({ hasText: 'Token budgets (inference router)' })
        .getByRole('cell', { name: 'verified', exact: true }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  for (const [layer, state] of [
    ['Pod security', 'verified'],
    ['Network policy (default deny)', 'verified'],
    ['Seccomp profile', 'declared'],
    ['Kata VM isolation', 'missing'],
  ]) {
    await expect(
      layers
        .getByRole('row')
        .filter({ hasText: layer })
        .getByRole('cell', { name: state, exact: true }),
    ).toBeVisible();
  }

  const budgets = page.getByRole('region', { name: 'Token budgets' });
  await expect(
    budgets.getByRole('progressbar', { name: 'Today (daily) budget used' }),
  ).toBeVisible();
  await expect(
    budgets.getByText(/^[\d,]+ of 200,000 tokens used$/),
  ).toBeVisible();
  await expect(
    budgets.getByText(/^[\d,]+ of 4,000,000 tokens used$/),
  ).toBeVisible();
  await expect(budgets.getByText(/^Headroom: /).first()).toBeVisible();
  await expect(budgets.getByText('capped at 8,000 tokens')).toBeVisible();
  const usage = page.getByRole('region', { name: 'Token use, last 30 days' });
  await expect(
    usage.getByRole('img', {
      name: /^Daily token use: [\d,]+ tokens in the last 30 days/,
    }),
  ).toBeVisible();
  await budgets.scrollIntoViewIfNeeded();
  await screenshotForDocs(page, 'sandbox-budgets');
  await page.evaluate(() => window.scrollTo(0, 0));

  const channels = page.getByRole('table', { name: 'Channels' });
  for (const channel of ['Telegram', 'Slack']) {
    await expect(
      channels
        .getByRole('row')
        .filter({ hasText: channel })
        .getByText('configured'),
    ).toBeVisible();
  }
  await expect(
    channels
      .getByRole('row')
      .filter({ hasText: 'Discord' })
      .getByText('not enabled'),
  ).toBeVisible();

  await expect(
    page.getByRole('button', { name: 'Rotate credentials' }),
  ).toBeVisible();
  await screenshotForDocs(page, 'sandbox-tab');
});

test('the overview cards sum up each tenant and lead to its Sandbox tab', async ({
  page,
}) => {
  await page.goto('/catalog/default/resource/tenant-b');
  await expect(
    page.getByText(/Isolation\s+confidential\s+·\s+model\s+Phi-4/),
  ).toBeVisible();
  await expect(page.getByText('Discord: credentials missing')).toBeVisible();

  await page.goto('/catalog/default/resource/tenant-a');
  await expect(
    page.getByText(/Isolation\s+enhanced\s+·\s+model\s+gpt-4\.1/),
  ).toBeVisible();
  await expect(page.getByText(/^Headroom: [\d,]+ left$/)).toBeVisible();
  await expect(page.getByText('No channel trouble')).toBeVisible();
  await page.getByRole('link', { name: 'Open the Sandbox tab' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/resource\/tenant-a\/kars$/);
  await expect(
    page.getByRole('region', { name: 'Isolation: enhanced' }),
  ).toBeVisible();
});

test('a sandbox the guest does not own is read-only to them', async ({
  page,
}) => {
  await page.goto('/catalog/default/resource/tenant-b/kars');
  await expect(
    page.getByRole('region', { name: 'Isolation: confidential' }),
  ).toBeVisible();
  await expect(
    page.getByText('You are not permitted to change this sandbox.'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await expect(
    page.getByRole('button', { name: 'Rotate credentials' }),
  ).toHaveCount(0);
});

test('the fleet page lists all three tenants and searches through the API', async ({
  page,
}) => {
  await page.goto('/kars');
  const rows = page.locator('table[aria-label="Sandboxes"] tbody tr');
  for (const tenant of TENANTS) {
    await expect(rows.filter({ hasText: tenant })).toHaveCount(1);
  }
  await expect(
    rows.filter({ hasText: 'tenant-a' }).getByText('enhanced'),
  ).toBeVisible();
  await expect(
    rows.filter({ hasText: 'tenant-b' }).getByText('confidential'),
  ).toBeVisible();
  await screenshotForDocs(page, 'fleet-page');

  await page.getByLabel('Search sandboxes').fill('tenant-b');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('tenant-b');
});

test("tenant-a's A2A agent card renders as a card, not JSON", async ({
  page,
}) => {
  await page.goto('/catalog/default/api/tenant-a-agent-card/definition');
  await expect(page.getByRole('heading', { name: 'Skills' })).toBeVisible();
  await expect(page.getByText('Issue triage')).toBeVisible();
  await expect(
    page.getByText('https://tenant-a.kars-tenant-a.svc.cluster.local:8443/a2a'),
  ).toBeVisible();
  await screenshotForDocs(page, 'a2a-card');
});
