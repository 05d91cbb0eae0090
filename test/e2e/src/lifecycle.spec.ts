import { expect, test } from '@playwright/test';
import fs from 'fs';
import { embeddedCluster, isGone } from './cluster';
import {
  backend,
  eventually,
  placesHoldingSecrets,
  PORTAL_LOG,
  screenshotForDocs,
  signInAsGuest,
  untilStatus,
} from './portal';

const NAME = 'tenant-d';
const NAMESPACE = `kars-${NAME}`;
const SECRET = `${NAME}-credentials`;
// Fake, well-formed BotFather tokens: <bot id>:<secret>.
const FIRST_TOKEN = '700000001:e2eFirstTokenAbcdefghijklmnopqrstuv';
const ROTATED_TOKEN = '700000001:e2eRotatedTokenZyxwvutsrqponmlkjih';
const RESTARTED_AT = 'kars.azure.com/restarted-at';
const CATALOG_ENTITY = `/api/catalog/entities/by-name/resource/default/${NAME}`;

const cluster = embeddedCluster();

function secretValue(data: Record<string, string> | undefined, key: string) {
  return Buffer.from(data?.[key] ?? '', 'base64').toString('utf8');
}

async function podTemplateAnnotation(key: string) {
  const deployment = await cluster.apps.readNamespacedDeployment({
    name: NAME,
    namespace: NAMESPACE,
  });
  return deployment.spec?.template.metadata?.annotations?.[key];
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // A dev portal that is reused (outside CI) may still hold tenant-d from an earlier run.
  const existing = await backend('GET', `/api/kars/sandboxes/${NAME}`);
  if (existing.status === 200) {
    await backend('DELETE', `/api/kars/sandboxes/${NAME}`);
    await untilStatus(
      'an earlier tenant-d to be gone',
      `/api/kars/sandboxes/${NAME}`,
      404,
    );
  }
});

