import { ReactNode, Suspense, lazy, memo, useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import {
  EmptyState,
  Header,
  Link,
  Page,
  Progress,
  TabbedLayout,
} from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ISOLATION_LEVELS,
  karsAuditReadPermission,
  ListSandboxesQuery,
  SANDBOX_PHASES,
  SANDBOX_SORT_KEYS,
  SandboxSummary,
  sandboxEntityRefs,
} from '@kars-portal/plugin-kars-common';
import { ClusterBannerView } from '../ClusterBanner';
import { KarsErrorState } from '../ErrorStates';
import { CursorPager, DebouncedTextField, FilterSelect } from '../filters';
import { useKars } from '../useKars';
import { FLEET_PAGE_SIZE, takeClusters, takeFirstPage } from './firstPage';
import {
  CHANNEL_LABELS,
  PhaseChip,
  PrincipalLink,
  RelativeTime,
  StateChip,
  formatPercent,
} from '../common';

type SortKey = (typeof SANDBOX_SORT_KEYS)[number];

/** The Audit tab, loaded when it is opened: the fleet's chunk does not carry it. */
const KarsAuditContent = lazy(() =>
  import('../AuditPage/AuditPage').then(m => ({
    default: m.KarsAuditContent,
  })),
);

/** The fixed choices of the filters, made once so the filters render again only when theirs change. */
const ISOLATION_OPTIONS = ISOLATION_LEVELS.map(l => [l, l] as [string, string]);
const PHASE_OPTIONS = SANDBOX_PHASES.map(p => [p, p] as [string, string]);
const TROUBLE_OPTIONS: Array<[string, string]> = [
  ['true', 'With trouble'],
  ['false', 'Without trouble'],
];

/** The cursors of the first page only. */
const FIRST_PAGE: Array<string | undefined> = [undefined];

const COLUMNS: Array<{ label: string; sort?: SortKey }> = [
  { label: 'Name', sort: 'name' },
  { label: 'Owner', sort: 'owner' },
  { label: 'Cluster' },
  { label: 'Phase', sort: 'phase' },
  { label: 'Isolation', sort: 'isolation' },
  { label: 'Model', sort: 'model' },
  { label: 'Budget use', sort: 'budget' },
  { label: 'Channel trouble' },
  { label: 'Last reconcile', sort: 'lastReconciled' },
];

/** Budget use in words, each window named: "today 30%, month 25%"; unknown said once when both are. */
export function budgetCell(budget: SandboxSummary['budget']): string {
  const { dailyFraction: day, monthlyFraction: month } = budget;
  if (day === null && month === null) return 'unknown';
  const f = (x: number | null) => (x === null ? 'unknown' : formatPercent(x));
  return `today ${f(day)}, month ${f(month)}`;
}

/**
 * A body row's and a body cell's class names: the global ones MUI gives `TableRow` and a
 * `TableCell` of a small table's body. Backstage's theme keeps MUI's global class names, and the
 * header's `TableCell`s load their styles. Plain `tr`s and `td`s carry them because 450 MUI cells
 * (with their style hooks and contexts) were 40 % of rendering a page of rows (bench/fleet-page).
 */
const FLEET_ROW_CLASS = 'MuiTableRow-root';
const FLEET_CELL_CLASS =
  'MuiTableCell-root MuiTableCell-body MuiTableCell-sizeSmall';
const NOWRAP = { whiteSpace: 'nowrap' } as const;

/**
 * One sandbox's row; rendered again only when the sandbox's summary changes. Its links take the
 * catalog's entity route resolved once for the page: resolving it per link walks the app's whole
 * route table, twice per row.
 */
