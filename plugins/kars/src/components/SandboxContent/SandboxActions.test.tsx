import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PLUGIN_CREDENTIAL_KEYS } from '@kars-portal/plugin-kars-common';
import { registerFakeKarsApi } from '../../__testUtils__/fakeApi';
import {
  alertApi,
  renderLegacy,
  sandboxEntity,
} from '../../__testUtils__/render';
import { KarsSandboxContent } from './SandboxContent';

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
