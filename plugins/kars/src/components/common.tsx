import { ReactElement } from 'react';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import { Gauge, Link } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
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

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago", "in 2 hours", "yesterday": the time from `now`, in its largest whole unit. */
export function formatRelative(iso: string, now: Date): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = (at - now.getTime()) / 1000;
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) {
      return relativeFormat.format(Math.trunc(seconds / size), unit);
    }
  }
  return Math.abs(seconds) < 10
    ? 'just now'
    : relativeFormat.format(Math.trunc(seconds), 'second');
}

/** A time as people read it ("3 minutes ago"), the exact UTC time on hover; `never` without one. */
export function RelativeTime(props: { iso?: string }) {
  const { iso } = props;
  if (!iso) return <>never</>;
  return (
    <time dateTime={iso} title={formatTime(iso)}>
      {formatRelative(iso, new Date())}
    </time>
  );
}

/** The catalog entity a principal is, when it is one (users and groups); services are not. */
export function actorEntityRef(actor: string): string | undefined {
  try {
    const ref = parseEntityRef(actor);
    return ['user', 'group'].includes(ref.kind.toLowerCase())
      ? actor
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An owner or actor as a link to its catalog entity when it is one, as text otherwise. The link
 * shows the entity's title from the catalog. A table of many rows passes `entityLink`, the catalog's
 * entity route resolved once for the table (`useEntityRefLink`): the link then shows the ref
 * ("team-a") without a catalog lookup, an icon, a tooltip or a route resolution per row.
 */
export function PrincipalLink(props: {
  entityRef?: string;
  entityLink?: (entityRef: string) => string;
}) {
  const { entityRef, entityLink } = props;
  if (!entityRef) return <>—</>;
  const ref = actorEntityRef(entityRef);
  if (!ref) return <>{entityRef}</>;
  if (!entityLink) return <EntityRefLink entityRef={ref} />;
  const parsed = parseEntityRef(ref);
  return (
    <Link to={entityLink(ref)}>
      {humanizeEntityRef(parsed, { defaultKind: parsed.kind })}
    </Link>
  );
}

/** How much of a budget window is used: a fraction, or null (unknown), or a limit of 0 (none). */
export interface BudgetGaugeProps {
  label: string;
  fraction: number | null;
  limit: number;
  used?: number | null;
  unknownReason?: string;
}

/** The text under a budget gauge: use of the limit and the headroom left, or why it is unknown. */
export function budgetText(props: BudgetGaugeProps): {
  use: string;
  headroom?: string;
} {
  const { fraction, limit, used, unknownReason } = props;
  if (limit === 0) {
    return {
      use:
        typeof used === 'number'
          ? `${formatTokens(used)} tokens used, no limit`
          : 'no limit',
    };
  }
  if (fraction === null || typeof used !== 'number') {
    return {
      use: `unknown of ${formatTokens(limit)} tokens${
        unknownReason ? ` (${unknownReason})` : ''
      }`,
    };
  }
  const left = Math.max(0, limit - used);
  return {
    use: `${formatTokens(used)} of ${formatTokens(limit)} tokens used`,
    headroom:
      left === 0 ? 'exhausted: no headroom' : `${formatTokens(left)} left`,
  };
}

/**
 * A budget window as Backstage's gauge (the share used; red as it fills) with the use and the
 * headroom in words; "unknown" and "no limit" are said as such, without a gauge.
 */
export function BudgetGauge(props: BudgetGaugeProps) {
  const { label, fraction, limit } = props;
  const { use, headroom } = budgetText(props);
  const known = limit > 0 && fraction !== null && fraction !== undefined;
  const pct = known ? Math.min(100, Math.round(fraction * 100)) : undefined;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 12 }}>
      {pct !== undefined ? (
        <Box
          width={72}
          flexShrink={0}
          role="progressbar"
          aria-label={`${label} budget used`}
          aria-valuenow={pct}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuetext={`${pct}% used`}
        >
          <Gauge value={Math.min(1, fraction!)} size="small" inverse />
        </Box>
      ) : (
        <StateChip
          tone={limit === 0 ? 'off' : 'unknown'}
          label={limit === 0 ? 'no limit' : 'unknown'}
        />
      )}
      <Box>
        <Typography variant="subtitle2">{label}</Typography>
        <Typography variant="body2">{use}</Typography>
        {headroom && (
          <Typography variant="body2" color="textSecondary">
            Headroom: {headroom}
          </Typography>
        )}
      </Box>
    </Box>
  );
}
