import { LoggerService } from '@backstage/backend-plugin-api';
import { TOKENS_METRIC } from '@kars-portal/plugin-kars-common';

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

interface PromVector {
  status: string;
  error?: string;
  data?: {
    resultType: string;
    result: Array<{ metric: Record<string, string>; value: [number, string] }>;
  };
}

/**
 * Reads token use from the Prometheus HTTP query API of a cluster: the inference routers'
 * `kars_tokens_total`, summed per sandbox over the UTC day and month, cached briefly. The
 * `headers` option (the Prometheus credentials) goes with every query and nowhere else.
 */
export class UsageReader {
  private cached?: { at: number; snapshot: UsageSnapshot };

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

  private async query(expr: string): Promise<Map<string, number>> {
    const url = `${this.prometheusUrl!.replace(
      /\/$/,
      '',
    )}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const response = await fetch(url, {
      headers: this.options.headers,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    const body = (await response.json()) as PromVector;
    if (!response.ok || body.status !== 'success' || !body.data) {
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    return new Map(
      body.data.result.map(r => [
        r.metric.sandbox,
        Math.round(Number(r.value[1])),
      ]),
    );
  }

  async snapshot(): Promise<UsageSnapshot> {
    const now = (this.options.now ?? (() => new Date()))();
    if (
      this.cached &&
      now.getTime() - this.cached.at < (this.options.ttlMs ?? 30_000)
    ) {
      return this.cached.snapshot;
    }
    let snapshot: UsageSnapshot;
    if (!this.prometheusUrl) {
      snapshot = {
        ok: false,
        source: 'none',
        message:
          'no usage source is configured for this cluster (kars.clusters[].usage.prometheusUrl)',
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
}
