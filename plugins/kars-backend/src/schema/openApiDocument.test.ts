import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import Ajv2020 from 'ajv/dist/2020';
import fs from 'fs';
import { AddressInfo } from 'net';
import path from 'path';
import { karsPlugin } from '../plugin';
import { openApiDocument } from './openApiDocument';

jest.setTimeout(180_000);

const FILE = path.join(__dirname, 'openapi.json');
const committed = () => JSON.parse(fs.readFileSync(FILE, 'utf8'));

type Json = { [key: string]: any };

describe('the OpenAPI document of /api/kars', () => {
  it('is the one generated from the zod contract, committed beside it', () => {
    const generated = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
    // Regenerate with KARS_UPDATE_GENERATED=1 and this test (as the CRDs are).
    if (process.env.KARS_UPDATE_GENERATED === '1') {
      fs.writeFileSync(FILE, generated);
    }
    expect(fs.readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(await new Validator().validate(committed())).toEqual({
      valid: true,
    });
  });
});

/** Each operation of the document, the deletes last (an example deletes the examples' sandbox). */
function operations(doc: Json) {
  const all = Object.entries(doc.paths as Json).flatMap(([route, item]) =>
    Object.entries(item as Json).map(([method, op]) => ({
      method: method.toUpperCase(),
      route,
      op: op as Json,
    })),
  );
  return [
    ...all.filter(o => o.method !== 'DELETE'),
    ...all.filter(o => o.method === 'DELETE'),
  ];
}

/** The keys of an operation's examples, over its parameters and its body. */
function exampleKeys(op: Json): string[] {
  const keys = new Set<string>();
  for (const p of op.parameters ?? []) {
    for (const k of Object.keys(p.examples ?? {})) keys.add(k);
  }
  const media = op.requestBody?.content?.['application/json'];
  for (const k of Object.keys(media?.examples ?? {})) keys.add(k);
  return [...keys];
}

/** The request an example makes: its path, query and body, each from the document. */
function exampleRequest(route: string, op: Json, key: string) {
  const params = (op.parameters ?? []) as Json[];
  const value = (p: Json) => p.examples?.[key]?.value;
  let url = route;
  for (const p of params.filter(k => k.in === 'path')) {
    url = url.replace(`{${p.name}}`, encodeURIComponent(value(p)));
  }
  const query = new URLSearchParams(
    params
      .filter(p => p.in === 'query' && value(p) !== undefined)
      .map(p => [p.name, String(value(p))]),
  ).toString();
  const body =
    op.requestBody?.content?.['application/json']?.examples?.[key]?.value;
  return { url: query ? `${url}?${query}` : url, body };
}

/** Points the document's references at the document added to ajv under `id`. */
function rebase(schema: Json, id: string): Json {
  return JSON.parse(
    JSON.stringify(schema).replace(/"#\/components\//g, `"${id}#/components/`),
  );
}

describe.each(clusterTargetNames())(
  'the documented examples through the router on the %s',
  targetName => {
    let target: ClusterTarget;
    let baseUrl: string;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
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
      baseUrl = `http://localhost:${
        (backend.server.address() as AddressInfo).port
      }/api/kars`;
      stop = () => backend.stop();
    });

    afterAll(async () => {
      await stop?.();
      await target?.stop();
    });

    it('answers every example with a documented status and a body of its schema', async () => {
      const doc = committed();
      const ajv = new Ajv2020({ strict: false, validateFormats: false });
      ajv.addSchema(doc, 'kars-openapi');
      const answered: string[] = [];
      const untried: string[] = [];
      const texts: string[] = [];
      for (const { method, route, op } of operations(doc)) {
        const keys = exampleKeys(op);
        if (
          !keys.length &&
          (op.parameters ?? []).some((p: Json) => p.required)
        ) {
          untried.push(`${method} ${route}`);
          continue;
        }
        for (const key of keys.length ? keys : ['']) {
          const { url, body } = exampleRequest(route, op, key);
          const res = await fetch(`${baseUrl}${url}`, {
            method,
            headers: {
              Authorization: mockCredentials.user.header(),
              ...(body ? { 'Content-Type': 'application/json' } : {}),
            },
            body: body ? JSON.stringify(body) : undefined,
          });
          const text = await res.text();
          // The document itself holds the examples' credential values.
          if (route !== '/openapi.json') texts.push(text);
          const what = `${method} ${url}: ${res.status} ${text.slice(0, 300)}`;
          expect({ what, ok: res.ok }).toEqual({ what, ok: true });
          const response = op.responses[String(res.status)];
          expect({ what, documented: Boolean(response) }).toEqual({
            what,
            documented: true,
          });
          const validate = ajv.compile(
            rebase(response.content['application/json'].schema, 'kars-openapi'),
          );
          const valid = validate(JSON.parse(text));
          expect({ what, errors: validate.errors ?? null, valid }).toEqual({
            what,
            errors: null,
            valid: true,
          });
          answered.push(`${method} ${route} ${key}`.trim());
        }
      }
      // Logs answer text from a running container: logs.test.ts reads them.
      expect(untried).toEqual(['GET /sandboxes/{name}/logs']);
      expect(answered).toEqual(
        expect.arrayContaining([
          'POST /sandboxes create',
          'PATCH /sandboxes/{name} change',
          'PUT /sandboxes/{name}/credentials rotate',
          'DELETE /sandboxes/{name} delete',
          'GET /openapi.json',
        ]),
      );
      const served = await fetch(`${baseUrl}/openapi.json`, {
        headers: { Authorization: mockCredentials.user.header() },
      });
      expect(await served.json()).toEqual(doc);
      expect(texts.filter(t => t.includes('ExampleOnlyValue'))).toEqual([]);
    });
  },
);
