import {
  CHANNEL_TYPES,
  ChannelType,
  Sandbox,
} from '@kars-portal/plugin-kars-common';

/** What an agent's own signals say of one chat channel's connection. */
export type ChannelConnection = 'connected' | 'connecting' | 'failing';

/** A channel's connection with the signal it was read from. */
export interface ChannelSignal {
  connection: ChannelConnection;
  /**
   * Which signal says so: the condition and its reason, or the log and the runtime format it was
   * read with; never the log's text, which may hold what a runtime should not have printed.
   */
  source: string;
}

const CH = `(?<channel>${CHANNEL_TYPES.join('|')})`;

/**
 * How each agent runtime reports its channels in its log: the last line that matches one of a
 * runtime's patterns for a channel says its state. kars's classic channels have no status of their
 * own (kars-domain.md: "signals are runtime logs"); this table is where those log formats live.
 *
 * | runtime  | connecting                         | connected                         | failing                          |
 * | -------- | ---------------------------------- | --------------------------------- | -------------------------------- |
 * | OpenClaw | `[telegram] connecting (…)`        | `[telegram] connected as …`       | `[telegram] error: …`            |
 * | Hermes   | `INFO hermes.channels.slack: connecting` | `… hermes.channels.slack: connected` | `ERROR hermes.channels.slack: …` |
 * | others   | `INFO kars.channels: discord connecting` | `INFO kars.channels: discord connected` | `ERROR kars.channels: discord failed: …` |
 *
 * A `disabled: no <KEY>` line says nothing of a connection: the report's credentials state covers it.
 */
export const CHANNEL_LOG_PATTERNS: Record<
  'OpenClaw' | 'Hermes' | 'default',
  Record<ChannelConnection, RegExp>
> = {
  OpenClaw: {
    connecting: new RegExp(`^\\[${CH}\\] connecting\\b`),
    connected: new RegExp(`^\\[${CH}\\] connected\\b`),
    failing: new RegExp(`^\\[${CH}\\] error:`),
  },
  Hermes: {
    connecting: new RegExp(`^\\S+ hermes\\.channels\\.${CH}: connecting\\b`),
    connected: new RegExp(`^\\S+ hermes\\.channels\\.${CH}: connected\\b`),
    failing: new RegExp(`^(?:ERROR|CRITICAL) hermes\\.channels\\.${CH}:`),
  },
  default: {
    connecting: new RegExp(`^\\S+ kars\\.channels: ${CH} connecting\\b`),
    connected: new RegExp(`^\\S+ kars\\.channels: ${CH} connected\\b`),
    failing: new RegExp(`^(?:ERROR|CRITICAL) kars\\.channels: ${CH} failed\\b`),
  },
};

/** The `ChannelReady` condition reasons of kars's typed channel contract, as connections. */
const CHANNEL_READY_REASONS: Record<string, ChannelConnection> = {
  Configured: 'connected',
  Connecting: 'connecting',
  ConnectionFailed: 'failing',
  AppAlreadyClaimed: 'failing',
};

/** The kubelet's `timestamps=true` prefix, if a line carries one. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT[\d:.]+Z /;

/** The log format of a runtime: its own where the table above has one, else kars's default. */
const formatOf = (runtime: string) =>
  runtime === 'OpenClaw' || runtime === 'Hermes' ? runtime : 'default';

/**
 * The channel and state a log line reports in a format, if it reports one; a line matching two
 * states reports the later of connecting, connected, failing.
 */
function lineSignal(
  patterns: Record<ChannelConnection, RegExp>,
  raw: string,
): { channel: ChannelType; connection: ChannelConnection } | undefined {
  const line = raw.replace(TIMESTAMP, '').trimEnd();
  let found:
    | { channel: ChannelType; connection: ChannelConnection }
    | undefined;
  for (const connection of ['connecting', 'connected', 'failing'] as const) {
    const channel = patterns[connection].exec(line)?.groups?.channel;
    if (channel) found = { channel: channel as ChannelType, connection };
  }
  return found;
}

/**
 * Each channel's state from the agent's log (oldest line first): the last line matching its
 * runtime's patterns wins. Channels the log never mentions are absent. Pure.
 */
export function channelsFromLog(
  runtime: string,
  log: string,
): Map<ChannelType, ChannelSignal> {
  const format = formatOf(runtime);
  const patterns = CHANNEL_LOG_PATTERNS[format];
  const source = `the agent's log (${format} format)`;
  const found = new Map<ChannelType, ChannelSignal>();
  for (const raw of log.split('\n')) {
    const signal = lineSignal(patterns, raw);
    if (signal)
      found.set(signal.channel, { connection: signal.connection, source });
  }
  return found;
}

/**
 * The lines of a log that report a channel's state, each ended by a newline: what
 * {@link channelsFromLog} reads of it, so that it reads the same from these lines followed by any
 * later ones as from the whole log followed by them. Pure.
 */
export function channelLines(runtime: string, log: string): string {
  const patterns = CHANNEL_LOG_PATTERNS[formatOf(runtime)];
  return log
    .split('\n')
    .filter(raw => lineSignal(patterns, raw))
    .map(raw => `${raw}\n`)
    .join('');
}

/**
 * A `ChannelReady` condition, where the runtime sets one (kars's typed channel contract), read as
 * a connection; reasons that are about configuration (CredentialsMissing, Suspended, …) are not
 * one. Pure.
 */
export function channelFromCondition(condition: {
  type: string;
  reason?: string;
}): ChannelSignal | undefined {
  if (condition.type !== 'ChannelReady' || !condition.reason) return undefined;
  const connection = CHANNEL_READY_REASONS[condition.reason];
  return connection
    ? { connection, source: `the ChannelReady condition (${condition.reason})` }
    : undefined;
}

/**
 * What the runtime's own signals say of each enabled channel: its `ChannelReady` condition where it
 * sets one, else the agent's log (undefined: none to read, as when the workload is not running).
 * Channels without a signal are absent. Pure.
 */
export function channelSignals(
  sandbox: Sandbox,
  agentLog: string | undefined,
): Map<ChannelType, ChannelSignal> {
  const fromLog =
    agentLog === undefined
      ? new Map<ChannelType, ChannelSignal>()
      : channelsFromLog(sandbox.spec.runtime.kind, agentLog);
  const fromCondition = sandbox.status.conditions
    .map(channelFromCondition)
    .find(Boolean);
  const signals = new Map<ChannelType, ChannelSignal>();
  for (const { type } of sandbox.spec.channels) {
    const signal = fromCondition ?? fromLog.get(type);
    if (signal) signals.set(type, signal);
  }
  return signals;
}
