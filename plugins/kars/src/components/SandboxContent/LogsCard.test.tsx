import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { registerFakeKarsApi } from '../../__testUtils__/fakeApi';
import { renderLegacy } from '../../__testUtils__/render';
import { LogsCard } from './LogsCard';

const { fake } = registerFakeKarsApi();

const AGENT_LOG = 'agent line 1\nagent line 2\n';
const ROUTER_LOG = '{"msg":"router ready"}\n{"msg":"routed 1 request"}\n';

describe('LogsCard', () => {
  beforeEach(() => {
    fake.logs.set('tenant-a/agent', AGENT_LOG);
    fake.logs.set('tenant-a/inference-router', ROUTER_LOG);
    // LogViewer sizes itself to its parent, which jsdom never lays out.
    jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
      height: 400,
      width: 800,
    } as DOMRect);
  });
  afterEach(() => jest.restoreAllMocks());

  const shownLog = () => screen.getByRole('log');

  it('shows the last lines of the agent, then of the container picked, and stores none of it', async () => {
    await renderLegacy(<LogsCard name="tenant-a" />);
    await waitFor(() => expect(shownLog()).toHaveTextContent('agent line 2'));
    expect(fake.requestsOf('logs')[0].query.get('tailLines')).toBe('200');

    await userEvent.selectOptions(
      screen.getByLabelText('Container'),
      'inference router',
    );
    await waitFor(() =>
      expect(shownLog()).toHaveTextContent('{"msg":"routed 1 request"}'),
    );
    expect(shownLog()).not.toHaveTextContent('agent line');
    expect(shownLog()).toHaveAttribute(
      'aria-label',
      'Logs of inference-router',
    );
    expect(fake.requestsOf('logs').at(-1)!.query.get('container')).toBe(
      'inference-router',
    );

    await userEvent.selectOptions(screen.getByLabelText('Lines'), 'last 100');
    await waitFor(() =>
      expect(fake.requestsOf('logs').at(-1)!.query.get('tailLines')).toBe(
        '100',
      ),
    );
    expect(shownLog()).toHaveTextContent('routed 1 request');

    const stored = Object.keys(localStorage).map(k => localStorage.getItem(k));
    expect(stored.join('\n')).not.toMatch(/agent line|routed/);
  });

  it('follows: asks for the stream and shows its lines', async () => {
    await renderLegacy(<LogsCard name="tenant-a" />);
    await waitFor(() => expect(shownLog()).toHaveTextContent('agent line 1'));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Follow' }));
    await waitFor(() =>
      expect(fake.requestsOf('logs').at(-1)!.query.get('follow')).toBe('true'),
    );
    await waitFor(() => expect(shownLog()).toHaveTextContent('agent line 2'));
    expect(screen.queryByRole('button', { name: 'Refresh' })).toBeNull();
  });

  it("says the user may not read this sandbox's logs, not an error page", async () => {
    fake.denied.add('kars.sandbox.logs tenant-a');
    await renderLegacy(<LogsCard name="tenant-a" />);
    expect(
      await screen.findByText(/You may not read this sandbox's logs/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Could not load/)).toBeNull();
    expect(screen.queryByRole('log')).toBeNull();
  });

  it('shows why the cluster could not serve the logs', async () => {
    fake.fail({
      route: 'logs',
      status: 502,
      message: 'the cluster cannot read pods/log: no kubelet',
    });
    await renderLegacy(<LogsCard name="tenant-a" />);
    expect(
      await screen.findByText(/The cluster did not serve these logs/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('the cluster cannot read pods/log: no kubelet'),
    ).toBeInTheDocument();
  });
});
