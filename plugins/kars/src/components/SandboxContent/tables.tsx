import { ReactNode } from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { InfoCard } from '@backstage/core-components';
import {
  AuditEvent,
  CHANNEL_TYPES,
  ChannelReport,
  Condition,
  EgressEndpoint,
  LayerReport,
  LayerState,
  SandboxHealth,
} from '@kars-portal/plugin-kars-common';
import {
  BudgetGauge,
  CHANNEL_LABELS,
  PrincipalLink,
  RelativeTime,
  StateChip,
  Tone,
  formatTokens,
} from '../common';

/** A small table with a caption that names it for screen readers. */
export function SimpleTable(props: {
  label: string;
  columns: string[];
  rows: ReactNode[][];
  empty: string;
}) {
  const { label, columns, rows, empty } = props;
  if (rows.length === 0) {
    return <Typography variant="body2">{empty}</Typography>;
  }
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          {columns.map((c, i) => (
            <TableCell key={i} style={{ whiteSpace: 'nowrap' }}>
              {c}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((row, i) => (
          <TableRow key={i}>
            {row.map((cell, j) => (
              <TableCell key={j}>{cell}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export const LAYER_LABELS: Record<LayerReport['layer'], string> = {
  podSecurity: 'Pod security admission (namespace labels)',
  network: 'Network policy (default deny)',
  perContainerEgress: 'Per-container egress (egress guard)',
  rbac: 'RBAC and dedicated ServiceAccount',
  seccomp: 'Seccomp profile',
  kata: 'Kata VM isolation',
  resourceLimits: 'CPU and memory limits',
  tokenBudgets: 'Token budgets (inference router)',
  identity: 'Workload identity',
};

export function layerTone(state: LayerState, required: boolean): Tone {
  switch (state) {
    case 'verified':
      return 'ok';
    case 'declared':
      return 'info';
    case 'missing':
      return required ? 'error' : 'off';
    default:
      return 'unknown';
  }
}

export function LayersTable(props: { layers: LayerReport[] }) {
  return (
    <SimpleTable
      label="Enforcement layers"
      columns={['Layer', 'Required', 'State', 'Summary', 'Evidence']}
      empty="The backend reported no enforcement layers."
      rows={props.layers.map(l => [
        LAYER_LABELS[l.layer] ?? l.layer,
        l.required ? 'yes' : 'no',
        <StateChip tone={layerTone(l.state, l.required)} label={l.state} />,
        l.summary,
        l.evidence.length ? (
          <Box component="ul" m={0} pl={2}>
            {l.evidence.map(e => (
              <li key={e}>
                <Typography variant="caption">{e}</Typography>
              </li>
            ))}
          </Box>
        ) : (
          <Typography variant="caption">none</Typography>
        ),
      ])}
    />
  );
}

export function BudgetPanel(props: { budget: SandboxHealth['budget'] }) {
  const { budget } = props;
  const win = (w: 'daily' | 'monthly' | 'perRequest') =>
    budget.windows.find(x => x.window === w);
  const unknown = budget.state === 'unknown';
  const reason = unknown
    ? `source ${budget.source} unavailable${
        budget.message ? `: ${budget.message}` : ''
      }`
    : undefined;
  const perRequest = win('perRequest');
  const gauge = (w: 'daily' | 'monthly', label: string) => {
    const u = win(w);
    if (!u)
      return <Typography variant="body2">{label}: not reported</Typography>;
    return (
      <BudgetGauge
        label={label}
        limit={u.limit}
        used={unknown ? null : u.used}
        fraction={unknown ? null : u.fraction}
      />
    );
  };
  return (
    <Box>
      {unknown && (
        <Box mb={1}>
          <StateChip tone="unknown" label={`Budget use unknown: ${reason}`} />
        </Box>
      )}
      <Grid container spacing={2}>
        <Grid item xs={12} md={4}>
          {gauge('daily', 'Today (daily)')}
        </Grid>
        <Grid item xs={12} md={4}>
          {gauge('monthly', 'This month')}
        </Grid>
        <Grid item xs={12} md={4}>
          <Typography variant="subtitle2">Per request</Typography>
          <Typography variant="body2">
            {!perRequest || perRequest.limit === 0
              ? 'no cap'
              : `capped at ${formatTokens(perRequest.limit)} tokens`}
          </Typography>
        </Grid>
      </Grid>
      <Typography variant="caption" color="textSecondary">
        Source: {budget.source}
      </Typography>
    </Box>
  );
}

const CHANNEL_STATE: Record<ChannelReport['state'], [Tone, string]> = {
  'not-enabled': ['off', 'not enabled'],
  'credentials-missing': ['warning', 'credentials missing'],
  configured: ['ok', 'configured'],
};
const WORKLOAD_TONE: Record<ChannelReport['workload'], Tone> = {
  ready: 'ok',
  'not-ready': 'warning',
  suspended: 'off',
  unknown: 'unknown',
};
const CONNECTION_TONE: Record<ChannelReport['connection'], Tone> = {
  connected: 'ok',
  connecting: 'warning',
  failing: 'error',
  unknown: 'unknown',
};

export function ChannelsTable(props: { channels: ChannelReport[] }) {
  const rows = CHANNEL_TYPES.map(type => {
    const report: ChannelReport = props.channels.find(
      c => c.channel === type,
    ) ?? {
      channel: type,
      state: 'not-enabled',
      workload: 'unknown',
      connection: 'unknown',
    };
    const [tone, label] = CHANNEL_STATE[report.state];
    const enabled = report.state !== 'not-enabled';
    return [
      CHANNEL_LABELS[type],
      <StateChip tone={tone} label={label} />,
      enabled ? (
        <StateChip
          tone={WORKLOAD_TONE[report.workload]}
          label={report.workload}
        />
      ) : (
        '—'
      ),
      enabled ? (
        <StateChip
          tone={CONNECTION_TONE[report.connection]}
          label={report.connection}
        />
      ) : (
        '—'
      ),
    ];
  });
  return (
    <SimpleTable
      label="Channels"
      columns={['Channel', 'Setup', 'Workload', 'Live connection']}
      rows={rows}
      empty=""
    />
  );
}

export function EgressTable(props: { endpoints: EgressEndpoint[] }) {
  return (
    <SimpleTable
      label="Egress allowlist"
      columns={['Host', 'Port', 'Enforced by']}
      empty="No egress allowlist entries: the agent reaches only DNS and the inference router."
      rows={props.endpoints.map(e => [
        e.host,
        String(e.port),
        /^[0-9.]+(\/\d+)?$/.test(e.host)
          ? 'NetworkPolicy'
          : "Router's egress proxy",
      ])}
    />
  );
}

function conditionTone(c: Condition): Tone {
  if (c.status === 'Unknown') return 'unknown';
  // Degraded is the one condition whose True is bad news.
  const good =
    c.status === 'True' ? c.type !== 'Degraded' : c.type === 'Degraded';
  return good ? 'ok' : 'warning';
}

export function ConditionsTable(props: { conditions: Condition[] }) {
  return (
    <SimpleTable
      label="Conditions"
      columns={['Type', 'Status', 'Reason', 'Message', 'Since']}
      empty="No conditions reported yet."
      rows={props.conditions.map(c => [
        c.type,
        <StateChip tone={conditionTone(c)} label={c.status} />,
        c.reason,
        c.message,
        <RelativeTime iso={c.lastTransitionTime} />,
      ])}
    />
  );
}

export const OUTCOME_TONE: Record<AuditEvent['outcome'], Tone> = {
  succeeded: 'ok',
  failed: 'error',
  denied: 'warning',
};

export function EventsTable(props: { events: AuditEvent[] }) {
  return (
    <SimpleTable
      label="Recent audit events"
      columns={['When', 'Who', 'Action', 'Outcome', 'Message']}
      empty="No audit events yet."
      rows={props.events.map(e => [
        <RelativeTime iso={e.at} />,
        <PrincipalLink entityRef={e.actor} />,
        e.action,
        <StateChip tone={OUTCOME_TONE[e.outcome]} label={e.outcome} />,
        e.message,
      ])}
    />
  );
}

export function Section(props: {
  title: string;
  children: ReactNode;
  subheader?: string;
}) {
  return (
    <section aria-label={props.title}>
      <InfoCard title={props.title} subheader={props.subheader}>
        {props.children}
      </InfoCard>
    </section>
  );
}
