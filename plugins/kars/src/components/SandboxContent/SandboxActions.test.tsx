import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PLUGIN_CREDENTIAL_KEYS } from '@kars-portal/plugin-kars-common';
import { tenantA, tenantASpec } from '@kars-portal/test-kit';
import { registerFakeKarsApi } from '../../__testUtils__/fakeApi';
import {
  alertApi,
  renderLegacy,
  sandboxEntity,
} from '../../__testUtils__/render';
import { KarsSandboxContent } from './SandboxContent';
import { CHANGE_TEMPLATE_PATH } from './changeLink';

const { fake } = registerFakeKarsApi();

/** The bodies of the credential writes the fake got. */
const credentialPuts = () => fake.requestsOf('credentials').map(r => r.body);

async function openRotateDialog() {
  await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
  await userEvent.click(
    await screen.findByRole('button', { name: 'Rotate credentials' }),
  );
  return screen.findByRole('dialog');
}

describe('rotate credentials dialog', () => {
  beforeEach(() => alertApi.post.mockReset());

  it('sets plugin API keys and the Telegram allowlist beside channel tokens', async () => {
    const dialog = await openRotateDialog();
    for (const key of PLUGIN_CREDENTIAL_KEYS) {
      expect(within(dialog).getByLabelText(key)).toHaveAttribute(
        'type',
        'password',
      );
    }
    expect(
      within(dialog).getByLabelText('TELEGRAM_ALLOW_FROM'),
    ).toHaveAttribute('type', 'text');
    await userEvent.type(
      within(dialog).getByLabelText('BRAVE_API_KEY'),
      'brave-secret-1',
    );
    await userEvent.type(
      within(dialog).getByLabelText('OPENAI_API_KEY'),
      'sk-openai-secret-2',
    );
    await userEvent.type(
      within(dialog).getByLabelText('TELEGRAM_ALLOW_FROM'),
      '12345,@alice',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );
    expect(
      await screen.findByText('Rotate credentials: done.'),
    ).toBeInTheDocument();
    expect(credentialPuts()).toEqual([
      {
        credentials: {
          BRAVE_API_KEY: 'brave-secret-1',
          OPENAI_API_KEY: 'sk-openai-secret-2',
          TELEGRAM_ALLOW_FROM: '12345,@alice',
        },
        mode: 'merge',
        restart: true,
      },
    ]);

    // The values are gone: not in the page, not in the alerts, not in the dialog reopened.
    expect(document.body.textContent).not.toMatch(/secret-1|secret-2/);
    expect(JSON.stringify(alertApi.post.mock.calls)).not.toMatch(/secret/);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Rotate credentials' }),
    );
    const reopened = await screen.findByRole('dialog');
    expect(within(reopened).getByLabelText('BRAVE_API_KEY')).toHaveValue('');
    expect(within(reopened).getByLabelText('OPENAI_API_KEY')).toHaveValue('');
  });

  it('checks values with the kars-common schema before sending, naming the fields', async () => {
    const dialog = await openRotateDialog();
    await userEvent.type(
      within(dialog).getByLabelText('SLACK_BOT_TOKEN'),
      'xoxp-user-token',
    );
    await userEvent.type(
      within(dialog).getByLabelText('TAVILY_API_KEY'),
      'tvly-ünicode',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );
    expect(
      within(dialog).getByText(
        'SLACK_BOT_TOKEN: must be a Slack bot token, starting with xoxb-',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('TAVILY_API_KEY: must be printable ASCII'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'Not sent: check SLACK_BOT_TOKEN, TAVILY_API_KEY.',
      ),
    ).toBeInTheDocument();
    expect(credentialPuts()).toEqual([]);
    // The messages name the rule, never the value.
    expect(dialog.textContent).not.toMatch(/xoxp-user-token|tvly-/);

    // Fixing the fields sends them.
    const slack = within(dialog).getByLabelText('SLACK_BOT_TOKEN');
    await userEvent.clear(slack);
    await userEvent.type(slack, 'xoxb-1-abc');
    await userEvent.clear(within(dialog).getByLabelText('TAVILY_API_KEY'));
    expect(
      within(dialog).queryByText(/SLACK_BOT_TOKEN: /),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );
    expect(
      await screen.findByText('Rotate credentials: done.'),
    ).toBeInTheDocument();
    expect(credentialPuts()).toEqual([
      {
        credentials: { SLACK_BOT_TOKEN: 'xoxb-1-abc' },
        mode: 'merge',
        restart: true,
      },
    ]);
  });

  it("shows the backend's refusal, which names the field", async () => {
    fake.fail({
      route: 'credentials',
      status: 400,
      message:
        'Invalid request: credentials.EXA_API_KEY is not accepted here [credentials.EXA_API_KEY]',
    });
    const dialog = await openRotateDialog();
    await userEvent.type(
      within(dialog).getByLabelText('EXA_API_KEY'),
      'exa-secret-3',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );
    expect(
      await screen.findByText(
        /Rotate credentials failed: .*credentials\.EXA_API_KEY/,
      ),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/exa-secret-3/);
  });
});

