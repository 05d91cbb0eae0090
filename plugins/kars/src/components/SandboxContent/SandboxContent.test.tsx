import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import {
  degradedHealthFixture,
  realClusterFixture,
  tenantA,
  unknownBudgetHealthFixture,
} from '@kars-portal/test-kit';
import {
  arrangeTenantA,
  registerFakeKarsApi,
} from '../../__testUtils__/fakeApi';
import {
  alertApi,
  renderLegacy,
  sandboxEntity,
} from '../../__testUtils__/render';
import { KarsSandboxContent } from './SandboxContent';

const { fake, server } = registerFakeKarsApi(f => {
  arrangeTenantA(f);
  // usePermission caches decisions per resource: a sandbox of its own for the denied user.
  f.addSandbox(tenantA({ name: 'tenant-denied' }));
});

describe('KarsSandboxContent', () => {
  beforeEach(() => alertApi.post.mockReset());

  it('shows isolation layers, budgets, channels, egress, conditions and events', async () => {
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(await screen.findByText('Isolation: enhanced')).toBeInTheDocument();
    expect(
      screen.getByText('runc with the kars-strict seccomp profile'),
    ).toBeInTheDocument();
    const layers = screen.getByRole('table', { name: 'Enforcement layers' });
    expect(within(layers).getAllByText('verified').length).toBeGreaterThan(0);
    expect(within(layers).getByText('declared')).toBeInTheDocument();
    expect(
      within(layers).getByText('NetworkPolicy kars-tenant-a/default-deny'),
    ).toBeInTheDocument();
    const budgets = within(
      screen.getByRole('region', { name: 'Token budgets' }),
    );
    expect(
      budgets.getByRole('progressbar', { name: 'Today (daily) budget used' }),
    ).toHaveAttribute('aria-valuenow', '30');
    expect(budgets.getByText('30%')).toBeInTheDocument();
    expect(
      budgets.getByText('30,000 of 100,000 tokens used'),
    ).toBeInTheDocument();
    expect(budgets.getByText('Headroom: 70,000 left')).toBeInTheDocument();
    expect(
      budgets.getByRole('progressbar', { name: 'This month budget used' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(budgets.getByText('capped at 8,000 tokens')).toBeInTheDocument();
    const usage = within(
      await screen.findByRole('region', { name: 'Token use, last 30 days' }),
    );
    expect(
      await usage.findByRole('img', {
        name: 'Daily token use: 4,650,000 tokens in the last 30 days; the busiest day used 300,000',
      }),
    ).toBeInTheDocument();
    expect(
      usage.getByText('300,000 tokens in the 24 hours to 2026-11-29 10:00:00Z')
        .parentElement,
    ).toHaveAttribute('height', '120');
    expect(fake.requestsOf('usage')[0].query.get('days')).toBe('30');
    const channels = screen.getByRole('table', { name: 'Channels' });
    expect(
      within(channels).getByText('credentials missing'),
    ).toBeInTheDocument();
    expect(within(channels).getByText('configured')).toBeInTheDocument();
    expect(within(channels).getAllByText('not enabled')).toHaveLength(2);
    expect(within(channels).getAllByText('unknown').length).toBeGreaterThan(0);
    const egress = screen.getByRole('table', { name: 'Egress allowlist' });
    expect(within(egress).getByText('api.github.com')).toBeInTheDocument();
    expect(within(egress).getByText('NetworkPolicy')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Conditions' })).toHaveTextContent(
      'MissingKeys',
    );
    const audit = within(
      await screen.findByRole('table', { name: 'Recent audit events' }),
    );
    expect(audit.getAllByRole('link', { name: 'jane' })[0]).toHaveAttribute(
      'href',
      '/catalog/default/user/jane',
    );
    expect(audit.queryByText('user:default/jane')).toBeNull();
    const since = within(
      screen.getByRole('table', { name: 'Conditions' }),
    ).getAllByTitle(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)[0];
    expect(since.tagName).toBe('TIME');
    expect(since.textContent).toMatch(/ ago$|^yesterday$|^last \w+$/);
    expect(
      screen.getByText('system:serviceaccount:kars-tenant-a:sandbox'),
    ).toBeInTheDocument();
    expect(await screen.findByText(/Embedded cluster/)).toBeInTheDocument();
  });

  it('works for the ai-agent component too, and hides the banner on a real cluster', async () => {
    fake.clusterInfo = realClusterFixture();
    await renderLegacy(<KarsSandboxContent />, {
      entity: sandboxEntity('Component', 'ai-agent'),
    });
    expect(await screen.findByText('Isolation: enhanced')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByText(/Embedded cluster/)).not.toBeInTheDocument(),
    );
  });

  it('shows a loading state', async () => {
    server.use(
      http.get('*/api/kars/sandboxes/:name', () => new Promise(() => {})),
    );
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows an error', async () => {
    fake.fail({ route: 'get', status: 500, message: 'boom' });
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(
      await screen.findByText(/Could not load sandbox tenant-a/),
    ).toBeInTheDocument();
  });

  it('shows not found as empty', async () => {
    fake.sandboxes.delete('tenant-a');
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(await screen.findByText('No sandbox tenant-a')).toBeInTheDocument();
  });

  it('shows permission denied when the backend refuses to read', async () => {
    fake.denied.add('kars.sandbox.read tenant-a');
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });

  it('asks for the annotation when it is missing', async () => {
    await renderLegacy(<KarsSandboxContent />, {
      entity: sandboxEntity('Resource', 'kars-sandbox', ''),
    });
    expect(
      screen.getAllByText(/kars.azure.com\/sandbox/).length,
    ).toBeGreaterThan(0);
  });

  it('shows a degraded sandbox with its crash-looping pod and Kubernetes events', async () => {
    fake.kubeEvents.set('tenant-a', [
      {
        type: 'Normal',
        reason: 'DriftRepaired',
        message:
          'NetworkPolicy kars-tenant-a/default-deny: spec.podSelector changed by kubectl-edit, restored',
        involvedObject: {
          kind: 'KarsSandbox',
          name: 'tenant-a',
          namespace: 'kars-system',
        },
        count: 1,
        lastTime: new Date(Date.now() - 120_000).toISOString(),
        source: 'kars-portal',
      },
      {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container agent',
        involvedObject: {
          kind: 'Pod',
          name: 'tenant-a-6d4f8b7c9-x2x4q',
          namespace: 'kars-tenant-a',
        },
        count: 3,
        lastTime: new Date(Date.now() - 60_000).toISOString(),
        source: 'kubelet',
      },
    ]);
    fake.health.set(
      'tenant-a',
      degradedHealthFixture(fake.sandboxes.get('tenant-a')!),
    );
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(await screen.findByText('Degraded')).toBeInTheDocument();
    const layers = screen.getByRole('table', { name: 'Enforcement layers' });
    expect(within(layers).getAllByText('missing').length).toBe(2);
    expect(
      within(layers).getByText('the default-deny NetworkPolicy is gone'),
    ).toBeInTheDocument();
    expect(screen.getByText('failed')).toBeInTheDocument();
    expect(screen.getByText('ForeignNetworkPolicy')).toBeInTheDocument();

    const pods = within(screen.getByRole('region', { name: 'Pods' }));
    expect(pods.getByText('Pod tenant-a-6d4f8b7c9-x2x4q')).toBeInTheDocument();
    expect(pods.getByText(/^sandbox-0 \(pool sandbox/)).toBeInTheDocument();
    const containers = within(
      pods.getByRole('table', {
        name: 'Containers of pod tenant-a-6d4f8b7c9-x2x4q',
      }),
    );
    const crashing = containers
      .getAllByRole('row')
      .filter(row =>
        row.textContent!.includes(
          'waiting: CrashLoopBackOff, 5 restarts, last: Error exit 1 at 2026-01-01 00:10:00Z',
        ),
      );
    expect(crashing.length).toBeGreaterThan(0);
    expect(within(crashing[0]).getByText('not ready')).toBeInTheDocument();
    expect(
      containers.getByText('running, 0 restarts').closest('tr'),
    ).toHaveTextContent('inference-router');

    const events = within(
      await screen.findByRole('table', { name: 'Kubernetes events' }),
    );
    const drift = events.getByText('DriftRepaired').closest('tr')!;
    expect(drift).toHaveTextContent('KarsSandbox kars-system/tenant-a');
    expect(drift).toHaveTextContent('changed by kubectl-edit');
    expect(within(drift).getByText('2 minutes ago')).toHaveAttribute(
      'title',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    );
    const backOff = events.getByText('BackOff');
    expect(backOff.tagName).toBe('STRONG');
    expect(backOff.closest('tr')).toHaveTextContent('Warning');
    expect(backOff.closest('tr')).toHaveTextContent('3');
  });

  it('says unknown when the budget source is down', async () => {
    fake.health.set(
      'tenant-a',
      unknownBudgetHealthFixture(fake.sandboxes.get('tenant-a')!),
    );
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(
      await screen.findByText(
        'Budget use unknown: source prometheus unavailable: connection refused',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('progressbar', { name: /budget/ })).toBeNull();
    expect(screen.getAllByText('unknown of 100,000 tokens')).toHaveLength(1);
    expect(screen.queryByText(/Headroom/)).toBeNull();
  });

  it('shows an error for health alone and keeps the rest', async () => {
    fake.fail({ route: 'health', status: 503, message: 'health down' });
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    expect(
      await screen.findByText(/Could not load the health of tenant-a/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Egress allowlist' }),
    ).toBeInTheDocument();
  });

  it('hides every action when not permitted', async () => {
    // usePermission caches decisions per resource: a name of its own.
    await renderLegacy(<KarsSandboxContent />, {
      entity: sandboxEntity('Resource', 'kars-sandbox', 'tenant-denied'),
      allow: false,
    });
    expect(
      await screen.findByText('You are not permitted to change this sandbox.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Change' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Suspend' })).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Rotate credentials' }),
    ).toBeNull();
  });

  it('suspends after confirmation and shows the result', async () => {
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Suspend' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Suspend tenant-a?');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Suspend' }),
    );
    expect(await screen.findByText('Suspend: done.')).toBeInTheDocument();
    expect(fake.writes().map(r => [r.method, r.body])).toEqual([
      ['PATCH', { suspended: true }],
    ]);
    expect(fake.sandboxes.get('tenant-a')!.spec.suspended).toBe(true);
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'success' }),
    );
  });

  it('deletes after confirmation and shows a failure', async () => {
    fake.fail({ route: 'delete', status: 409, message: 'already deleting' });
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('kars-tenant-a');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete' }),
    );
    expect(
      await screen.findByText(/Delete failed: already deleting/),
    ).toBeInTheDocument();
  });

  it('rotates credentials through password fields', async () => {
    await renderLegacy(<KarsSandboxContent />, { entity: sandboxEntity() });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Rotate credentials' }),
    );
    const dialog = await screen.findByRole('dialog');
    const slack = within(dialog).getByLabelText('SLACK_BOT_TOKEN');
    expect(slack).toHaveAttribute('type', 'password');
    expect(within(dialog).getByLabelText('TELEGRAM_BOT_TOKEN')).toHaveAttribute(
      'type',
      'password',
    );
    await userEvent.type(slack, 'xoxb-123-abc');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );
    expect(
      await screen.findByText('Rotate credentials: done.'),
    ).toBeInTheDocument();
    expect(fake.writes().map(r => r.body)).toEqual([
      {
        credentials: { SLACK_BOT_TOKEN: 'xoxb-123-abc' },
        mode: 'merge',
        restart: true,
      },
    ]);
    expect(fake.sandboxes.get('tenant-a')!.credentialKeys).toEqual([
      'SLACK_BOT_TOKEN',
      'TELEGRAM_BOT_TOKEN',
    ]);
  });
});
