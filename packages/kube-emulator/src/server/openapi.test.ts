import https from 'node:https';
import {
  KubeTestenv,
  missingBinaryReason,
  startKubeTestenv,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { kubernetesProtos } from '../protobuf/descriptor';
import { OPENAPI_V2_PROTOBUF } from '../protobuf/openapiV2';
import { JsonObject } from '../api/types';
import { KubeEmulator, startKubeEmulator } from '../emulator';
import { deployCrds } from '../testing/fixtures';
import { operationId } from './openapi';

/** CRDs with what the OpenAPI builders treat specially, beside deploy/'s. */
const crd = (
  group: string,
  kind: string,
  scope: string,
  versions: JsonObject[],
): JsonObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: {
    group,
    scope,
    names: { plural: `${kind.toLowerCase()}s`, kind },
    versions,
  },
});

const EXTRA_CRDS = [
  crd('openapi.example.com', 'Apple', 'Cluster', [
    {
      name: 'v1beta2',
      served: true,
      storage: true,
      subresources: {
        scale: {
          specReplicasPath: '.spec.size',
          statusReplicasPath: '.status.size',
        },
      },
      selectableFields: [{ jsonPath: '.spec.color' }],
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              required: ['color', 'note'],
              properties: {
                color: { type: 'string', enum: ['red', 'green'] },
                size: { type: 'integer', minimum: 0, default: 1 },
                port: { 'x-kubernetes-int-or-string': true },
                note: { type: 'string', nullable: true },
                labels: {
                  type: 'object',
                  additionalProperties: { type: 'string' },
                },
                tags: {
                  type: 'array',
                  items: { type: 'string' },
                  'x-kubernetes-list-type': 'set',
                },
                template: {
                  type: 'object',
                  'x-kubernetes-embedded-resource': true,
                  'x-kubernetes-preserve-unknown-fields': true,
                },
                choice: {
                  type: 'object',
                  properties: { a: { type: 'string' }, b: { type: 'string' } },
                  oneOf: [{ required: ['a'] }, { required: ['b'] }],
                },
              },
              'x-kubernetes-validations': [
                { rule: 'self.size < 10', message: 'too big' },
              ],
            },
            status: {
              type: 'object',
              properties: { size: { type: 'integer' } },
            },
          },
        },
      },
    },
  ]),
  crd('openapi.example.com', 'Bag', 'Namespaced', [
    {
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
    {
      name: 'v2',
      served: true,
      storage: false,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: { spec: { type: 'object' } },
        },
      },
    },
  ]),
];

const getJson = (
  url: string,
  token: string,
  ca?: string,
  accept = 'application/json',
): Promise<{ status: number; json: any; bytes: Buffer }> =>
  new Promise((resolve, reject) => {
    https
      .get(
        url,
        {
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: accept,
          },
          ...(ca ? { ca } : {}),
          agent: false,
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const bytes = Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              bytes,
              get json() {
                return bytes.length ? JSON.parse(bytes.toString()) : undefined;
              },
            });
          });
        },
      )
      .on('error', reject);
  });

const post = (url: string, token: string, ca: string, body: object) =>
  new Promise<number>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        ca,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        agent: false,
      },
      r => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });

describe('operation ids', () => {
  it.each([
    ['kars.azure.com', false, 'karsAzureCom'],
    ['kars.azure.com', true, 'KarsAzureCom'],
    ['v1alpha1', true, 'V1alpha1'],
    ['my-group.example.com', false, 'myGroupExampleCom'],
    ['2fa', true, 'Fa'],
  ])('%s (capitalized: %s) is %s', (s, capitalize, id) => {
    expect(operationId(s, capitalize)).toBe(id);
  });
});

const binary = testenvBinaryPath();
if (!binary && process.env.CI === 'true')
  throw new Error(
    `kube-testenv is required with CI=true: ${missingBinaryReason()}`,
  );
const withTestenv = binary ? describe : describe.skip;

