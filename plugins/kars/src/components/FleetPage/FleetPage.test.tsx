import { render, screen, waitFor, within } from '@testing-library/react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import {
  embeddedClusterFixture,
  fleet,
  sandboxFixture,
  tenantA,
  unknownBudgetHealthFixture,
} from '@kars-portal/test-kit';
import { registerFakeKarsApi } from '../../__testUtils__/fakeApi';
import { karsClient, renderLegacy } from '../../__testUtils__/render';
import { KarsFleetContent, KarsFleetPage } from './FleetPage';
import { prefetchFleet } from './firstPage';

/** A fleet of 5,000 tenants, made once: the fake keeps each one's health between tests. */
const FLEET = fleet(5000);
const { fake, server } = registerFakeKarsApi(f => f.addSandboxes(FLEET));

/** Every query `GET /sandboxes` was asked, oldest first. */
const listQueries = () => fake.requestsOf('list').map(r => r.query);

describe('KarsFleetPage', () => {
  it('renders one server page of a 5,000-tenant fleet', async () => {
    await renderLegacy(<KarsFleetPage />);
    const table = await screen.findByRole('table', { name: 'Sandboxes' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByText('1–50 of 5000')).toBeInTheDocument();
    expect(listQueries()[0].get('limit')).toBe('50');
    expect(listQueries()[0].get('sort')).toBe('name');
    expect(within(table).getByText('tenant-0000')).toBeInTheDocument();
    expect(within(table).getAllByText('Slack').length).toBeGreaterThan(0);
    expect(within(table).getAllByText('today 30%, month 25%').length).toBe(50);
    expect(within(table).getAllByText('dev').length).toBe(50);
    expect(screen.getByText('kars sandboxes')).toBeInTheDocument();
  });

  it('shows the prefetched first page and clusters without asking again', async () => {
    prefetchFleet(karsClient);
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByText('tenant-0000')).toBeInTheDocument();
    expect(screen.getByText('1–50 of 5000')).toBeInTheDocument();
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Embedded cluster (dev)',
    );
    expect(fake.requestsOf('list')).toHaveLength(1);
    expect(fake.requestsOf('cluster')).toHaveLength(1);
  });

  it('asks for the clusters once, for its banner and its cluster filter', async () => {
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Embedded cluster (dev)',
    );
    await screen.findByText('tenant-0000');
    expect(fake.requestsOf('cluster')).toHaveLength(1);
  });

  it('asks once per search from a later page, from the first page and never with the old cursor', async () => {
    await renderLegacy(<KarsFleetContent />);
    await screen.findByText('tenant-0000');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('51–100 of 5000')).toBeInTheDocument();
    const before = listQueries().length;
    await userEvent.type(screen.getByLabelText('Search sandboxes'), '0042');
    expect(await screen.findByText('1–1 of 1')).toBeInTheDocument();
    const asked = listQueries().slice(before);
    expect(asked.map(a => [a.get('q'), a.get('cursor')])).toEqual([
      ['0042', null],
    ]);
    await userEvent.click(screen.getByText('Name'));
    await waitFor(() =>
      expect(listQueries().at(-1)!.get('order')).toBe('desc'),
    );
    expect(listQueries()).toHaveLength(before + 2);
  });

  it('pages with the server cursor, forward and back', async () => {
    await renderLegacy(<KarsFleetContent />);
    await screen.findByText('tenant-0000');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('tenant-0050')).toBeInTheDocument();
    expect(screen.getByText('51–100 of 5000')).toBeInTheDocument();
    expect(listQueries().at(-1)!.get('cursor')).toBe('50');
    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    expect(await screen.findByText('tenant-0000')).toBeInTheDocument();
  });

  it('sorts on the server', async () => {
    await renderLegacy(<KarsFleetContent />);
    await screen.findByText('tenant-0000');
    await userEvent.click(screen.getByText('Name'));
    expect(await screen.findByText('tenant-4999')).toBeInTheDocument();
    const last = listQueries().at(-1)!;
    expect(last.get('order')).toBe('desc');
    await userEvent.click(
      within(screen.getByRole('table', { name: 'Sandboxes' })).getByText(
        'Model',
      ),
    );
    await waitFor(() =>
      expect(listQueries().at(-1)!.get('sort')).toBe('model'),
    );
  });

  it('searches and filters on the server', async () => {
    await renderLegacy(<KarsFleetContent />);
    await screen.findByText('tenant-0000');
    await userEvent.type(screen.getByLabelText('Search sandboxes'), '0042');
    expect(await screen.findByText('1–1 of 1')).toBeInTheDocument();
    expect(listQueries().at(-1)!.get('q')).toBe('0042');

    await userEvent.type(screen.getByLabelText('Filter by model'), 'gpt-5');
    await waitFor(() =>
      expect(listQueries().at(-1)!.get('model')).toBe('gpt-5'),
    );
    await userEvent.click(screen.getByLabelText('Isolation'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'confidential' }),
    );
    await waitFor(() =>
      expect(listQueries().at(-1)!.get('isolation')).toBe('confidential'),
    );
    await userEvent.click(screen.getByLabelText('Phase'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Failed' }),
    );
    await waitFor(() =>
      expect(listQueries().at(-1)!.get('phase')).toBe('Failed'),
    );
    await userEvent.click(screen.getByLabelText('Channel trouble'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'With trouble' }),
    );
    await waitFor(() =>
      expect(listQueries().at(-1)!.get('trouble')).toBe('true'),
    );
  });

  it('links each sandbox and its owner to the catalog and shows when each was reconciled, the exact time on hover', async () => {
    fake.reset().addSandbox(tenantA());
    await renderLegacy(<KarsFleetContent />);
    const row = within((await screen.findByText('tenant-a')).closest('tr')!);
    expect(row.getByRole('link', { name: 'tenant-a' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/tenant-a',
    );
    expect(row.getByRole('link', { name: 'team-a' })).toHaveAttribute(
      'href',
      '/catalog/default/group/team-a',
    );
    expect(row.queryByText('group:default/team-a')).toBeNull();
    const reconciled = row.getByTitle('2026-11-29 10:00:00Z');
    expect(reconciled.tagName).toBe('TIME');
    expect(reconciled.textContent).toMatch(/ ago$|^yesterday$|^last \w+$/);
  });

  it("gives its rows and cells MUI's classes of a small table's body, with their styles loaded", async () => {
    await renderLegacy(<KarsFleetContent />);
    const row = (await screen.findByText('tenant-0000')).closest('tr')!;
    const mui = render(
      <Table size="small">
        <TableBody>
          <TableRow>
            <TableCell>x</TableCell>
          </TableRow>
        </TableBody>
      </Table>,
    );
    const muiRow = mui.container.querySelector('tr')!;
    expect(row.className).toBe(muiRow.className);
    const cells = Array.from(row.querySelectorAll(':scope > td'));
    expect(cells).toHaveLength(9);
    for (const cell of cells) {
      expect(cell.className).toBe(muiRow.querySelector('td')!.className);
    }
    const styled = Array.from(document.querySelectorAll('style'))
      .map(style => style.textContent ?? '')
      .join('\n');
    for (const name of row.className
      .split(' ')
      .concat(cells[0].className.split(' '))) {
      expect(styled).toContain(`.${name}`);
    }
  });

  it("shows each sandbox's cluster and filters by cluster on the server", async () => {
    fake.reset();
    const [dev] = embeddedClusterFixture('dev').clusters;
    fake.clusterInfo = {
      clusters: [
        dev,
        { ...dev, name: 'edge', embedded: false, default: false },
      ],
    };
    fake.addSandbox(tenantA());
    fake.addSandbox(sandboxFixture({ name: 'tenant-e', cluster: 'edge' }));
    await renderLegacy(<KarsFleetContent />);
    const table = await screen.findByRole('table', { name: 'Sandboxes' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    await userEvent.click(screen.getByLabelText('Cluster'));
    await userEvent.click(await screen.findByRole('option', { name: 'edge' }));
    await waitFor(() =>
      expect(within(table).queryByText('tenant-a')).toBeNull(),
    );
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(within(rows[1]).getByText('tenant-e')).toBeInTheDocument();
    expect(within(rows[1]).getByText('edge')).toBeInTheDocument();
    expect(listQueries().at(-1)!.get('cluster')).toBe('edge');
  });

  it('shows an empty fleet', async () => {
    fake.reset();
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByText('No sandboxes yet')).toBeInTheDocument();
  });

  it('shows an error', async () => {
    fake.fail({ route: 'list', status: 500, message: 'down' });
    await renderLegacy(<KarsFleetContent />);
    expect(
      await screen.findByText(/Could not load the sandboxes/),
    ).toBeInTheDocument();
  });

  it('shows permission denied', async () => {
    fake.denied.add('kars.sandbox.read');
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });

  it('shows loading', async () => {
    server.use(http.get('*/api/kars/sandboxes', () => new Promise(() => {})));
    await renderLegacy(<KarsFleetContent />);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows unknown budget use and suspended tenants', async () => {
    const suspended = sandboxFixture({
      name: 'tenant-0001',
      spec: { suspended: true },
      status: { conditions: [] },
    });
    fake.reset().addSandbox(suspended);
    fake.health.set('tenant-0001', unknownBudgetHealthFixture(suspended));
    await renderLegacy(<KarsFleetContent />);
    const row = within((await screen.findByText('tenant-0001')).closest('tr')!);
    expect(row.getByText('unknown')).toBeInTheDocument();
    expect(row.queryByText(/%/)).toBeNull();
    expect(screen.getByText('Suspended')).toBeInTheDocument();
  });
});