test('create tenant-d with the New agent sandbox template, change it, rotate its credentials, delete it', async ({
  page,
}) => {
  const startedAt = Date.now();
  await signInAsGuest(page);

  await test.step('the Create page offers the three kars templates', async () => {
    await page.getByRole('link', { name: 'Create' }).click();
    for (const title of [
      'New agent sandbox',
      'Change sandbox',
      'Rotate sandbox credentials',
    ]) {
      await expect(page.getByText(title, { exact: true })).toBeVisible();
    }
  });

  await test.step('fill in the form', async () => {
    await page.goto('/create/templates/default/kars-sandbox');
    await page.getByLabel('Name').fill(NAME);
    await expect(page.getByText(`${NAME} is available.`)).toBeVisible();
    await page.getByLabel('Owner').click();
    await page.getByRole('option', { name: 'team-a' }).click();
    await screenshotForDocs(page, 'template-form');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel('Tokens per request').fill('4000');
    await page.getByLabel('Tokens per day').fill('100000');
    await page.getByLabel('Tokens per month').fill('2000000');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('checkbox', { name: 'telegram' }).check();
    await page.getByLabel('Telegram bot token').fill(FIRST_TOKEN);
    await page.getByRole('button', { name: 'Next' }).click();
    // Plugin API keys: none.
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('Host 1').fill('api.github.com');
    await page
      .getByLabel('A2A description')
      .fill('Team A helper created by the end-to-end test');
    // Resources and identity: the defaults.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await expect(page.getByText(FIRST_TOKEN)).toHaveCount(0);
    await page.getByRole('button', { name: 'Create' }).click();
  });

  let createTask = '';
  /** Reads what the portal shows about tenant-d and its create task; names those holding a token. */
  const placesHoldingTokens = async (tokens: string[]) => {
    const reads = {
      'scaffolder task': `/api/scaffolder/v2/tasks/${createTask}`,
      'scaffolder task log': `/api/scaffolder/v2/tasks/${createTask}/events`,
      'catalog sandbox': `/api/catalog/entities/by-name/resource/default/${NAME}`,
      'catalog agent': `/api/catalog/entities/by-name/component/default/${NAME}-agent`,
      'catalog agent card': `/api/catalog/entities/by-name/api/default/${NAME}-agent-card`,
      'kars sandbox': `/api/kars/sandboxes/${NAME}`,
      'kars manifests': `/api/kars/sandboxes/${NAME}/manifests`,
      'kars health': `/api/kars/sandboxes/${NAME}/health`,
      'kars audit events': `/api/kars/sandboxes/${NAME}/events`,
    };
    const sources: Record<string, string> = {};
    for (const [where, url] of Object.entries(reads)) {
      const { status, body } = await backend('GET', url);
      expect(status, where).toBe(200);
      sources[where] = JSON.stringify(body);
    }
    // The portal's own output, when this run started it (a reused portal logs elsewhere).
    if (
      fs.existsSync(PORTAL_LOG) &&
      fs.statSync(PORTAL_LOG).mtimeMs > startedAt
    ) {
      sources['portal log'] = fs.readFileSync(PORTAL_LOG, 'utf8');
    }
    return placesHoldingSecrets(sources, tokens);
  };
  await test.step('watch the task finish', async () => {
    await expect(page).toHaveURL(/\/create\/tasks\//);
    createTask = page.url().split('/create/tasks/')[1];
    await expect(
      page.getByRole('link', { name: 'Open the sandbox in the catalog' }),
    ).toBeVisible({ timeout: 5 * 60_000 });
    await expect(page.getByText(FIRST_TOKEN)).toHaveCount(0);
  });

  await test.step('the cluster holds tenant-d as asked, with its token in its Secret', async () => {
    const sandbox = await cluster.readSandbox(NAME);
    expect(sandbox.spec.tokenBudget).toEqual({
      perRequestTokens: 4000,
      dailyTokens: 100000,
      monthlyTokens: 2000000,
    });
    expect(sandbox.spec.channels).toEqual([{ type: 'telegram' }]);
    expect(sandbox.spec.networkPolicy.allowedEndpoints).toEqual([
      { host: 'api.github.com', port: 443 },
    ]);
    const secret = await cluster.core.readNamespacedSecret({
      name: SECRET,
      namespace: NAMESPACE,
    });
    expect(secretValue(secret.data, 'TELEGRAM_BOT_TOKEN')).toBe(FIRST_TOKEN);
  });

  await test.step('tenant-d is in the catalog and its Sandbox tab says Running', async () => {
    await untilStatus('tenant-d in the catalog', CATALOG_ENTITY, 200);
    await page
      .getByRole('link', { name: 'Open the sandbox in the catalog' })
      .click();
    await expect(page).toHaveURL(
      new RegExp(`/catalog/default/resource/${NAME}`),
    );
    await page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name: 'Sandbox' })
      .click();
    await expect(
      page.getByRole('region', { name: `Sandbox ${NAME}` }),
    ).toBeVisible();
    await expect(
      page.getByText('Running', { exact: true }).first(),
    ).toBeVisible();
    await expect(
      page.getByRole('region', { name: 'Isolation: enhanced' }),
    ).toBeVisible();
  });

  await test.step('raise its daily budget with the Change sandbox template; its channels and allowlist stay', async () => {
    await page.goto('/create/templates/default/kars-sandbox-change');
    await page.getByLabel(/^Sandbox/).click();
    await page.getByRole('option', { name: new RegExp(NAME) }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Tokens per day').fill('150000');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByText(`Sandbox ${NAME}: changed.`)).toBeVisible({
      timeout: 2 * 60_000,
    });
    const sandbox = await cluster.readSandbox(NAME);
    expect(sandbox.spec.tokenBudget).toEqual({
      perRequestTokens: 4000,
      dailyTokens: 150000,
      monthlyTokens: 2000000,
    });
    expect(sandbox.spec.channels).toEqual([{ type: 'telegram' }]);
    expect(sandbox.spec.networkPolicy.allowedEndpoints).toEqual([
      { host: 'api.github.com', port: 443 },
    ]);
    await page.goto(`/catalog/default/resource/${NAME}/kars`);
    await expect(
      page.getByRole('region', { name: `Sandbox ${NAME}` }),
    ).toBeVisible();
  });

  await test.step('no token in the task, the catalog, the kars API or the portal log', async () => {
    expect(await placesHoldingTokens([FIRST_TOKEN])).toEqual([]);
  });

  await test.step('rotate its credentials from the Sandbox tab', async () => {
    const before = await podTemplateAnnotation(RESTARTED_AT);
    await page.getByRole('button', { name: 'Rotate credentials' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate credentials' });
    await dialog.getByLabel('TELEGRAM_BOT_TOKEN').fill(ROTATED_TOKEN);
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    await expect(
      page.getByText('Rotate credentials: done.').first(),
    ).toBeVisible();
    await expect(page.getByText(ROTATED_TOKEN)).toHaveCount(0);
    expect(await placesHoldingTokens([FIRST_TOKEN, ROTATED_TOKEN])).toEqual([]);

    const secret = await cluster.core.readNamespacedSecret({
      name: SECRET,
      namespace: NAMESPACE,
    });
    expect(secretValue(secret.data, 'TELEGRAM_BOT_TOKEN')).toBe(ROTATED_TOKEN);
    // The reconciler rolls the pod template to the KarsSandbox's restart annotation.
    await expect
      .poll(() => podTemplateAnnotation(RESTARTED_AT), { timeout: 30_000 })
      .not.toBe(before);
    expect(await podTemplateAnnotation(RESTARTED_AT)).toBeDefined();
  });

  await test.step('delete it: it leaves the cluster and the catalog', async () => {
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${NAME}?` });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText('Delete: done.').first()).toBeVisible();

    await eventually('the tenant-d namespace to be gone', async () =>
      (await isGone(() => cluster.core.readNamespace({ name: NAMESPACE })))
        ? true
        : undefined,
    );
    await eventually('the tenant-d KarsSandbox to be gone', async () =>
      (await isGone(() => cluster.readSandbox(NAME))) ? true : undefined,
    );
    await untilStatus('tenant-d to leave the catalog', CATALOG_ENTITY, 404);
    await page.goto(`/catalog/default/resource/${NAME}`);
    await expect(page.getByText('Entity not found')).toBeVisible();
  });
});
