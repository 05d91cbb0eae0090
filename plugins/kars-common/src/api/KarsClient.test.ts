import http from 'http';
import { AddressInfo } from 'net';
import { ResponseError } from '@backstage/errors';
import { KarsClient } from './KarsClient';

type Seen = { method?: string; url?: string; auth?: string; body?: string };

describe('KarsClient', () => {
  let server: http.Server;
  let baseUrl: string;
  let seen: Seen;
  let reply: { status: number; body?: unknown };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        seen = {
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body,
        };
        res.statusCode = reply.status;
        if (reply.body === undefined) {
          res.end();
          return;
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/kars`;
  });
  afterAll(() => new Promise(r => server.close(r)));

  const client = () =>
    new KarsClient({ discoveryApi: { getBaseUrl: async () => baseUrl } });

  it('lists with the query in the URL and the token as a bearer header', async () => {
    reply = { status: 200, body: { items: [], totalCount: 0 } };
    const page = await client().listSandboxes(
      { limit: 10, isolation: 'enhanced', sort: 'budget', order: 'desc' },
      { token: 't0ken' },
    );
    expect(page).toEqual({ items: [], totalCount: 0 });
    expect(seen).toMatchObject({
      method: 'GET',
      url: '/api/kars/sandboxes?limit=10&isolation=enhanced&sort=budget&order=desc',
      auth: 'Bearer t0ken',
    });
  });

  it('reads the fleet-wide audit trail with its filters and cursor in the URL', async () => {
    const page = {
      items: [
        {
          id: '7',
          sandbox: 'tenant-d',
          cluster: 'dev',
          actor: 'user:default/ops',
          action: 'delete',
          outcome: 'succeeded',
          at: '2026-11-29T10:00:00.000Z',
          message: 'deleted from dev',
        },
      ],
      totalCount: 9,
      nextCursor: '7',
    };
    reply = { status: 200, body: page };
    await expect(
      client().listAudit(
        {
          limit: 1,
          cursor: '8',
          sandbox: 'tenant-d',
          actor: 'user:default/ops',
          action: 'delete',
          outcome: 'succeeded',
          since: '2026-11-29T00:00:00Z',
        },
        { token: 'adm1n' },
      ),
    ).resolves.toEqual(page);
    expect(seen).toMatchObject({
      method: 'GET',
      url: '/api/kars/audit?limit=1&cursor=8&sandbox=tenant-d&actor=user%3Adefault%2Fops&action=delete&outcome=succeeded&since=2026-11-29T00%3A00%3A00Z',
      auth: 'Bearer adm1n',
    });
    await client().listAudit({ sandbox: undefined, outcome: 'denied' });
    expect(seen.url).toBe('/api/kars/audit?outcome=denied');
    await client().listAudit();
    expect(seen.url).toBe('/api/kars/audit');
  });

  it('throws a ResponseError on a refused audit read', async () => {
    reply = {
      status: 403,
      body: {
        error: { name: 'NotAllowedError', message: 'may not read the audit' },
        request: { method: 'GET', url: '/api/kars/audit' },
        response: { statusCode: 403 },
      },
    };
    const error = await client()
      .listAudit()
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
  });

  it('posts a create and a dry run', async () => {
    reply = {
      status: 201,
      body: { sandbox: { name: 'tenant-a' }, changed: true },
    };
    await client().createSandbox({
      name: 'tenant-a',
      spec: { model: 'gpt-4.1' },
    });
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/kars/sandboxes');
    expect(JSON.parse(seen.body!)).toEqual({
      name: 'tenant-a',
      spec: { model: 'gpt-4.1' },
    });
    reply = {
      status: 200,
      body: { name: 'tenant-a', cluster: 'dev', objects: [] },
    };
    await client().renderSandbox({ name: 'tenant-a' });
    expect(seen.url).toBe('/api/kars/sandboxes?dryRun=true');
  });

  it('escapes names in paths', async () => {
    reply = { status: 200, body: {} };
    await client().getHealth('a/b');
    expect(seen.url).toBe('/api/kars/sandboxes/a%2Fb/health');
  });

  it('answers a delete with no body', async () => {
    reply = { status: 204 };
    await expect(client().deleteSandbox('tenant-c')).resolves.toBeUndefined();
    expect(seen.method).toBe('DELETE');
  });

  it('asks for dry runs of a delete and a credentials write with ?dryRun=true, and answers their plans', async () => {
    const deletePlan = {
      dryRun: true,
      name: 'tenant-c',
      cluster: 'dev',
      deleting: false,
      namespace: { name: 'kars-tenant-c', exists: true, deleted: true },
      objects: [],
    };
    reply = { status: 200, body: deletePlan };
    await expect(
      client().deleteSandbox('tenant-c', { token: 't', dryRun: true }),
    ).resolves.toEqual(deletePlan);
    expect(seen).toMatchObject({
      method: 'DELETE',
      url: '/api/kars/sandboxes/tenant-c?dryRun=true',
      auth: 'Bearer t',
    });

    reply = {
      status: 200,
      body: { dryRun: true, credentialKeys: ['EXA_API_KEY'], restarted: false },
    };
    const request = {
      credentials: { EXA_API_KEY: 'k' },
      mode: 'replace' as const,
    };
    await expect(
      client().putCredentials('tenant-c', request, { dryRun: true }),
    ).resolves.toMatchObject({ dryRun: true, restarted: false });
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe(
      '/api/kars/sandboxes/tenant-c/credentials?dryRun=true',
    );
    expect(JSON.parse(seen.body!)).toEqual(request);

    reply = { status: 200, body: { credentialKeys: [], restarted: true } };
    await client().putCredentials('tenant-c', request);
    expect(seen.url).toBe('/api/kars/sandboxes/tenant-c/credentials');
    reply = { status: 202, body: { name: 'tenant-c' } };
    await expect(client().deleteSandbox('tenant-c')).resolves.toBeUndefined();
    expect(seen.url).toBe('/api/kars/sandboxes/tenant-c');
  });

  it('throws a ResponseError carrying the backend error body', async () => {
    reply = {
      status: 400,
      body: {
        error: {
          name: 'InputError',
          message: 'spec.model must be a model deployment name [model-name]',
        },
        request: { method: 'POST', url: '/api/kars/sandboxes' },
        response: { statusCode: 400 },
      },
    };
    const error = await client()
      .createSandbox({ name: 'x', spec: { model: 'bad name' } })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.body.error.message).toContain('[model-name]');
  });
});
