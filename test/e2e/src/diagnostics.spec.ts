import { expect, Page, test } from '@playwright/test';
import { embeddedCluster, isGone, kubectl } from './cluster';
import {
  backend,
  eventually,
  placesHoldingSecrets,
  screenshotForDocs,
  signInAsGuest,
} from './portal';

/**
 * What a sandbox's owner reads in Chromium when something runs, fails or is changed behind the
 * portal's back: pods, Kubernetes events and logs on the Sandbox tab, a drift repair after an edit
 * with kubectl, a crash loop and its recovery, and a notice when a budget passes 90 %. Every claim
 * starts from the cluster (kubectl, the live objects) and ends at what the page shows.
 */

// A name of each run's own: the notifications backend keeps a notice of an earlier run's sandbox of
// the same name (under the same scope), which would pass for this run's.
const NAME = `diag-${Date.now().toString(36)}`;
const NAMESPACE = `kars-${NAME}`;
// A fake, well-formed BotFather token: it must never reach the page.
const TOKEN = '700000002:e2eDiagnosticsTokenAbcdefghijklmnop';
const DAILY_TOKENS = 1_000_000;
/** The simulator's annotations (packages/workload-simulator). */
const FAULT = 'workload-simulator.kars.azure.com/fault';
const TOKEN_BURST = 'workload-simulator.kars.azure.com/token-burst';

const tabOf = (name: string) => `/catalog/default/resource/${name}/kars`;

/** The sandbox's Running pod as the cluster has it. */
async function runningPod(namespace: string, sandbox: string) {
  const { core } = embeddedCluster();
  return eventually(`a Running, ready pod of ${sandbox}`, async () => {
    const pods = await core.listNamespacedPod({
      namespace,
      labelSelector: `kars.azure.com/sandbox=${sandbox}`,
    });
    return pods.items.find(
      p =>
        p.status?.phase === 'Running' &&
        !p.metadata?.deletionTimestamp &&
        p.status?.conditions?.some(
          c => c.type === 'Ready' && c.status === 'True',
        ),
    );
  });
}

/** Reloads the page until `check` passes: the tab reads the cluster when it opens. */
async function untilShown(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 120_000 });
}

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

test("tenant-a's Sandbox tab shows its pod, its Kubernetes events and its containers' logs", async ({
  page,
}) => {
  const pod = await runningPod('kars-tenant-a', 'tenant-a');
  const podName = pod.metadata!.name!;
  await page.goto(tabOf('tenant-a'));

  const pods = page.getByRole('region', { name: 'Pods' });
  await expect(pods.getByText(`Pod ${podName}`)).toBeVisible();
  await expect(
    pods.getByText(new RegExp(`^${pod.spec!.nodeName!} \\(pool `)),
  ).toBeVisible();
  const containers = pods.getByRole('table', {
    name: `Containers of pod ${podName}`,
  });
  for (const container of pod.spec!.containers.map(c => c.name)) {
    await expect(
      containers
        .getByRole('row')
        .filter({ hasText: container })
        .getByText(/^running, \d+ restarts?/),
    ).toBeVisible();
  }

  // The kubelet's events of that pod, as `kubectl events` lists them.
  const kubectlEvents = kubectl(['events', '-n', 'kars-tenant-a']);
  expect(kubectlEvents.toLowerCase()).toContain(`pod/${podName}`);
  const events = page.getByRole('table', { name: 'Kubernetes events' });
  for (const reason of ['Scheduled', 'Started']) {
    expect(kubectlEvents).toContain(reason);
    await expect(
      events
        .getByRole('row')
        .filter({ hasText: `Pod kars-tenant-a/${podName}` })
        .filter({ hasText: reason })
        .first(),
    ).toBeVisible();
  }

  const logs = page.getByRole('region', { name: 'Logs' });
  const agentLog = logs.getByRole('log', { name: 'Logs of agent' });
  // The log viewer shows the newest lines: the agent's runs.
  await expect(agentLog).toContainText(/\[agent\] run \w+ done in/);
  // The channel's live state, read by the backend from the same log.
  await expect(
    page
      .getByRole('table', { name: 'Channels' })
      .getByRole('row')
      .filter({ hasText: 'Telegram' })
      .getByText('connected', { exact: true }),
  ).toBeVisible();
  await logs.getByLabel('Container').selectOption('inference-router');
  const routerLog = logs.getByRole('log', {
    name: 'Logs of inference-router',
  });
  await expect(routerLog).toBeVisible();
  // Follow: lines the container writes after the page opened arrive without a reload. The viewer
  // renders only the rows in view (their text is no count of lines) and keeps its newest line in
  // view: each row is named by its line number.
  const lastLine = async () =>
    Math.max(
      0,
      ...(await routerLog.getByRole('row').allInnerTexts())
        .map(text => parseInt(text, 10))
        .filter(Number.isFinite),
    );
  await expect.poll(lastLine).toBeGreaterThan(0);
  const before = await lastLine();
  await logs.getByLabel('Follow').check();
  await expect.poll(lastLine, { timeout: 60_000 }).toBeGreaterThan(before);
  await logs.getByLabel('Follow').uncheck();
  await logs.scrollIntoViewIfNeeded();
  await screenshotForDocs(page, 'sandbox-events-logs');
});

