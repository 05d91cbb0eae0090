import { expect, test } from '@playwright/test';
import { embeddedCluster } from './cluster';
import { backend, signInAsGuest } from './portal';

test('a bad tenant name is refused in the form with a clear message, and nothing is created', async ({
  page,
}) => {
  const cluster = embeddedCluster();
  const before = await backend('GET', '/api/kars/sandboxes');
  const namespacesBefore = await cluster.namespaceNames();
  await signInAsGuest(page);
  await page.goto('/create/templates/default/kars-sandbox');

  await page.getByLabel('Name').fill('Tenant_D');
  await expect(
    page.getByText(
      /must be a DNS-1035 label: lowercase letters, digits and "-"/,
    ),
  ).toBeVisible();

  await page.getByLabel('Name').fill('system');
  await expect(page.getByText(/reserved/)).toBeVisible();

  await page.getByLabel('Owner').click();
  await page.getByRole('option', { name: 'team-a' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  // The form stays on its first step: the name is refused before anything is sent.
  await expect(page.getByLabel('Name')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create' })).toHaveCount(0);

  const after = await backend('GET', '/api/kars/sandboxes');
  expect(after.body.items.map((s: any) => s.name)).toEqual(
    before.body.items.map((s: any) => s.name),
  );
  expect(await cluster.namespaceNames()).toEqual(namespacesBefore);
});