withTestenv(
  'OpenAPI of custom resources, as kube-apiserver v1.36 writes it',
  () => {
    const crds = [...deployCrds(), ...EXTRA_CRDS] as JsonObject[];
    const groupVersions = [
      ...new Set(
        crds.flatMap(c =>
          c.spec.versions.map(
            (v: JsonObject) => `apis/${c.spec.group}/${v.name}`,
          ),
        ),
      ),
    ];
    let real: KubeTestenv;
    let emu: KubeEmulator;
    let realCa: string;
    const emuCa = () => {
      const kc = new KubeConfig();
      kc.loadFromString(emu.kubeconfigYaml);
      return Buffer.from(kc.getCurrentCluster()!.caData!, 'base64').toString();
    };
    const fromReal = (path: string, accept?: string) =>
      getJson(`${real.server}${path}`, real.adminToken, realCa, accept);
    const fromEmulator = (path: string, accept?: string) =>
      getJson(`${emu.httpsUrl}${path}`, emu.token, emuCa(), accept);

    beforeAll(async () => {
      [real, emu] = await Promise.all([
        startKubeTestenv({ binaryPath: binary, controllers: 'none' }),
        startKubeEmulator({ crds }),
      ]);
      realCa = Buffer.from(real.caData, 'base64').toString();
      for (const c of crds) {
        const status = await post(
          `${real.server}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`,
          real.adminToken,
          realCa,
          c,
        );
        if (status !== 201)
          throw new Error(`${c.metadata.name} on kube-apiserver: ${status}`);
      }
      for (;;) {
        const index = (await fromReal('/openapi/v3')).json;
        const v2 = (await fromReal('/openapi/v2')).json;
        const inV2 = crds.every(c =>
          Object.keys(v2.paths).some(p =>
            p.startsWith(`/apis/${c.spec.group}/`),
          ),
        );
        if (groupVersions.every(gv => index.paths[gv]) && inV2) break;
        await new Promise(r => setTimeout(r, 250));
      }
    }, 120_000);

    afterAll(async () => {
      await emu?.stop();
      await real?.stop();
    });

    it('serves the same v3 document for each custom group version', async () => {
      for (const gv of groupVersions) {
        const expected = (await fromReal(`/openapi/v3/${gv}`)).json;
        const actual = await fromEmulator(`/openapi/v3/${gv}`);
        expect({ gv, doc: actual.json }).toEqual({ gv, doc: expected });
      }
    });

    it('lists each document in the v3 index with the hash that serves it', async () => {
      const index = (await fromEmulator('/openapi/v3')).json;
      for (const gv of [...groupVersions, 'api/v1', 'apis/apps/v1']) {
        const url: string = index.paths[gv].serverRelativeURL;
        expect(url).toMatch(
          new RegExp(`^/openapi/v3/${gv}\\?hash=[0-9A-F]{128}$`),
        );
        expect((await fromEmulator(url)).status).toBe(200);
      }
      expect(
        (await fromEmulator('/openapi/v3/apis/nothing.example.com/v1')).status,
      ).toBe(404);
    });

    it('merges the same paths and definitions into v2', async () => {
      const expected = (await fromReal('/openapi/v2')).json;
      const actual = (await fromEmulator('/openapi/v2')).json;
      const models = crds.map(c => c.spec.group.split('.').reverse().join('.'));
      const crdPart = (doc: JsonObject) => ({
        paths: Object.fromEntries(
          Object.entries(doc.paths).filter(([p]) =>
            crds.some(c => p.startsWith(`/apis/${c.spec.group}/`)),
          ),
        ),
        definitions: Object.fromEntries(
          Object.entries(doc.definitions).filter(([d]) =>
            models.some(m => d.startsWith(`${m}.`)),
          ),
        ),
      });
      expect(crdPart(actual)).toEqual(crdPart(expected));
      expect(actual.definitions['io.k8s.api.apps.v1.Deployment']).toEqual(
        expected.definitions['io.k8s.api.apps.v1.Deployment'],
      );
    });

    it('serves v2 in gnostic protobuf, as kubectl asks, with the same content', async () => {
      const Document = kubernetesProtos().openapiV2.lookupType(
        'openapi.v2.Document',
      );
      /** The decoded document, its YAML values parsed, its named lists as maps. */
      const decoded = async (from: typeof fromReal) => {
        const res = await from('/openapi/v2', OPENAPI_V2_PROTOBUF);
        expect(res.status).toBe(200);
        const plain = (v: any): any => {
          if (Array.isArray(v)) {
            if (
              v.every(
                e => e && typeof e === 'object' && 'name' in e && 'value' in e,
              )
            )
              return Object.fromEntries(v.map(e => [e.name, plain(e.value)]));
            return v.map(plain);
          }
          if (v && typeof v === 'object') {
            if (typeof v.yaml === 'string') return parse(v.yaml);
            return Object.fromEntries(
              Object.entries(v).map(([k, x]) => [k, plain(x)]),
            );
          }
          return v;
        };
        return plain(
          Document.toObject(Document.decode(res.bytes), { defaults: false }),
        );
      };
      const [expected, actual] = await Promise.all([
        decoded(fromReal),
        decoded(fromEmulator),
      ]);
      const pick = (doc: any) => ({
        paths: Object.fromEntries(
          Object.entries(doc.paths.path).filter(([p]) =>
            crds.some(c => p.startsWith(`/apis/${c.spec.group}/`)),
          ),
        ),
        definitions: Object.fromEntries(
          Object.entries(doc.definitions.additional_properties).filter(
            ([d]) =>
              d === 'io.k8s.api.apps.v1.Deployment' ||
              crds.some(c =>
                d.startsWith(`${c.spec.group.split('.').reverse().join('.')}.`),
              ),
          ),
        ),
        parameters: doc.parameters,
      });
      expect(pick(actual)).toEqual(pick(expected));
    });
  },
);
