import { ReactNode, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import {
  EmptyState,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  AuditEvent,
  ListAuditQuery,
} from '@kars-portal/plugin-kars-common';
import { KarsErrorState } from '../ErrorStates';
import { CursorPager, FilterSelect, useDebounced } from '../filters';
import { OUTCOME_TONE } from '../SandboxContent/tables';
import { PrincipalLink, RelativeTime, StateChip } from '../common';
import { useKars } from '../useKars';

/** What the audit page's filters hold, as typed. */
export interface AuditFilters {
  sandbox: string;
  actor: string;
  action: string;
  outcome: string;
  /** A `datetime-local` value (`YYYY-MM-DDTHH:MM[:SS]`), read as UTC like the exact times on hover. */
  since: string;
}

/** The `GET /audit` query for the filters and a page: empty filters are left out. */
export function auditQuery(
  filters: AuditFilters,
  limit: number,
  cursor?: string,
): ListAuditQuery {
  const since = filters.since.trim();
  return {
    limit,
    ...(cursor ? { cursor } : {}),
    ...(filters.sandbox.trim() ? { sandbox: filters.sandbox.trim() } : {}),
    ...(filters.actor.trim() ? { actor: filters.actor.trim() } : {}),
    ...(filters.action
      ? { action: filters.action as ListAuditQuery['action'] }
      : {}),
    ...(filters.outcome
      ? { outcome: filters.outcome as ListAuditQuery['outcome'] }
      : {}),
    ...(since
      ? { since: `${since.length === 16 ? `${since}:00` : since}Z` }
      : {}),
  };
}

const COLUMNS: TableColumn<AuditEvent>[] = [
  { title: 'Time', field: 'at', render: e => <RelativeTime iso={e.at} /> },
  { title: 'Sandbox', field: 'sandbox' },
  {
    title: 'Actor',
    field: 'actor',
    render: e => <PrincipalLink entityRef={e.actor} />,
  },
  { title: 'Action', field: 'action' },
  {
    title: 'Outcome',
    field: 'outcome',
    render: e => <StateChip tone={OUTCOME_TONE[e.outcome]} label={e.outcome} />,
  },
  { title: 'Message', field: 'message' },
];

const NO_FILTERS: AuditFilters = {
  sandbox: '',
  actor: '',
  action: '',
  outcome: '',
  since: '',
};

/**
 * The fleet-wide audit trail, newest first, deleted sandboxes included: who did what to which
 * sandbox, when, with the outcome. Filtered and paged on the server (`limit`/`cursor`); needs
 * `kars.audit.read`.
 * @public
 */
export function KarsAuditContent(props: { pageSize?: number }) {
  const pageSize = props.pageSize ?? 50;
  const [input, setInput] = useState<AuditFilters>(NO_FILTERS);
  const filters = useDebounced(input, 300);
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];
  const filterKey = JSON.stringify(filters);
  useEffect(() => {
    setCursors([undefined]);
  }, [filterKey]);

  const query = auditQuery(filters, pageSize, cursor);
  const page = useKars(api => api.listAudit(query), [JSON.stringify(query)]);
  const set = (key: keyof AuditFilters) => (value: string) =>
    setInput(f => ({ ...f, [key]: value }));

  const first = (cursors.length - 1) * pageSize;
  const items = page.value?.items ?? [];
  let body: ReactNode;
  if (page.error) {
    body = <KarsErrorState error={page.error} what="the audit trail" />;
  } else if (page.loading && !page.value) {
    body = <Progress />;
  } else if (items.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No audit events"
        description={
          filterKey === JSON.stringify(NO_FILTERS)
            ? 'Nothing has been done to a sandbox yet.'
            : 'No event matches the filters.'
        }
      />
    );
  } else {
    body = (
      <>
        <Table<AuditEvent>
          title="Audit trail"
          columns={COLUMNS}
          data={items}
          isLoading={page.loading}
          options={{
            paging: false,
            search: false,
            sorting: false,
            padding: 'dense',
          }}
        />
        <CursorPager
          first={first}
          shown={items.length}
          totalCount={page.value?.totalCount ?? 0}
          cursors={cursors}
          nextCursor={page.value?.nextCursor}
          onChange={setCursors}
        />
      </>
    );
  }
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 12 }} mb={2}>
        <TextField
          id="kars-audit-sandbox"
          label="Sandbox"
          variant="outlined"
          size="small"
          value={input.sandbox}
          onChange={e => set('sandbox')(e.target.value)}
          inputProps={{ 'aria-label': 'Filter by sandbox' }}
        />
        <TextField
          id="kars-audit-actor"
          label="Actor"
          placeholder="user:default/jane"
          variant="outlined"
          size="small"
          value={input.actor}
          onChange={e => set('actor')(e.target.value)}
          inputProps={{ 'aria-label': 'Filter by actor' }}
        />
        <FilterSelect
          id="kars-audit-action"
          label="Action"
          value={input.action}
          options={AUDIT_ACTIONS.map(a => [a, a] as [string, string])}
          onChange={set('action')}
        />
        <FilterSelect
          id="kars-audit-outcome"
          label="Outcome"
          value={input.outcome}
          options={AUDIT_OUTCOMES.map(o => [o, o] as [string, string])}
          onChange={set('outcome')}
        />
        <TextField
          id="kars-audit-since"
          label="Since (UTC)"
          type="datetime-local"
          variant="outlined"
          size="small"
          InputLabelProps={{ shrink: true }}
          value={input.since}
          onChange={e => set('since')(e.target.value)}
          inputProps={{ 'aria-label': 'Since (UTC)' }}
        />
      </Box>
      {body}
    </Box>
  );
}
