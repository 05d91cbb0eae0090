import { Obj } from './kube';
import { unitHash } from './usageModel';

/** One line a container wrote, and when. */
export interface LogLine {
  at: number;
  text: string;
}

/** Which program a container runs, for what it logs. */
export type LogRole =
  | { kind: 'egress-guard' }
  | { kind: 'router' }
  | { kind: 'agent'; runtime: string }
  | { kind: 'other' };

/** One run of a container: from its start to its exit (if it exited) and how. */
export interface ContainerInstance {
  seed: number;
  /** Pod uid, container name and restart count: what makes each run's lines its own. */
  key: string;
  startedAt: number;
  finishedAt?: number;
  /** How it exited: Error ends with the program's fatal error, OOMKilled mid-line, Completed cleanly. */
  exit?: 'Completed' | 'Error' | 'OOMKilled';
  /** The container's env (model, budgets, policy) and ports, as the renderer sets them. */
  env: Record<string, string>;
  sandbox: string;
  /** The chat channels an agent serves (the sandbox's spec.channels), and how each fares. */
  channels?: ChannelSetup[];
}

/** One chat channel of an agent: whether its credentials are there, and whether it fails. */
export interface ChannelSetup {
  channel: string;
  /** Its credential keys are in the sandbox's credentials Secret. */
  configured: boolean;
  /** The platform refuses it (the `channel-failure` fault): it keeps failing and retrying. */
  failing: boolean;
}

/** How long a channel takes from connecting to connected (or refused), and between retries. */
export const CHANNEL_CONNECT_MS = 1500;
export const CHANNEL_RETRY_MS = 30_000;

const CHANNEL_HOW: Record<string, string> = {
  telegram: 'long polling',
  slack: 'socket mode',
  discord: 'gateway',
  whatsapp: 'waiting for pairing',
};
const CHANNEL_REFUSAL: Record<string, string> = {
  telegram: '401 Unauthorized (check the bot token)',
  slack: 'invalid_auth',
  discord: '4004 Authentication failed',
  whatsapp: 'logged out (pair again)',
};
/** The credential key each channel needs (kars-common CHANNEL_CREDENTIAL_KEYS). */
export const CHANNEL_KEYS: Record<string, string> = {
  telegram: 'TELEGRAM_BOT_TOKEN',
  slack: 'SLACK_BOT_TOKEN',
  discord: 'DISCORD_BOT_TOKEN',
  whatsapp: 'WHATSAPP_ENABLED',
};

/**
 * What an agent runtime prints about one channel at each stage: `start` (connecting, or disabled
 * without credentials), `up` (connected, or refused) and `retry` (refused again). The formats per
 * runtime are the ones the portal's channel table reads (kars-backend service/health/channels.ts).
 */
export function channelLine(
  runtime: string,
  setup: ChannelSetup,
  stage: 'start' | 'up' | 'retry',
  sandbox: string,
): string {
  const ch = setup.channel;
  const refused = stage !== 'start' && setup.failing;
  if (runtime === 'OpenClaw') {
    if (!setup.configured) return `[${ch}] disabled: no ${CHANNEL_KEYS[ch]}`;
    if (stage === 'start') return `[${ch}] connecting (${CHANNEL_HOW[ch]})`;
    return refused
      ? `[${ch}] error: ${CHANNEL_REFUSAL[ch]}; retrying in ${
          CHANNEL_RETRY_MS / 1000
        }s`
      : `[${ch}] connected as ${sandbox}-bot`;
  }
  const logger =
    runtime === 'Hermes' ? `hermes.channels.${ch}:` : 'kars.channels:';
  const subject = runtime === 'Hermes' ? '' : `${ch} `;
  if (!setup.configured)
    return `WARNING ${logger} ${subject}disabled: no ${CHANNEL_KEYS[ch]}`;
  if (stage === 'start')
    return `INFO ${logger} ${subject}connecting (${CHANNEL_HOW[ch]})`;
  return refused
    ? `ERROR ${logger} ${subject}failed: ${CHANNEL_REFUSAL[ch]}`
    : `INFO ${logger} ${subject}connected as ${sandbox}-bot`;
}

