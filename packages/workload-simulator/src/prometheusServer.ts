import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { evaluate, parseQuery, PromQLError, Sample, Series } from './promql';

const MAX_POINTS = 11_000;

const format = (n: number) => String(Math.round(n));

async function params(
  req: IncomingMessage,
  url: URL,
): Promise<URLSearchParams> {
  const out = new URLSearchParams(url.searchParams);
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c);
    for (const [k, v] of new URLSearchParams(
      Buffer.concat(chunks).toString('utf8'),
    ))
      out.append(k, v);
  }
  return out;
}

/** Prometheus accepts RFC 3339 or Unix seconds. */
function parseTime(
  value: string | null,
  fallbackS: number,
  name: string,
): number {
  if (value === null || value === '') return fallbackS;
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  const d = Date.parse(value);
  if (Number.isNaN(d))
    throw new PromQLError(
      `invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`,
    );
  return d / 1000;
}

function parseStep(value: string | null): number {
  if (!value)
    throw new PromQLError(
      'invalid parameter "step": cannot parse "" to a valid duration',
    );
  const n = Number(value);
  if (Number.isFinite(n) && n > 0) return n;
  const m = /^(\d+)([smhdw])$/.exec(value);
  if (!m)
    throw new PromQLError(
      `invalid parameter "step": cannot parse "${value}" to a valid duration`,
    );
  return (
    Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as 's']!
  );
}

const send = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'X-Kars-Simulated': 'true',
  });
  res.end(JSON.stringify(body));
};

const badData = (res: ServerResponse, error: string) =>
  send(res, 400, { status: 'error', errorType: 'bad_data', error });

/**
 * The Prometheus HTTP query API (`/api/v1/query`, `/api/v1/query_range`) over simulated series.
 * Every response carries `X-Kars-Simulated: true`.
 */
export async function startPrometheusServer(
  port: number,
  series: () => Series[],
  now: () => number = () => Date.now() / 1000,
): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (
        url.pathname === '/api/v1/query' ||
        url.pathname === '/api/v1/query_range'
      ) {
        const p = await params(req, url);
        const query = p.get('query');
        if (!query)
          return badData(
            res,
            'invalid parameter "query": query must not be empty',
          );
        const parsed = parseQuery(query);
        if (url.pathname === '/api/v1/query') {
          const t = parseTime(p.get('time'), now(), 'time');
          const result = evaluate(parsed, series(), t).map((s: Sample) => ({
            metric: s.metric,
            value: [t, format(s.value)],
          }));
          return send(res, 200, {
            status: 'success',
            data: { resultType: 'vector', result },
          });
        }
        const start = parseTime(p.get('start'), NaN, 'start');
        const end = parseTime(p.get('end'), NaN, 'end');
        if (Number.isNaN(start) || Number.isNaN(end))
          return badData(res, 'invalid parameter "start" or "end": missing');
        if (end < start)
          return badData(
            res,
            'invalid parameter "end": end timestamp must not be before start time',
          );
        const step = parseStep(p.get('step'));
        if ((end - start) / step > MAX_POINTS) {
          return badData(
            res,
            'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
          );
        }
        const matrix = new Map<
          string,
          { metric: Record<string, string>; values: [number, string][] }
        >();
        for (let t = start; t <= end; t += step) {
          for (const s of evaluate(parsed, series(), t)) {
            const key = JSON.stringify(s.metric);
            const entry = matrix.get(key) ?? { metric: s.metric, values: [] };
            entry.values.push([t, format(s.value)]);
            matrix.set(key, entry);
          }
        }
        return send(res, 200, {
          status: 'success',
          data: { resultType: 'matrix', result: [...matrix.values()] },
        });
      }
      return send(res, 404, {
        status: 'error',
        errorType: 'not_found',
        error: `${url.pathname} is not served by the simulated Prometheus`,
      });
    } catch (e) {
      if (e instanceof PromQLError) return badData(res, e.message);
      return send(res, 500, {
        status: 'error',
        errorType: 'internal',
        error: (e as Error).message,
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
  };
}