describe('rotate credentials dialog, WhatsApp', () => {
  beforeEach(() => {
    alertApi.post.mockReset();
    const spec = tenantASpec();
    fake.addSandbox(
      tenantA({
        spec: { ...spec, channels: [...spec.channels, { type: 'whatsapp' }] },
      }),
    );
  });

  it('turns WhatsApp on when the Secret lacks the key, then off when the switch is flipped', async () => {
    const dialog = await openRotateDialog();
    const whatsapp = within(dialog).getByRole('checkbox', {
      name: 'WhatsApp enabled',
    });
    expect(whatsapp).toBeChecked();
    expect(
      within(dialog).getByText('Rotate writes WHATSAPP_ENABLED=true.'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );
    expect(
      await screen.findByText('Rotate credentials: done.'),
    ).toBeInTheDocument();
    expect(credentialPuts()).toEqual([
      {
        credentials: { WHATSAPP_ENABLED: 'true' },
        mode: 'merge',
        restart: true,
      },
    ]);
    expect(fake.sandboxes.get('tenant-a')!.credentialKeys).toContain(
      'WHATSAPP_ENABLED',
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Rotate credentials' }),
    );
    const reopened = await screen.findByRole('dialog');
    await waitFor(() =>
      expect(
        within(reopened).getByText(
          'Set: kept as it is unless you flip the switch.',
        ),
      ).toBeInTheDocument(),
    );
    expect(
      within(reopened).getByRole('button', { name: 'Rotate' }),
    ).toBeDisabled();
    await userEvent.click(
      within(reopened).getByRole('checkbox', { name: 'WhatsApp enabled' }),
    );
    expect(
      within(reopened).getByText('Rotate writes WHATSAPP_ENABLED=false.'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(reopened).getByRole('button', { name: 'Rotate' }),
    );
    await waitFor(() => expect(credentialPuts()).toHaveLength(2));
    expect(credentialPuts()[1]).toEqual({
      credentials: { WHATSAPP_ENABLED: 'false' },
      mode: 'merge',
      restart: true,
    });
  });

  it('shows no WhatsApp switch for a sandbox without a whatsapp channel', async () => {
    fake.addSandbox(tenantA());
    const dialog = await openRotateDialog();
    expect(
      within(dialog).queryByRole('checkbox', { name: 'WhatsApp enabled' }),
    ).not.toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    ).toBeDisabled();
  });
});

describe('Change link', () => {
  const formDataOf = (link: HTMLElement) => {
    expect(link.tagName).toBe('A');
    const url = new URL(link.getAttribute('href')!, 'http://localhost');
    expect(url.pathname).toBe(CHANGE_TEMPLATE_PATH);
    return JSON.parse(url.searchParams.get('formData')!);
  };

  it("opens the Change sandbox template filled in with the sandbox's current spec", async () => {
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    const link = await screen.findByRole('button', { name: 'Change' });
    expect(formDataOf(link)).toEqual({
      sandbox: 'resource:default/tenant-a',
      isolation: 'enhanced',
      model: 'gpt-4.1',
      perRequestTokens: 8000,
      dailyTokens: 100000,
      monthlyTokens: 2000000,
      channels: ['telegram', 'slack'],
      replaceChannels: true,
      allowedEndpoints: tenantASpec().networkPolicy.allowedEndpoints,
      replaceAllowlist: true,
      governance: 'off',
      publicGateway: 'default',
      cpuLimit: '2',
      memoryLimit: '4Gi',
      suspended: 'unchanged',
    });
  });

  it('carries the workload identity, the gateway setting and empty lists', async () => {
    const spec = tenantASpec();
    fake.addSandbox(
      tenantA({
        spec: {
          ...spec,
          channels: [],
          networkPolicy: { allowedEndpoints: [] },
          governance: { enabled: true, trustThreshold: 500 },
          a2a: { ...spec.a2a, publicGateway: false },
          resources: { limits: { cpu: '500m', memory: '1Gi' } },
          workloadIdentity: {
            clientId: '0b6c3a4e-1f2d-4c5b-9a8e-7d6c5b4a3f2e',
          },
        },
      }),
    );
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    const link = await screen.findByRole('button', { name: 'Change' });
    expect(formDataOf(link)).toMatchObject({
      channels: [],
      replaceChannels: true,
      allowedEndpoints: [],
      replaceAllowlist: true,
      governance: 'on',
      publicGateway: 'off',
      cpuLimit: '500m',
      memoryLimit: '1Gi',
      workloadIdentityClientId: '0b6c3a4e-1f2d-4c5b-9a8e-7d6c5b4a3f2e',
    });
  });
});
