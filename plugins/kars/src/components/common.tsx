import { ReactElement } from 'react';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import WarningIcon from '@material-ui/icons/Warning';
import HelpIcon from '@material-ui/icons/Help';
import InfoIcon from '@material-ui/icons/Info';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import {
  BudgetWindowUse,
  ChannelType,
  SandboxPhase,
} from '@kars-portal/plugin-kars-common';

/** How a state reads: a tone (icon and colour) and its text; never colour alone. */
export type Tone = 'ok' | 'info' | 'warning' | 'error' | 'unknown' | 'off';

const TONE_ICONS: Record<Tone, ReactElement> = {
  ok: <CheckCircleIcon />,
  info: <InfoIcon />,
  warning: <WarningIcon />,
  error: <ErrorIcon />,
  unknown: <HelpIcon />,
  off: <RemoveCircleOutlineIcon />,
};

const TONE_COLOURS: Record<Tone, string> = {
  ok: '#2e7d32',
  info: '#1565c0',
  warning: '#ef6c00',
  error: '#c62828',
  unknown: '#616161',
  off: '#757575',
};

/** A chip with an icon and a text label for a state. */
export function StateChip(props: { tone: Tone; label: string }) {
  const { tone, label } = props;
  return (
    <Chip
      size="small"
      variant="outlined"
      icon={TONE_ICONS[tone]}
      label={label}
      data-tone={tone}
      style={{ color: TONE_COLOURS[tone], borderColor: TONE_COLOURS[tone] }}
    />
  );
}

export function phaseTone(phase: SandboxPhase | undefined): Tone {
  switch (phase) {
    case 'Running':
      return 'ok';
    case 'Pending':
    case 'Creating':
      return 'info';
    case 'Degraded':
    case 'Terminating':
      return 'warning';
    case 'Failed':
      return 'error';
    default:
      return 'unknown';
  }
}

export function PhaseChip(props: {
  phase?: SandboxPhase;
  suspended?: boolean;
}) {
  if (props.suspended) return <StateChip tone="off" label="Suspended" />;
  return (
    <StateChip tone={phaseTone(props.phase)} label={props.phase ?? 'Unknown'} />
  );
}

export const CHANNEL_LABELS: Record<ChannelType, string> = {
  telegram: 'Telegram',
  slack: 'Slack',
  discord: 'Discord',
  whatsapp: 'WhatsApp',
};

export const WINDOW_LABELS: Record<BudgetWindowUse['window'], string> = {
  daily: 'daily',
  monthly: 'monthly',
  perRequest: 'per-request',
};

const numberFormat = new Intl.NumberFormat('en-US');

export function formatTokens(n: number): string {
  return numberFormat.format(n);
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** A used/limit gauge with an accessible label ("daily budget 30% used"). */
export function BudgetGauge(props: {
  label: string;
  fraction: number | null;
  limit: number;
  used?: number | null;
  unknownReason?: string;
}) {
  const { label, fraction, limit, used, unknownReason } = props;
  if (limit === 0) {
    return (
      <Box>
        <Typography variant="body2">
          {label}: unlimited
          {typeof used === 'number' ? ` (${formatTokens(used)} used)` : ''}
        </Typography>
      </Box>
    );
  }
  if (fraction === null || fraction === undefined) {
    return (
      <Box>
        <Typography variant="body2">
          {label}: unknown of {formatTokens(limit)}
          {unknownReason ? ` (${unknownReason})` : ''}
        </Typography>
      </Box>
    );
  }
  const pct = Math.min(100, Math.round(fraction * 100));
  return (
    <Box>
      <Typography variant="body2">
        {label}: {typeof used === 'number' ? formatTokens(used) : '?'} of{' '}
        {formatTokens(limit)} ({pct}%)
      </Typography>
      <LinearProgress
        variant="determinate"
        value={pct}
        color={pct >= 90 ? 'secondary' : 'primary'}
        aria-label={`${label} budget ${pct}% used`}
      />
    </Box>
  );
}
