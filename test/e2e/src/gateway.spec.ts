import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { embeddedCluster } from './cluster';
import {
  backend,
  REPO_ROOT,
  screenshotForDocs,
  signInAsGuest,
  untilStatus,
} from './portal';

// Each run its own name, so a reused dev portal's earlier run is never in the way.
const NAME = `tenant-gw-${Date.now().toString(36).slice(-5)}`;
const HOST = `${NAME}.agents.kars.test`;
/** The simulated ingress controller of the embedded cluster (app-config.yaml: embedded.gatewayPort). */
const GATEWAY = 'http://127.0.0.1:7480';
const SCRIPTS = path.join(REPO_ROOT, 'plugins', 'kars-common', 'scripts');

const cluster = embeddedCluster();

/** `curl -H 'Host: <host>' <gateway><path>`: the status and the body. */
function curlThroughGateway(requestPath: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get(`${GATEWAY}${requestPath}`, { headers: { host: HOST } }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      })
      .on('error', reject);
  });
}

/** The Python with the A2A SDK that .ci/run installs (kars-common's agentCard.sdk.test uses it too). */
function sdkPython() {
  return (
    process.env.KARS_A2A_SDK_PYTHON ??
    path.join(
      process.env.KARS_CACHE ??
        path.join(os.homedir(), '.cache', 'kars-portal'),
      'a2a-sdk',
      'bin',
      'python',
    )
  );
}

test.describe.configure({ mode: 'serial' });

test.afterAll(async () => {
  await backend('DELETE', `/api/kars/sandboxes/${NAME}`);
});

test('create a sandbox with WhatsApp and the public A2A gateway from the template: its tab shows WhatsApp configured, the public URL and the certificate Ready, and its card comes through the gateway host', async ({
  page,
}) => {
  await signInAsGuest(page);

  await test.step('fill in the New agent sandbox form with WhatsApp and the gateway on', async () => {
    await page.goto('/create/templates/default/kars-sandbox');
    await page.getByLabel('Name').fill(NAME);
    await expect(page.getByText(`${NAME} is available.`)).toBeVisible();
    await page.getByLabel('Owner').click();
    await page.getByRole('option', { name: 'team-a' }).click();
    // Budgets as they come; WhatsApp on (it needs no token); no plugin keys.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByLabel('Tokens per day')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('checkbox', { name: 'whatsapp' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByLabel('Brave Search API key')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByLabel('A2A description')).toBeVisible();
    await page
      .getByLabel('A2A description')
      .fill('Answers other teams’ agents about the team A runbooks');
    await page.getByLabel(/Public A2A gateway/).click();
    await page.getByRole('option', { name: 'Published', exact: true }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(
      page.getByRole('link', { name: 'Open the sandbox in the catalog' }),
    ).toBeVisible({ timeout: 5 * 60_000 });
  });

  await test.step('the cluster holds its gateway: the spec, the Certificate and the Ingress', async () => {
    const sandbox = await cluster.readSandbox(NAME);
    expect(sandbox.spec.a2a.publicGateway).toBe(true);
    expect(sandbox.spec.channels).toEqual([{ type: 'whatsapp' }]);
    const ingress: any = await cluster.custom.getNamespacedCustomObject({
      group: 'networking.k8s.io',
      version: 'v1',
      namespace: `kars-${NAME}`,
      plural: 'ingresses',
      name: 'a2a-gateway',
    });
    expect(ingress.spec.rules[0].host).toBe(HOST);
    const certificate: any = await cluster.custom.getNamespacedCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      namespace: `kars-${NAME}`,
      plural: 'certificates',
      name: 'a2a-gateway',
    });
    expect(certificate.spec.dnsNames).toEqual([HOST]);
  });

  await test.step('its Sandbox tab shows the public URL and the certificate Ready', async () => {
    await untilStatus(
      'the sandbox in the catalog',
      `/api/catalog/entities/by-name/resource/default/${NAME}`,
      200,
    );
    await page.goto(`/catalog/default/resource/${NAME}/kars`);
    const region = page.getByRole('region', { name: 'Public A2A gateway' });
    await expect(region).toBeVisible();
    await expect(
      region.getByText(`https://${HOST}`, { exact: true }),
    ).toBeVisible();
    await expect(region.getByText('Ready', { exact: true })).toBeVisible();
    await expect(region.getByText(/^198\.51\.100\.\d+$/)).toBeVisible();
    const whatsapp = page
      .getByRole('region', { name: 'Channels' })
      .getByRole('row', { name: /WhatsApp/ });
    await expect(
      whatsapp.getByText('configured', { exact: true }),
    ).toBeVisible();
    await region.scrollIntoViewIfNeeded();
    await screenshotForDocs(page, 'a2a-gateway');
  });

  await test.step('curl through the simulated gateway host returns the card, and the A2A SDK validates it', async () => {
    const { status, body } = await curlThroughGateway(
      '/.well-known/agent-card.json',
    );
    expect(status).toBe(200);
    const card = JSON.parse(body);
    expect(card.supportedInterfaces[0].url).toBe(`https://${HOST}/a2a`);
    expect((await curlThroughGateway('/.well-known/agent.json')).body).toBe(
      body,
    );
    const python = sdkPython();
    test.skip(
      !fs.existsSync(python) && process.env.CI !== 'true',
      `no Python with the A2A SDK at ${python}`,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kars-e2e-card-'));
    const file = path.join(dir, 'cards.json');
    fs.writeFileSync(file, JSON.stringify({ [NAME]: card }));
    const verdict = JSON.parse(
      execFileSync(
        python,
        [path.join(SCRIPTS, 'validate_agent_cards.py'), file],
        {
          encoding: 'utf8',
        },
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(verdict.errors).toEqual({ [NAME]: [] });
  });
});
