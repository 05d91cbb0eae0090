import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { auditQueries, renderFleetTabs } from '../../__testUtils__/audit';
import { registerFakeKarsApi } from '../../__testUtils__/fakeApi';
import { renderLegacy } from '../../__testUtils__/render';
import { actorEntityRef } from '../common';
import { auditQuery, KarsAuditContent } from './AuditPage';

const { fake } = registerFakeKarsApi();

/** The last query `GET /audit` was asked. */
const last = () => {
  const queries = auditQueries(fake);
  return Object.fromEntries(queries[queries.length - 1]);
};

describe('the fleet-wide audit page', () => {
  it('is a tab of an admin, at /kars/audit', async () => {
    await renderFleetTabs('/kars/audit', AuthorizeResult.ALLOW);
    await waitFor(() =>
      expect(screen.getByRole('tab', { name: 'Audit' })).toHaveAttribute(
        'aria-selected',
        'true',
      ),
    );
    expect(await screen.findByText('Audit trail')).toBeInTheDocument();
    expect(screen.getByText('1–50 of 120')).toBeInTheDocument();
    expect(screen.queryByText('tenant-0000')).toBeNull();
  });

  it('lists time, sandbox, actor (linked to the catalog when an entity), action, outcome and message', async () => {
    await renderLegacy(<KarsAuditContent />);
    expect(await screen.findByText('1–50 of 120')).toBeInTheDocument();
    expect(last()).toEqual({ limit: '50' });
    const rows = screen.getAllByRole('row');
    // newest first: event 120 (tenant-a, service:acceptance, create, denied)
    const newest = within(rows[1]);
    const time = newest.getByTitle('2026-11-28 09:02:00Z');
    expect(time.tagName).toBe('TIME');
    expect(time.textContent).toMatch(/ ago$|^yesterday$|^last \w+$/);
    expect(newest.getByText('tenant-a')).toBeInTheDocument();
    expect(newest.getByText('service:acceptance')).toBeInTheDocument();
    expect(newest.queryByRole('link')).toBeNull();
    expect(newest.getByText('create')).toBeInTheDocument();
    expect(newest.getByText('denied')).toBeInTheDocument();
    expect(newest.getByText('not permitted')).toBeInTheDocument();
    const next = within(rows[2]);
    expect(next.getByRole('link', { name: 'jane' })).toHaveAttribute(
      'href',
      '/catalog/default/user/jane',
    );
    expect(next.getByText('tenant-d')).toBeInTheDocument();
    expect(next.getByText('credentials.update')).toBeInTheDocument();
    expect(next.getByText('event 119')).toBeInTheDocument();
  });

  it('pages with the server cursor, forward and back', async () => {
    await renderLegacy(<KarsAuditContent />);
    await screen.findByText('1–50 of 120');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('51–100 of 120')).toBeInTheDocument();
    expect(last()).toEqual({ limit: '50', cursor: '71' });
    expect(screen.getByText('event 69')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('101–120 of 120')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    expect(await screen.findByText('51–100 of 120')).toBeInTheDocument();
  });

  it('filters on the server, back to the first page', async () => {
    await renderLegacy(<KarsAuditContent />);
    await screen.findByText('1–50 of 120');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('51–100 of 120');

    await userEvent.type(
      screen.getByLabelText('Filter by sandbox'),
      'tenant-d',
    );
    await waitFor(() =>
      expect(last()).toEqual({ limit: '50', sandbox: 'tenant-d' }),
    );
    expect(await screen.findByText('1–40 of 40')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Action'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'delete' }),
    );
    await waitFor(() => expect(last().action).toBe('delete'));
    await userEvent.click(screen.getByLabelText('Outcome'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'succeeded' }),
    );
    await waitFor(() => expect(last().outcome).toBe('succeeded'));
    await userEvent.type(
      screen.getByLabelText('Filter by actor'),
      'user:default/jane',
    );
    await userEvent.type(
      screen.getByLabelText('Since (UTC)'),
      '2026-11-28T09:01',
    );
    await waitFor(() =>
      expect(last()).toEqual({
        limit: '50',
        sandbox: 'tenant-d',
        actor: 'user:default/jane',
        action: 'delete',
        outcome: 'succeeded',
        since: '2026-11-28T09:01:00Z',
      }),
    );
    expect(await screen.findByText(/of \d+$/)).toBeInTheDocument();
  });

  it('says when nothing matches', async () => {
    await renderLegacy(<KarsAuditContent />);
    await screen.findByText('1–50 of 120');
    await userEvent.type(screen.getByLabelText('Filter by sandbox'), 'nobody');
    expect(await screen.findByText('No audit events')).toBeInTheDocument();
    expect(
      screen.getByText('No event matches the filters.'),
    ).toBeInTheDocument();
  });

  it('shows a refusal of the backend as permission denied, and other errors as errors', async () => {
    fake.denied.add('kars.audit.read');
    await renderLegacy(<KarsAuditContent />);
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    fake.denied.clear();
    fake.fail({ route: 'audit', status: 500, message: 'down' });
    await renderLegacy(<KarsAuditContent />);
    expect(
      await screen.findByText(/Could not load the audit trail/),
    ).toBeInTheDocument();
  });
});

describe('auditQuery', () => {
  const none = { sandbox: '', actor: '', action: '', outcome: '', since: '' };

  it('leaves out empty filters and reads the since time as UTC', () => {
    expect(auditQuery(none, 50)).toEqual({ limit: 50 });
    expect(
      auditQuery(
        {
          sandbox: ' tenant-d ',
          actor: 'user:default/ops',
          action: 'delete',
          outcome: 'succeeded',
          since: '2026-11-28T09:01',
        },
        20,
        '41',
      ),
    ).toEqual({
      limit: 20,
      cursor: '41',
      sandbox: 'tenant-d',
      actor: 'user:default/ops',
      action: 'delete',
      outcome: 'succeeded',
      since: '2026-11-28T09:01:00Z',
    });
    expect(auditQuery({ ...none, since: '2026-11-28T09:01:30' }, 1).since).toBe(
      '2026-11-28T09:01:30Z',
    );
  });
});

describe('actorEntityRef', () => {
  it('links users and groups, not services or anything unparsable', () => {
    expect(actorEntityRef('user:default/jane')).toBe('user:default/jane');
    expect(actorEntityRef('group:default/platform')).toBe(
      'group:default/platform',
    );
    expect(actorEntityRef('service:acceptance')).toBeUndefined();
    expect(actorEntityRef('')).toBeUndefined();
  });
});