/**
 * An agent's channel lines of one run from `from` to `end`: on start, once connected, and each
 * retry of a failing one (a retry's time is computed, not counted up to).
 */
function channelLog(
  role: LogRole,
  i: ContainerInstance,
  started: number,
  from: number,
  end: number,
): LogLine[] {
  if (role.kind !== 'agent' || !i.channels?.length) return [];
  const lines: LogLine[] = [];
  i.channels.forEach((setup, k) => {
    const line = (stage: 'start' | 'up' | 'retry', at: number) => {
      if (at >= from && at <= end)
        lines.push({
          at,
          text: channelLine(role.runtime, setup, stage, i.sandbox),
        });
    };
    line('start', started + 20 * k);
    if (!setup.configured) return;
    line('up', started + CHANNEL_CONNECT_MS + 20 * k);
    if (!setup.failing) return;
    const firstRetry = started + CHANNEL_CONNECT_MS + CHANNEL_RETRY_MS + 20 * k;
    const skipped = Math.max(
      0,
      Math.ceil((from - firstRetry) / CHANNEL_RETRY_MS),
    );
    for (
      let at = firstRetry + skipped * CHANNEL_RETRY_MS;
      at <= end;
      at += CHANNEL_RETRY_MS
    )
      line('retry', at);
  });
  return lines;
}

/** The agent runtime of a container: the KarsSandbox's spec.runtime.kind when known, else from the container. */
export function runtimeOf(container: Obj, sandbox?: Obj): string {
  const kind = sandbox?.spec?.runtime?.kind;
  if (typeof kind === 'string') return kind;
  if (container.name === 'openclaw') return 'OpenClaw';
  if (/hermes/i.test(container.image ?? '')) return 'Hermes';
  return 'BYO';
}

/** The role of a container in a kars sandbox pod. */
export function roleOf(container: Obj, sandbox?: Obj): LogRole {
  if (container.name === 'egress-guard') return { kind: 'egress-guard' };
  if (container.name === 'inference-router') return { kind: 'router' };
  if (container.name === 'agent' || container.name === 'openclaw')
    return { kind: 'agent', runtime: runtimeOf(container, sandbox) };
  return { kind: 'other' };
}

const pick = <T>(r: number, items: T[]) => items[Math.floor(r * items.length)];

/** The lines a program prints as it starts. */
function startup(role: LogRole, i: ContainerInstance): string[] {
  const model = i.env.KARS_MODEL ?? i.env.AZURE_OPENAI_DEPLOYMENT ?? 'unknown';
  const endpoint = i.env.KARS_INFERENCE_ENDPOINT ?? 'https://127.0.0.1:8443';
  switch (role.kind) {
    case 'egress-guard':
      return ['egress-guard: rules in place; DNS only to 10.0.0.10'];
    case 'router':
      return [
        json('info', 'inference router starting', {
          sandbox: i.sandbox,
          model,
          listen: '127.0.0.1:8443',
        }),
        json('info', 'inference policy loaded', {
          policy: i.env.INFERENCE_POLICY_NAME ?? `${i.sandbox}-policy`,
          per_request_tokens: Number(i.env.TOKEN_BUDGET_PER_REQUEST ?? 0),
          daily_tokens: Number(i.env.TOKEN_BUDGET_DAILY ?? 0),
          monthly_tokens: Number(i.env.TOKEN_BUDGET_MONTHLY ?? 0),
        }),
        json('info', 'egress proxy listening', {
          addr: '127.0.0.1:8444',
          mode: i.env.EGRESS_MODE ?? 'Strict',
          allowlist: i.env.EGRESS_ALLOWLIST_DIR ?? '/etc/kars/egress',
        }),
        json('info', 'metrics listening', { addr: '0.0.0.0:9090' }),
        json('info', 'ready', {}),
      ];
    case 'agent':
      if (role.runtime === 'OpenClaw')
        return [
          `[openclaw] starting gateway (model ${model})`,
          `[openclaw] inference endpoint ${endpoint}`,
          '[openclaw] gateway listening on ws://0.0.0.0:18789',
          '[openclaw] workspace /sandbox ready',
        ];
      if (role.runtime === 'Hermes')
        return [
          `INFO hermes.gateway: starting Hermes agent (model=${model})`,
          `INFO hermes.gateway: inference endpoint ${endpoint}`,
          'INFO hermes.gateway: gateway listening on 0.0.0.0:18789',
        ];
      return [
        `INFO kars.runtime: starting ${role.runtime} runtime (model=${model})`,
        `INFO kars.runtime: inference endpoint ${endpoint}`,
        'INFO kars.runtime: waiting for tasks',
      ];
    default:
      return ['started'];
  }
}

