import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { SandboxUsageHistory } from '@kars-portal/plugin-kars-common';
import { StateChip, formatTime, formatTokens } from '../common';

const WIDTH = 600;
const HEIGHT = 120;
const GAP = 2;

/** One bar of the chart: where it stands, how tall, and what it says on hover. */
export interface UsageBar {
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
}

/** The bars of daily token use in a WIDTH x HEIGHT box, the tallest day filling the height. */
export function usageBars(days: SandboxUsageHistory['days']): UsageBar[] {
  const max = Math.max(1, ...days.map(d => d.tokens));
  const slot = WIDTH / Math.max(1, days.length);
  return days.map((d, i) => {
    const height = Math.round((d.tokens / max) * HEIGHT);
    return {
      x: i * slot + GAP / 2,
      y: HEIGHT - height,
      width: Math.max(1, slot - GAP),
      height,
      title: `${formatTokens(d.tokens)} tokens in the 24 hours to ${formatTime(
        d.end,
      )}`,
    };
  });
}

/**
 * Daily token use as a bar chart of our own (SVG; no chart library): one bar a day, oldest on the
 * left, each with its exact figure on hover, and the total and busiest day in words.
 */
export function UsageChart(props: { history: SandboxUsageHistory }) {
  const { history } = props;
  const theme = useTheme();
  if (history.state === 'unknown') {
    return (
      <StateChip
        tone="unknown"
        label={`Token use unknown: ${history.message ?? history.source}`}
      />
    );
  }
  const { days } = history;
  const total = days.reduce((n, d) => n + d.tokens, 0);
  const busiest = days.reduce(
    (a, d) => (d.tokens > a.tokens ? d : a),
    days[0] ?? { end: '', tokens: 0 },
  );
  const summary = `${formatTokens(total)} tokens in the last ${
    days.length
  } days${
    busiest.tokens > 0
      ? `; the busiest day used ${formatTokens(busiest.tokens)}`
      : ''
  }`;
  return (
    <Box>
      <svg
        role="img"
        aria-label={`Daily token use: ${summary}`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        height={HEIGHT}
        preserveAspectRatio="none"
      >
        <line
          x1={0}
          y1={HEIGHT - 0.5}
          x2={WIDTH}
          y2={HEIGHT - 0.5}
          stroke={theme.palette.divider}
        />
        {usageBars(days).map(bar => (
          <rect
            key={bar.x}
            x={bar.x}
            y={bar.y}
            width={bar.width}
            height={bar.height}
            fill={theme.palette.primary.main}
          >
            <title>{bar.title}</title>
          </rect>
        ))}
      </svg>
      {days.length > 0 && (
        <Box display="flex" justifyContent="space-between">
          <Typography variant="caption" color="textSecondary">
            to {formatTime(days[0].end)}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            to {formatTime(days[days.length - 1].end)}
          </Typography>
        </Box>
      )}
      <Typography variant="body2">{summary}</Typography>
      <Typography variant="caption" color="textSecondary">
        Source: {history.source}
      </Typography>
    </Box>
  );
}
