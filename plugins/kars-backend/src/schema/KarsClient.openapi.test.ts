import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { KarsClient } from '@kars-portal/plugin-kars-common';
import {
  ClusterTarget,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import Ajv2020 from 'ajv/dist/2020';
import fs from 'fs';
import { AddressInfo } from 'net';
import path from 'path';
import { karsPlugin } from '../plugin';
import { EXAMPLE_SANDBOX } from './openApiDocument';

jest.setTimeout(120_000);

type Json = { [key: string]: any };

const doc: Json = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'openapi.json'), 'utf8'),
);

/** One request the client made and what the backend answered. */
interface Exchange {
  method: string;
  url: URL;
  body?: unknown;
  status: number;
  contentType: string;
  text: string;
}

/** The documented operation of a request: its route template and method, or undefined. */
function operationOf(method: string, pathname: string) {
  for (const [route, item] of Object.entries(doc.paths as Json)) {
    const pattern = new RegExp(
      `^/api/kars${route.replace(/\{[^}]+\}/g, '[^/]+')}$`,
    );
    const op = (item as Json)[method.toLowerCase()];
    if (pattern.test(pathname) && op) return { route, op: op as Json };
  }
  return undefined;
}

/** A query value as its parameter's schema types it. */
function typed(value: string, schema: Json): unknown {
  if (schema.type === 'integer' || schema.type === 'number') {
    return Number(value);
  }
  if (schema.type === 'boolean') return value === 'true';
  return value;
}

/**
 * The typed client of kars-common against the OpenAPI document: every call of the client, against
 * the real router, is a documented operation whose query, body and answer are of the document's
 * schemas, and the client reaches every operation of the document.
 */
describe('KarsClient against the OpenAPI document', () => {
  let target: ClusterTarget;
  let stop: () => Promise<void>;
  let client: KarsClient;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    target = await startClusterTarget('emulator');
    const backend = await startTestBackend({
      features: [
        karsPlugin,
        mockServices.rootConfig.factory({
          data: {
            kars: {
              clusters: [
                {
                  name: 'primary',
                  type: 'kubeconfig',
                  kubeconfigPath: target.backendKubeconfigPath,
                },
              ],
            },
          },
        }),
      ],
    });
    const baseUrl = `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }/api/kars`;
    stop = () => backend.stop();
    client = new KarsClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      fetchApi: {
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const text = await response.clone().text();
          exchanges.push({
            method: init?.method ?? 'GET',
            url: new URL(String(input)),
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
            status: response.status,
            contentType: response.headers.get('content-type') ?? '',
            text,
          });
          return response;
        },
      },
    });
  });

  afterAll(async () => {
    await stop?.();
    await target?.stop();
  });

  it('makes only documented requests and gets documented answers, for every operation', async () => {
    const token = { token: mockCredentials.user.token() };
    const name = EXAMPLE_SANDBOX;
    const request = {
      name,
      spec: {
        owner: 'group:default/team-a',
        sandbox: { isolation: 'standard' as const },
      },
    };
    await client.getCluster(token);
    await client.validateSandbox(request, token);
    await client.renderSandbox(request, token);
    await client.createSandbox(request, token);
    await client.listSandboxes({ limit: 5, include: 'spec' }, token);
    await client.getSandbox(name, token);
    await client.updateSandbox(
      name,
      { model: 'gpt-4o' },
      { ...token, dryRun: true },
    );
    await client.updateSandbox(name, { model: 'gpt-4o' }, token);
    await client.putCredentials(
      name,
      {
        credentials: { SLACK_BOT_TOKEN: 'xoxb-5-6-ClientOnlyValue' },
        restart: false,
      },
      { ...token, dryRun: true },
    );
    await client.putCredentials(
      name,
      {
        credentials: { SLACK_BOT_TOKEN: 'xoxb-5-6-ClientOnlyValue' },
        restart: false,
      },
      token,
    );
    await client.getHealth(name, token);
    await client.getManifests(name, token);
    await client.getAgentCard(name, token);
    await client.getEvents(name, token);
    await client.getKubeEvents(name, token);
    await client.getUsageHistory(name, { days: 7 }, token);
    await client.listAudit({ limit: 5 }, token);
    // On the emulator the sandbox's pod may not be there yet: the answer must be documented either way.
    await client.getLogs(name, { tailLines: 10 }, token).catch(() => undefined);
    await client.deleteSandbox(name, { ...token, dryRun: true });
    await client.deleteSandbox(name, token);

    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'kars-openapi');
    const check = (schema: Json, value: unknown, what: string) => {
      const validate = ajv.compile(
        JSON.parse(
          JSON.stringify(schema).replace(
            /"#\/components\//g,
            '"kars-openapi#/components/',
          ),
        ),
      );
      const valid = validate(value);
      expect({ what, valid, errors: validate.errors ?? null }).toEqual({
        what,
        valid: true,
        errors: null,
      });
    };

    const reached = new Set<string>();
    for (const e of exchanges) {
      const what = `${e.method} ${e.url.pathname}${e.url.search} ${e.status}`;
      const found = operationOf(e.method, e.url.pathname);
      expect({ what, documented: Boolean(found) }).toEqual({
        what,
        documented: true,
      });
      const { route, op } = found!;
      reached.add(`${e.method} ${route}`);
      const params = (op.parameters ?? []) as Json[];
      for (const [key, value] of e.url.searchParams) {
        const param = params.find(p => p.in === 'query' && p.name === key);
        expect({ what, key, documented: Boolean(param) }).toEqual({
          what,
          key,
          documented: true,
        });
        check(param!.schema, typed(value, param!.schema), `${what} ?${key}`);
      }
      if (e.body !== undefined) {
        check(
          op.requestBody.content['application/json'].schema,
          e.body,
          `${what} body`,
        );
      }
      let response = op.responses[String(e.status)];
      expect({ what, answered: Boolean(response) }).toEqual({
        what,
        answered: true,
      });
      if (response.$ref) {
        response = doc.components.responses[response.$ref.split('/').pop()];
      }
      if (e.contentType.startsWith('application/json')) {
        check(
          response.content['application/json'].schema,
          JSON.parse(e.text),
          `${what} answer`,
        );
      }
    }
    const documented = Object.entries(doc.paths as Json).flatMap(
      ([route, item]) =>
        Object.keys(item as Json).map(m => `${m.toUpperCase()} ${route}`),
    );
    expect(documented.filter(o => !reached.has(o))).toEqual([
      'GET /openapi.json',
    ]);
    expect(exchanges.filter(e => e.text.includes('ClientOnlyValue'))).toEqual(
      [],
    );
  });
});