/** The n-th line a running program prints after its start. */
function steady(role: LogRole, i: ContainerInstance, n: number): string {
  const r = (what: string) => unitHash(i.seed, `${i.key}/${n}/${what}`);
  const model = i.env.KARS_MODEL ?? i.env.AZURE_OPENAI_DEPLOYMENT ?? 'unknown';
  switch (role.kind) {
    case 'router':
      if (r('kind') < 0.15)
        return json('warn', 'egress denied', {
          host: pick(r('host'), [
            'pastebin.com',
            'example.org',
            'registry.npmjs.org',
            'api.github.com',
          ]),
          reason: 'host not in allowlist',
        });
      return json('info', 'inference request', {
        model,
        input_tokens: 200 + Math.floor(r('in') * 3800),
        output_tokens: 50 + Math.floor(r('out') * 1200),
        status: 200,
        latency_ms: 300 + Math.floor(r('ms') * 4700),
      });
    case 'agent': {
      const task = Math.floor(r('task') * 0xffffff)
        .toString(16)
        .padStart(6, '0');
      const seconds = (0.5 + r('s') * 20).toFixed(1);
      const tools = Math.floor(r('tools') * 5);
      if (role.runtime === 'OpenClaw')
        return `[agent] run ${task} done in ${seconds}s (${tools} tool calls)`;
      if (role.runtime === 'Hermes')
        return `INFO hermes.agent: task ${task} completed in ${seconds}s (${tools} tool calls)`;
      return `INFO kars.runtime: task ${task} completed in ${seconds}s (${tools} tool calls)`;
    }
    default:
      return 'heartbeat';
  }
}

/** The last lines of a program that failed. */
function fatal(role: LogRole): string[] {
  if (role.kind === 'router')
    return [
      json('error', 'inference backend unreachable', {
        error: 'connection refused',
      }),
      json('fatal', 'exiting', { code: 1 }),
    ];
  if (role.kind === 'agent' && role.runtime === 'OpenClaw')
    return [
      'Error: connect ECONNREFUSED 127.0.0.1:8443',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
    ];
  if (role.kind === 'agent')
    return [
      'ERROR kars.runtime: unhandled exception',
      'Traceback (most recent call last):',
      '  File "/app/runtime/main.py", line 88, in <module>',
      'ConnectionRefusedError: [Errno 111] Connection refused',
    ];
  return ['fatal error'];
}

function json(level: string, msg: string, fields: Record<string, unknown>) {
  return JSON.stringify({ level, msg, ...fields });
}

/** When a run's steady lines begin: after its start-up lines, 20 ms apart. */
const steadyStart = (role: LogRole, i: ContainerInstance) =>
  i.startedAt + 20 * startup(role, i).length;

/**
 * The lines one run of a container wrote from `from` to `until` (and at most until it exited), in
 * order: its start-up lines 20 ms apart, then one line in each `intervalMs` after them, at a
 * seeded point of that interval, and a failed run's last words. Deterministic: the same run gives
 * the same lines. Its cost is the lines it gives, not the run's age: a line's time is computed
 * from its number. Pure.
 */
