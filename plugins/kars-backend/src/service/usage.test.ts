import { mockServices } from '@backstage/backend-test-utils';
import { TOKENS_METRIC } from '@kars-portal/plugin-kars-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { UsageReader } from './usage';

const TOKEN = 'prom-token-7f3a9c';

/** A Prometheus query API that answers only with `Authorization: Bearer TOKEN`, as a secured one. */
async function securedPrometheus() {
  const seen: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers.authorization);
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      res.end(JSON.stringify({ status: 'error', error: 'unauthorized' }));
      return;
    }
    expect(url.searchParams.get('query')).toContain(TOKENS_METRIC);
    res.end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ metric: { sandbox: 'tenant-a' }, value: [0, '1234.4'] }],
        },
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** A logger that keeps every line it is given, with its metadata. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = mockServices.logger.mock();
  for (const level of ['error', 'warn', 'info', 'debug'] as const) {
    logger[level].mockImplementation((message: string, meta?: unknown) => {
      lines.push(`${message} ${JSON.stringify(meta ?? {})}`);
    });
  }
  return { logger, lines };
}

describe('UsageReader on a Prometheus that asks for credentials', () => {
  let prometheus: Awaited<ReturnType<typeof securedPrometheus>>;
  beforeEach(async () => {
    prometheus = await securedPrometheus();
  });
  afterEach(() => prometheus.close());

  it('sends the configured headers with every query and reads the token use', async () => {
    const { logger } = recordingLogger();
    const reader = new UsageReader(prometheus.url, logger, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const snapshot = await reader.snapshot();
    expect(snapshot).toMatchObject({ ok: true, source: prometheus.url });
    expect(snapshot.today.get('tenant-a')).toBe(1234);
    expect(snapshot.month.get('tenant-a')).toBe(1234);
    expect(prometheus.seen).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });

  it('is refused without them, and says so without any header value', async () => {
    const { logger, lines } = recordingLogger();
    const snapshot = await new UsageReader(prometheus.url, logger, {
      headers: { Authorization: 'Bearer wrong-token-5d1e' },
    }).snapshot();
    expect(snapshot).toMatchObject({ ok: false, source: prometheus.url });
    expect(snapshot.message).toMatch(/unauthorized/);
    expect(lines.join('\n')).toMatch(/unauthorized/);
    const said = JSON.stringify({ snapshot, lines });
    expect(said).not.toContain('wrong-token-5d1e');
    expect(said).not.toContain(TOKEN);
  });
});

describe('UsageReader.snapshot', () => {
  it('reads once for callers that ask while a read is under way, and again once the snapshot is stale', async () => {
    let queries = 0;
    let hold = true;
    const held: Array<() => void> = [];
    const server = http.createServer((_req, res) => {
      queries++;
      const answer = () =>
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [] },
          }),
        );
      if (hold) held.push(answer);
      else answer();
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    let now = new Date('2026-12-05T12:00:00Z');
    const reader = new UsageReader(
      `http://127.0.0.1:${port}`,
      recordingLogger().logger,
      { ttlMs: 30_000, now: () => now },
    );
    try {
      const asked = Array.from({ length: 50 }, () => reader.snapshot());
      await new Promise(r => setTimeout(r, 200));
      expect(queries).toBe(2); // today and this month, once for all 50
      hold = false;
      held.forEach(answer => answer());
      const snapshots = await Promise.all(asked);
      expect(new Set(snapshots).size).toBe(1);
      expect(snapshots[0].ok).toBe(true);
      expect(await reader.snapshot()).toBe(snapshots[0]);
      expect(queries).toBe(2);
      now = new Date('2026-12-05T12:00:31Z');
      expect(await reader.snapshot()).not.toBe(snapshots[0]);
      expect(queries).toBe(4);
    } finally {
      await new Promise(r => server.close(r));
    }
  });
});

describe('UsageReader.history', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  const endS = now.getTime() / 1000;

  /** A Prometheus whose range query has a value only for the last two steps of the range. */
  async function rangePrometheus() {
    const asked: URLSearchParams[] = [];
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      asked.push(url.searchParams);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: {},
                values: [
                  [endS - 86_400, '1500.6'],
                  [endS, '250'],
                ],
              },
            ],
          },
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      asked,
      close: () => new Promise(resolve => server.close(resolve)),
    };
  }

  it('asks one range query with a 1d step and answers a point for every day, 0 where none came', async () => {
    const prometheus = await rangePrometheus();
    try {
      const { logger } = recordingLogger();
      const history = await new UsageReader(prometheus.url, logger, {
        now: () => now,
      }).history('tenant-a', 7);
      expect(prometheus.asked).toHaveLength(1);
      const [params] = prometheus.asked;
      expect(Object.fromEntries(params)).toEqual({
        query: `sum(increase(${TOKENS_METRIC}{sandbox="tenant-a"}[1d]))`,
        start: String(endS - 6 * 86_400),
        end: String(endS),
        step: '1d',
      });
      expect(history.state).toBe('ok');
      expect(history.days.map(d => d.tokens)).toEqual([
        0, 0, 0, 0, 0, 1501, 250,
      ]);
      expect(history.days.at(-1)!.end).toBe(now.toISOString());
      expect(history.days[0].end).toBe('2026-11-29T10:00:00.000Z');
    } finally {
      await prometheus.close();
    }
  });

  it('gives each day the use of its own 24 hours: a steady counter uses the same each day, 30 days add up to 30 of them', async () => {
    const perSecond = 2;
    // A counter that has grown steadily for 40 days; increase() over the query's range at each step.
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const range = /\[(\d+)([hd])\]/.exec(url.searchParams.get('query')!)!;
      const rangeS = Number(range[1]) * (range[2] === 'd' ? 86_400 : 3_600);
      const start = Number(url.searchParams.get('start'));
      const end = Number(url.searchParams.get('end'));
      const values: Array<[number, string]> = [];
      for (let t = start; t <= end; t += 86_400)
        values.push([t, String(perSecond * rangeS)]);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] },
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { logger } = recordingLogger();
      const history = await new UsageReader(
        `http://127.0.0.1:${port}`,
        logger,
        {
          now: () => now,
        },
      ).history('tenant-a', 30);
      expect(new Set(history.days.map(d => d.tokens))).toEqual(
        new Set([perSecond * 86_400]),
      );
      expect(history.days.reduce((n, d) => n + d.tokens, 0)).toBe(
        30 * perSecond * 86_400,
      );
    } finally {
      await new Promise(resolve => server.close(resolve));
    }
  });

  it('is unknown, with no days, without a source or when the source does not answer', async () => {
    const { logger } = recordingLogger();
    expect(await new UsageReader(undefined, logger).history('t', 30)).toEqual(
      expect.objectContaining({ source: 'none', state: 'unknown', days: [] }),
    );
    const down = await new UsageReader('http://127.0.0.1:9', logger, {
      timeoutMs: 500,
    }).history('t', 30);
    expect(down).toMatchObject({ state: 'unknown', days: [] });
    expect(down.message).toMatch(/did not answer/);
  });
});