const FleetRow = memo(function FleetRowView(props: {
  s: SandboxSummary;
  entityLink: (entityRef: string) => string;
}) {
  const { s, entityLink } = props;
  return (
    <tr className={FLEET_ROW_CLASS}>
      <td className={FLEET_CELL_CLASS}>
        <Link to={entityLink(sandboxEntityRefs(s.name).resource)}>
          {s.name}
        </Link>
      </td>
      <td className={FLEET_CELL_CLASS}>
        <PrincipalLink entityRef={s.owner} entityLink={entityLink} />
      </td>
      <td className={FLEET_CELL_CLASS} style={NOWRAP}>
        {s.cluster}
      </td>
      <td className={FLEET_CELL_CLASS}>
        <PhaseChip phase={s.phase} suspended={s.suspended} />
        {s.deleting && <StateChip tone="warning" label="Deleting" />}
      </td>
      <td className={FLEET_CELL_CLASS}>{s.isolation}</td>
      <td className={FLEET_CELL_CLASS}>{s.model}</td>
      <td className={FLEET_CELL_CLASS} style={NOWRAP}>
        {budgetCell(s.budget)}
      </td>
      <td className={FLEET_CELL_CLASS}>
        {s.channelTrouble.length === 0
          ? 'none'
          : s.channelTrouble.map(c => (
              <StateChip key={c} tone="warning" label={CHANNEL_LABELS[c]} />
            ))}
      </td>
      <td className={FLEET_CELL_CLASS} style={NOWRAP}>
        <RelativeTime iso={s.lastReconciledAt} />
      </td>
    </tr>
  );
});

/**
 * The fleet: every tenant, sorted, filtered and searched on the server, one page at a time
 * (`limit`/`cursor`), so it stays fast with thousands of sandboxes.
 * @public
 */