export function containerLog(
  role: LogRole,
  i: ContainerInstance,
  intervalMs: number,
  until: number,
  from = -Infinity,
): LogLine[] {
  const end = Math.min(until, i.finishedAt ?? Infinity);
  const lines: LogLine[] = [];
  startup(role, i).forEach((text, n) => {
    const at = i.startedAt + 20 * n;
    if (at >= from) lines.push({ at, text });
  });
  const steadyFrom = steadyStart(role, i);
  if (role.kind !== 'egress-guard') {
    const firstN = Math.max(0, Math.floor((from - steadyFrom) / intervalMs));
    for (let n = firstN; ; n++) {
      const at =
        steadyFrom + intervalMs * (n + unitHash(i.seed, `${i.key}/${n}/gap`));
      if (at > end || (i.finishedAt !== undefined && at >= i.finishedAt)) break;
      if (at >= from) lines.push({ at, text: steady(role, i, n) });
    }
  }
  lines.push(...channelLog(role, i, steadyFrom, from, end));
  lines.sort((a, b) => a.at - b.at);
  if (
    i.exit === 'Error' &&
    i.finishedAt !== undefined &&
    i.finishedAt <= until &&
    i.finishedAt >= from
  )
    for (const text of fatal(role)) lines.push({ at: i.finishedAt, text });
  return lines.filter(l => l.at <= end);
}

/** RFC 3339 with nanoseconds, as the kubelet prefixes a line with timestamps=true. */
export const rfc3339Nano = (ms: number) =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

/** The options of a pods/log request that choose lines. */
export interface LogQuery {
  tailLines?: number;
  sinceMs?: number;
  timestamps: boolean;
  limitBytes?: number;
}

export function parseLogQuery(q: URLSearchParams, now: number): LogQuery {
  const num = (k: string) => (q.has(k) ? Number(q.get(k)) : undefined);
  const sinceSeconds = num('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  else if (sinceTime) sinceMs = Date.parse(sinceTime);
  return {
    tailLines: num('tailLines'),
    sinceMs,
    timestamps: q.get('timestamps') === 'true',
    limitBytes: num('limitBytes'),
  };
}

/** One line as pods/log sends it. */
export const formatLine = (l: LogLine, timestamps: boolean) =>
  `${timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`;

/** The lines a query selects (since, then the last tailLines), formatted. Pure. */
export function formatLines(lines: LogLine[], q: LogQuery): string {
  let out =
    q.sinceMs !== undefined ? lines.filter(l => l.at >= q.sinceMs!) : lines;
  if (q.tailLines !== undefined)
    out = q.tailLines > 0 ? out.slice(-q.tailLines) : [];
  const text = out.map(l => formatLine(l, q.timestamps)).join('');
  return q.limitBytes !== undefined ? text.slice(0, q.limitBytes) : text;
}

/** How far the head of a log is read at a time, in intervals, until it has limitBytes. */
const HEAD_CHUNK_INTERVALS = 256;

/**
 * What a pods/log request chooses from one run's log at `now`, formatted: it makes only the lines
 * that can be sent. The last `tailLines` lie after the start of the interval `tailLines` intervals
 * before the last one, so only that stretch is made; a head cut by `limitBytes` is made a stretch
 * at a time until it is long enough. Pure.
 */
export function readContainerLog(
  role: LogRole,
  i: ContainerInstance,
  intervalMs: number,
  now: number,
  q: LogQuery,
): string {
  const from = Math.max(q.sinceMs ?? -Infinity, i.startedAt);
  const end = Math.min(now, i.finishedAt ?? Infinity);
  if (q.tailLines !== undefined) {
    if (q.tailLines <= 0) return '';
    const steadyFrom = steadyStart(role, i);
    const lastN = Math.floor((end - steadyFrom) / intervalMs);
    const tailFrom =
      role.kind === 'egress-guard' || lastN - q.tailLines < 0
        ? from
        : Math.max(from, steadyFrom + (lastN - q.tailLines) * intervalMs);
    return formatLines(containerLog(role, i, intervalMs, now, tailFrom), q);
  }
  if (q.limitBytes === undefined)
    return formatLines(containerLog(role, i, intervalMs, now, from), q);
  const chunkMs = HEAD_CHUNK_INTERVALS * intervalMs;
  let text = '';
  for (let lo = from; lo <= end && text.length < q.limitBytes; lo += chunkMs) {
    const hi = lo + chunkMs;
    for (const l of containerLog(role, i, intervalMs, Math.min(now, hi), lo)) {
      // A line at the chunk's edge belongs to the next chunk, unless there is none.
      if (l.at < hi || hi >= now) text += formatLine(l, q.timestamps);
    }
  }
  return text.slice(0, q.limitBytes);
}
