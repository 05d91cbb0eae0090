import { expect, test } from '@playwright/test';
import { embeddedCluster } from './cluster';
import { eventually, screenshotForDocs, signInAsGuest } from './portal';

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

test("the Backstage Kubernetes tab of tenant-a's agent shows its Running pod on the embedded cluster", async ({
  page,
}) => {
  // The pod as the cluster has it, read through the kubeconfig the backend writes.
  const { core } = embeddedCluster();
  const podName = await eventually("tenant-a's Running pod", async () => {
    const pods = await core.listNamespacedPod({
      namespace: 'kars-tenant-a',
      labelSelector: 'kars.azure.com/sandbox=tenant-a',
    });
    return pods.items.find(p => p.status?.phase === 'Running')?.metadata?.name;
  });

  await page.goto('/catalog/default/component/tenant-a-agent');
  await page.getByRole('link', { name: 'Kubernetes', exact: true }).click();
  await expect(page).toHaveURL(/\/component\/tenant-a-agent\/kubernetes$/);
  // The cluster under its kars name, then its Deployment, whose pods are listed by name.
  await page.getByText('embedded', { exact: true }).click();
  await page
    .getByRole('button')
    .filter({ hasText: 'Deployment' })
    .filter({ hasText: 'namespace: kars-tenant-a' })
    .getByText('1 pod', { exact: true })
    .click();
  await expect(
    page
      .getByRole('row')
      .filter({ hasText: podName })
      .getByRole('cell', { name: 'Running', exact: true }),
  ).toBeVisible();
  await screenshotForDocs(page, 'kubernetes-tab');
});
