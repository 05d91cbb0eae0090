import { LoggerService } from '@backstage/backend-plugin-api';
import {
  SandboxUsageHistory,
  TOKENS_METRIC,
} from '@kars-portal/plugin-kars-common';

const DAY_S = 86_400;

const NO_SOURCE =
  'no usage source is configured for this cluster (kars.clusters[].usage.prometheusUrl)';

/** Tokens each sandbox used today and this month (UTC windows), by sandbox name. */
export interface UsageSnapshot {
  ok: boolean;
  source: string;
  message?: string;
  today: Map<string, number>;
  month: Map<string, number>;
}

/** Seconds since the start of the UTC day and of the UTC month. */
export function utcWindows(now: Date) {
  const day = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const seconds = (from: number) =>
    Math.max(1, Math.ceil((now.getTime() - from) / 1000));
  return { todaySeconds: seconds(day), monthSeconds: seconds(month) };
}

interface PromAnswer<R> {
  status: string;
  error?: string;
  data?: { resultType: string; result: R[] };
}
type PromVector = PromAnswer<{
  metric: Record<string, string>;
  value: [number, string];
}>;
type PromMatrix = PromAnswer<{
  metric: Record<string, string>;
  values: Array<[number, string]>;
}>;

/**
 * Reads token use from the Prometheus HTTP query API of a cluster: the inference routers'
 * `kars_tokens_total`, summed per sandbox over the UTC day and month, cached briefly. The
 * `headers` option (the Prometheus credentials) goes with every query and nowhere else.
 */
export class UsageReader {
  private cached?: { at: number; snapshot: UsageSnapshot };
  /** The snapshot being read, which every caller meanwhile waits for instead of asking again. */
  private reading?: Promise<UsageSnapshot>;

  constructor(
    private readonly prometheusUrl: string | undefined,
    private readonly logger: LoggerService,
    private readonly options: {
      ttlMs?: number;
      now?: () => Date;
      timeoutMs?: number;
      headers?: Record<string, string>;
    } = {},
  ) {}

  /** The `data` of a Prometheus HTTP API answer (`query` or `query_range`), or an error. */
  private async ask<T extends PromAnswer<unknown>>(
    api: 'query' | 'query_range',
    params: Record<string, string>,
  ): Promise<NonNullable<T['data']>> {
    const url = `${this.prometheusUrl!.replace(
      /\/$/,
      '',
    )}/api/v1/${api}?${new URLSearchParams(params)}`;
    const response = await fetch(url, {
      headers: this.options.headers,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    const body = (await response.json()) as T;
    if (!response.ok || body.status !== 'success' || !body.data) {
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    return body.data as NonNullable<T['data']>;
  }

  private async query(expr: string): Promise<Map<string, number>> {
    const data = await this.ask<PromVector>('query', { query: expr });
    return new Map(
      data.result.map(r => [r.metric.sandbox, Math.round(Number(r.value[1]))]),
    );
  }

  /** Token use now: the cached snapshot while fresh, else one read that concurrent callers share. */
  async snapshot(): Promise<UsageSnapshot> {
    const now = (this.options.now ?? (() => new Date()))();
    if (
      this.cached &&
      now.getTime() - this.cached.at < (this.options.ttlMs ?? 30_000)
    ) {
      return this.cached.snapshot;
    }
    if (!this.reading) {
      this.reading = this.read(now).finally(() => {
        this.reading = undefined;
      });
    }
    return this.reading;
  }

  private async read(now: Date): Promise<UsageSnapshot> {
    let snapshot: UsageSnapshot;
    if (!this.prometheusUrl) {
      snapshot = {
        ok: false,
        source: 'none',
        message: NO_SOURCE,
        today: new Map(),
        month: new Map(),
      };
    } else {
      const { todaySeconds, monthSeconds } = utcWindows(now);
      const expr = (s: number) =>
        `sum by (sandbox) (increase(${TOKENS_METRIC}[${s}s]))`;
      try {
        const [today, month] = await Promise.all([
          this.query(expr(todaySeconds)),
          this.query(expr(monthSeconds)),
        ]);
        snapshot = { ok: true, source: this.prometheusUrl, today, month };
      } catch (error) {
        this.logger.warn(
          `token use could not be read from ${this.prometheusUrl}: ${error}`,
        );
        snapshot = {
          ok: false,
          source: this.prometheusUrl,
          message: `the usage source did not answer: ${
            error instanceof Error ? error.message : error
          }`,
          today: new Map(),
          month: new Map(),
        };
      }
    }
    this.cached = { at: now.getTime(), snapshot };
    return snapshot;
  }

  /** The last snapshot, without waiting (for the list route). */
  peek(): UsageSnapshot | undefined {
    return this.cached?.snapshot;
  }

  /**
   * Daily token use of one sandbox: `days` points a day apart, oldest first, the last at now, each
   * the increase of the routers' counter over the 24 hours that end at it (one Prometheus range
   * query with a 1d step). A day without samples used nothing. Not cached.
   */
  async history(sandbox: string, days: number): Promise<SandboxUsageHistory> {
    if (!this.prometheusUrl) {
      return { source: 'none', state: 'unknown', message: NO_SOURCE, days: [] };
    }
    const now = (this.options.now ?? (() => new Date()))();
    const endS = Math.floor(now.getTime() / 1000);
    const startS = endS - (days - 1) * DAY_S;
    try {
      const data = await this.ask<PromMatrix>('query_range', {
        query: `sum(increase(${TOKENS_METRIC}{sandbox="${sandbox}"}[1d]))`,
        start: String(startS),
        end: String(endS),
        step: '1d',
      });
      const tokens = new Map(
        data.result
          .flatMap(r => r.values)
          .map(([t, v]) => [Math.round(t), Math.round(Number(v))]),
      );
      return {
        source: this.prometheusUrl,
        state: 'ok',
        days: Array.from({ length: days }, (_, i) => {
          const t = startS + i * DAY_S;
          return {
            end: new Date(t * 1000).toISOString(),
            tokens: tokens.get(t) ?? 0,
          };
        }),
      };
    } catch (error) {
      this.logger.warn(
        `token use history could not be read from ${this.prometheusUrl}: ${error}`,
      );
      return {
        source: this.prometheusUrl,
        state: 'unknown',
        message: `the usage source did not answer: ${
          error instanceof Error ? error.message : error
        }`,
        days: [],
      };
    }
  }
}