test.describe
  .serial('a sandbox of its own, changed and broken from outside the portal', () => {
  test.beforeAll(async () => {
    const created = await backend('POST', '/api/kars/sandboxes', {
      name: NAME,
      spec: {
        owner: 'group:default/team-a',
        channels: [{ type: 'telegram' }],
        tokenBudget: { dailyTokens: DAILY_TOKENS },
      },
      credentials: { TELEGRAM_BOT_TOKEN: TOKEN },
    });
    expect([201, 200]).toContain(created.status);
    await runningPod(NAMESPACE, NAME);
  });

  test.afterAll(async () => {
    await backend('DELETE', `/api/kars/sandboxes/${NAME}`);
    const { core } = embeddedCluster();
    await eventually(`${NAMESPACE} gone`, async () =>
      (await isGone(() => core.readNamespace({ name: NAMESPACE })))
        ? true
        : undefined,
    );
  });

  test('an edit with kubectl is put back, and the tab names the object, the field and who edited it', async ({
    page,
  }) => {
    // `kubectl edit` with an editor that changes the DNS port of the default-deny policy.
    kubectl(['edit', 'networkpolicy', 'sandbox-policy', '-n', NAMESPACE], {
      KUBE_EDITOR: `sed -i -e 's/port: 53$/port: 5353/'`,
    });
    await eventually('the policy put back', async () => {
      const policy = JSON.parse(
        kubectl([
          'get',
          'networkpolicy',
          'sandbox-policy',
          '-n',
          NAMESPACE,
          '-o',
          'json',
        ]),
      );
      return policy.spec.egress[0].ports.every((p: any) => p.port === 53)
        ? true
        : undefined;
    });

    await page.goto(tabOf(NAME));
    const events = page.getByRole('table', { name: 'Kubernetes events' });
    const drift = events
      .getByRole('row')
      .filter({ hasText: 'DriftRepaired' })
      .filter({ hasText: `NetworkPolicy ${NAMESPACE}/sandbox-policy` });
    await untilShown(page, () =>
      expect(drift.first()).toBeVisible({ timeout: 5_000 }),
    );
    await expect(drift.first()).toContainText(
      `KarsSandbox kars-system/${NAME}`,
    );
    await expect(drift.first()).toContainText(/spec\.egress/);
    await expect(drift.first()).toContainText('edited by kubectl-edit');
    await expect(drift.first()).toContainText('Warning');
    await drift.first().scrollIntoViewIfNeeded();
    await screenshotForDocs(page, 'sandbox-drift-repaired');
  });

  test('a crash-looping agent turns the sandbox Degraded with its reason, and it recovers', async ({
    page,
  }) => {
    kubectl([
      'annotate',
      'deployment',
      NAME,
      '-n',
      NAMESPACE,
      // The pod's first container: the agent (openclaw, the default runtime).
      `${FAULT}=crash-loop`,
      '--overwrite',
    ]);
    await page.goto(tabOf(NAME));
    const header = page.getByRole('region', { name: `Sandbox ${NAME}` });
    const pods = page.getByRole('region', { name: 'Pods' });
    await untilShown(page, async () => {
      await expect(header.getByText('Degraded', { exact: true })).toBeVisible({
        timeout: 5_000,
      });
      await expect(
        pods
          .getByText(/^waiting: CrashLoopBackOff, \d+ restarts?, last: /)
          .first(),
      ).toBeVisible({ timeout: 5_000 });
    });
    await expect(
      page
        .getByRole('region', { name: 'Conditions' })
        .getByText(/CrashLoopBackOff/)
        .first(),
    ).toBeVisible();
    await expect(
      page
        .getByRole('table', { name: 'Kubernetes events' })
        .getByRole('row')
        .filter({ hasText: 'BackOff' })
        .first(),
    ).toBeVisible();
    await pods.scrollIntoViewIfNeeded();
    await screenshotForDocs(page, 'sandbox-pods-crash-loop');

    kubectl(['annotate', 'deployment', NAME, '-n', NAMESPACE, `${FAULT}-`]);
    await untilShown(page, () =>
      expect(header.getByText('Running', { exact: true })).toBeVisible({
        timeout: 5_000,
      }),
    );
    await expect(pods.getByText(/CrashLoopBackOff/)).toHaveCount(0);
  });

  test('its owners are told on the notifications page when the daily budget passes 90 %', async ({
    page,
  }) => {
    // A burst of 95 % of the daily budget through the simulated router, on top of a few tokens.
    kubectl([
      'annotate',
      'deployment',
      NAME,
      '-n',
      NAMESPACE,
      `${TOKEN_BURST}=${0.95 * DAILY_TOKENS}`,
      '--overwrite',
    ]);
    const title = `Sandbox ${NAME} passed 90 % of its daily token budget`;
    await page.goto('/notifications');
    await untilShown(page, () =>
      expect(page.getByText(title)).toBeVisible({ timeout: 5_000 }),
    );
    await expect(
      page.getByText(
        new RegExp(
          `^${NAME} on cluster embedded used 9\\d\\d,\\d{3} of 1,000,000 tokens \\(9\\d %\\) in \\d{4}-\\d\\d-\\d\\d\\.$`,
        ),
      ),
    ).toBeVisible();
    await screenshotForDocs(page, 'notifications');
    await page.getByText(title).click();
    await expect(page).toHaveURL(
      new RegExp(`/catalog/default/resource/${NAME}$`),
    );

    // Nothing the portal showed on the way holds the channel token.
    await page.goto(tabOf(NAME));
    await expect(
      page.getByRole('log', { name: 'Logs of agent' }),
    ).toBeVisible();
    expect(
      placesHoldingSecrets({ 'the Sandbox tab': await page.content() }, [
        TOKEN,
      ]),
    ).toEqual([]);
  });
});