export function KarsFleetContent(props: { pageSize?: number }) {
  const pageSize = props.pageSize ?? FLEET_PAGE_SIZE;
  const [q, setQ] = useState('');
  const [model, setModel] = useState('');
  const [isolation, setIsolation] = useState('');
  const [cluster, setCluster] = useState('');
  const [phase, setPhase] = useState('');
  const [trouble, setTrouble] = useState('');
  const [sort, setSort] = useState<SortKey>('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  // The cursors belong to the sort and filters they were read with: any change starts from the
  // first page in the same render, so no request goes out with a cursor of the previous list.
  const filterKey = JSON.stringify([
    q,
    model,
    cluster,
    isolation,
    phase,
    trouble,
    sort,
    order,
  ]);
  const [paging, setPaging] = useState({ filterKey, cursors: FIRST_PAGE });
  const cursors = paging.filterKey === filterKey ? paging.cursors : FIRST_PAGE;
  const cursor = cursors[cursors.length - 1];
  const setCursors = (
    update: (cursors: Array<string | undefined>) => Array<string | undefined>,
  ) =>
    setPaging(p => ({
      filterKey,
      cursors: update(p.filterKey === filterKey ? p.cursors : FIRST_PAGE),
    }));

  const query: ListSandboxesQuery = {
    limit: pageSize,
    sort,
    order,
    ...(cursor ? { cursor } : {}),
    ...(q ? { q } : {}),
    ...(model ? { model } : {}),
    ...(cluster ? { cluster } : {}),
    ...(isolation
      ? { isolation: isolation as ListSandboxesQuery['isolation'] }
      : {}),
    ...(phase ? { phase: phase as ListSandboxesQuery['phase'] } : {}),
    ...(trouble ? { trouble: trouble as 'true' | 'false' } : {}),
  };
  const key = JSON.stringify(query);
  // While a new page loads, the previous one stays (useAsync keeps its value).
  const page = useKars(
    api => takeFirstPage(api, query) ?? api.listSandboxes(query),
    [key],
  );
  const filtered = Boolean(
    q || model || cluster || isolation || phase || trouble,
  );
  const clusters = useKars(api => takeClusters(api) ?? api.getCluster(), []);
  const clusterOptions = useMemo(
    () =>
      (clusters.value?.clusters ?? []).map(
        c => [c.name, c.name] as [string, string],
      ),
    [clusters.value],
  );

  const onSort = (k: SortKey) => {
    if (k === sort) setOrder(o => (o === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(k);
      setOrder('asc');
    }
  };

  const first = (cursors.length - 1) * pageSize;
  const items = page.value?.items;
  const entityLink = useEntityRefLink();
  const rows = useMemo(
    () =>
      items?.map(s => (
        <FleetRow
          key={`${s.cluster}/${s.name}`}
          s={s}
          entityLink={entityLink}
        />
      )),
    [items, entityLink],
  );
  let body: ReactNode;
  if (page.error) {
    body = <KarsErrorState error={page.error} what="the sandboxes" />;
  } else if (page.loading && !page.value) {
    body = <Progress />;
  } else if (!items || items.length === 0) {
    body = (
      <EmptyState
        missing={filtered ? 'data' : 'content'}
        title={filtered ? 'No sandbox matches' : 'No sandboxes yet'}
        description={
          filtered
            ? 'Change the search or the filters.'
            : 'Create one from the "New agent sandbox" template.'
        }
      />
    );
  } else {
    body = (
      <Paper>
        {page.loading && <LinearProgress aria-label="Loading sandboxes" />}
        <Table size="small" aria-label="Sandboxes">
          <TableHead>
            <TableRow>
              {COLUMNS.map(c => (
                <TableCell
                  key={c.label}
                  sortDirection={c.sort === sort ? order : false}
                  style={NOWRAP}
                >
                  {c.sort ? (
                    <TableSortLabel
                      active={c.sort === sort}
                      direction={c.sort === sort ? order : 'asc'}
                      onClick={() => onSort(c.sort!)}
                    >
                      {c.label}
                    </TableSortLabel>
                  ) : (
                    c.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>{rows}</TableBody>
        </Table>
        <CursorPager
          first={first}
          shown={items.length}
          totalCount={page.value?.totalCount ?? 0}
          cursors={cursors}
          nextCursor={page.value?.nextCursor}
          onChange={setCursors}
        />
      </Paper>
    );
  }
  return (
    <Box>
      <ClusterBannerView clusters={clusters.value?.clusters} />
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 16 }}
        mb={2}
      >
        <DebouncedTextField
          id="kars-fleet-search"
          label="Search"
          placeholder="name, owner or model"
          ariaLabel="Search sandboxes"
          ms={300}
          onChange={setQ}
        />
        <DebouncedTextField
          id="kars-fleet-model"
          label="Model"
          ariaLabel="Filter by model"
          ms={300}
          onChange={setModel}
        />
        <FilterSelect
          id="kars-fleet-cluster"
          label="Cluster"
          value={cluster}
          options={clusterOptions}
          onChange={setCluster}
        />
        <FilterSelect
          id="kars-fleet-isolation"
          label="Isolation"
          value={isolation}
          options={ISOLATION_OPTIONS}
          onChange={setIsolation}
        />
        <FilterSelect
          id="kars-fleet-phase"
          label="Phase"
          value={phase}
          options={PHASE_OPTIONS}
          onChange={setPhase}
        />
        <FilterSelect
          id="kars-fleet-trouble"
          label="Channel trouble"
          value={trouble}
          options={TROUBLE_OPTIONS}
          onChange={setTrouble}
        />
      </Box>
      {body}
    </Box>
  );
}

/**
 * The fleet's tabs: Sandboxes, and Audit (at `audit`, the fleet-wide audit trail) for those who may
 * read it (`kars.audit.read`); anyone else finds only the sandboxes there.
 * @public
 */
export function KarsFleetTabs() {
  const audit = usePermission({ permission: karsAuditReadPermission });
  return (
    <TabbedLayout>
      <TabbedLayout.Route path="/" title="Sandboxes">
        <KarsFleetContent />
      </TabbedLayout.Route>
      {audit.allowed && (
        <TabbedLayout.Route path="/audit" title="Audit">
          <Suspense fallback={<Progress />}>
            <KarsAuditContent />
          </Suspense>
        </TabbedLayout.Route>
      )}
    </TabbedLayout>
  );
}

/** The fleet page with its own header, for legacy apps. @public */
export function KarsFleetPage() {
  return (
    <Page themeId="tool">
      <Header
        title="kars sandboxes"
        subtitle="Every tenant sandbox of the fleet"
      />
      <KarsFleetTabs />
    </Page>
  );
}
