/* eslint-disable no-console */
/**
 * Sends the same requests to the kube-emulator and to the real kube-apiserver of test/kube-testenv
 * and prints, per request, SAME or the JSON paths where the answers differ (uids, resourceVersions,
 * timestamps and allocated IPs are normalised; key order is ignored).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/emulator-vs-real/parity.ts
 */
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  missingBinaryReason,
  startKubeTestenv,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Step = [
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
];
type Send = (...step: Step) => Promise<{ status: number; json: unknown }>;

/** The body as JSON, or as text when it is not JSON (kube-apiserver's "404 page not found"). */
function parse(data: string): unknown {
  try {
    return data ? JSON.parse(data) : undefined;
  } catch {
    return data;
  }
}

function sender(kubeconfigYaml: string): Send {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml);
  const cluster = kc.getCurrentCluster()!;
  const token = kc.getCurrentUser()?.token;
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined;
  return (method, path, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const url = new URL(cluster.server + path);
      const payload =
        body === undefined
          ? undefined
          : typeof body === 'string'
          ? body
          : JSON.stringify(body);
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method,
          ca,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'content-type': contentType,
            ...(payload
              ? { 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        res => {
          let data = '';
          res.on('data', c => (data += c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: parse(data),
            }),
          );
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
}

const VOLATILE = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'time',
  'lastTransitionTime',
  'lastUpdateTime',
  'clusterIP',
]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function normalise(v: unknown, key = ''): unknown {
  if (Array.isArray(v))
    return key === 'clusterIPs' ? ['<ip>'] : v.map(x => normalise(x));
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        VOLATILE.has(k) && typeof x === 'string'
          ? '<volatile>'
          : normalise(x, k),
      ]),
    );
  }
  return typeof v === 'string'
    ? v.replace(UUID, '<uid>').replace(/record \(\d+\)/, 'record (<rv>)')
    : v;
}

function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap(k =>
      differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      ),
    );
  }
  return [
    `${path || '.'}: emulator ${JSON.stringify(a)} | real ${JSON.stringify(b)}`,
  ];
}

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, annotations: { note: 'x' } },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx:1',
            ports: [{ containerPort: 80 }],
            resources: { requests: { cpu: '0.5', memory: '1024Mi' } },
          },
        ],
        volumes: [{ name: 'v' }],
      },
    },
  },
});

const sandbox = (name: string, spec: object = {}) => ({
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  metadata: { name },
  spec: { inferenceRef: { name: 'p' }, ...spec },
});

const apply = (body: object) => JSON.stringify(body);
const APPLY = 'application/apply-patch+yaml';
const ns = 'parity';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const deploys = `/apis/apps/v1/namespaces/${ns}/deployments`;
const ks = `/apis/kars.azure.com/v1alpha1/namespaces/${ns}/karssandboxes`;

const STEPS: Step[] = [
  ['POST', '/api/v1/namespaces', { metadata: { name: ns } }],
  [
    'POST',
    cms,
    { metadata: { name: 'c1', labels: { a: 'b' } }, data: { k: 'v' } },
  ],
  ['POST', cms, { metadata: { name: 'c1' } }],
  [
    'POST',
    cms,
    { metadata: { name: 'Bad_Name', labels: { 'bad key!': 'v' } } },
  ],
  [
    'PUT',
    `${cms}/c1`,
    { metadata: { name: 'c1', resourceVersion: '1' }, data: { x: 'y' } },
  ],
  [
    'PATCH',
    `${cms}/c2?fieldManager=a`,
    apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c2' },
      data: { k: 'v' },
    }),
    APPLY,
  ],
  [
    'PATCH',
    `${cms}/c2?fieldManager=b`,
    apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c2' },
      data: { k: 'other' },
    }),
    APPLY,
  ],
  [
    'PATCH',
    `${cms}/c2?fieldManager=b&force=true`,
    apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c2' },
      data: { k: 'other' },
    }),
    APPLY,
  ],
  [
    'PATCH',
    `${cms}/c1`,
    [{ op: 'add', path: '/data/n', value: '1' }],
    'application/json-patch+json',
  ],
  ['DELETE', `${cms}/c1`, { preconditions: { resourceVersion: '1' } }],
  ['DELETE', `${cms}/c1`],
  ['POST', deploys, deployment('web')],
  [
    'PATCH',
    `${deploys}/web`,
    {
      spec: {
        template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } },
      },
    },
    'application/strategic-merge-patch+json',
  ],
  [
    'PATCH',
    `${deploys}/web/status`,
    { status: { replicas: 1, readyReplicas: 1 } },
    'application/merge-patch+json',
  ],
  [
    'POST',
    deploys,
    {
      metadata: { name: 'nosel' },
      spec: { template: { spec: { containers: [{ name: 'c' }] } } },
    },
  ],
  [
    'POST',
    `/api/v1/namespaces/${ns}/services`,
    {
      metadata: { name: 'svc' },
      spec: {
        selector: { app: 'web' },
        ports: [{ port: 80, targetPort: 'http' }],
      },
    },
  ],
  [
    'POST',
    `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`,
    {
      metadata: { name: 'np' },
      spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] },
    },
  ],
  [
    'POST',
    `/api/v1/namespaces/${ns}/secrets`,
    { metadata: { name: 's' }, stringData: { a: 'b' } },
  ],
  ['POST', ks, sandbox('s1', { channels: [{ type: 'slack' }] })],
  ['POST', ks, sandbox('s2', { sandbox: { isolation: 'bogus' } })],
  [
    'POST',
    ks,
    sandbox('s3', { channels: [{ type: 'slack' }, { type: 'slack' }] }),
  ],
  [
    'PATCH',
    `${ks}/s1/status`,
    { status: { phase: 'Running' } },
    'application/merge-patch+json',
  ],
  ['GET', `${cms}?labelSelector=a%20in%20b`],
  ['GET', `${cms}?fieldSelector=data.x%3Dy`],
  ['GET', `/apis/apps/v1/namespaces/${ns}/nothings`],
  ['POST', '/api/v1/namespaces/absent/configmaps', { metadata: { name: 'x' } }],
  ['DELETE', `/api/v1/namespaces/${ns}`],
];

function deployCrds(): object[] {
  const dir = join(process.cwd(), 'deploy');
  return ['10-crd-karssandboxes.yaml', '11-crd-inferencepolicies.yaml'].flatMap(
    f =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map(d => d.toJS()),
  );
}

async function main() {
  const binaryPath = testenvBinaryPath();
  if (!binaryPath) throw new Error(missingBinaryReason());
  const crds = deployCrds();
  const emu = await startKubeEmulator({ crds });
  const real = await startKubeTestenv({ binaryPath });
  try {
    const emulator = sender(emu.kubeconfigYaml);
    const server = sender(real.kubeconfigYaml);
    for (const crd of crds)
      await server(
        'POST',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        crd,
      );
    for (
      let i = 0;
      i < 100 &&
      (await server('GET', '/apis/kars.azure.com/v1alpha1')).status !== 200;
      i++
    ) {
      await new Promise(r => setTimeout(r, 100));
    }
    let same = 0;
    for (const step of STEPS) {
      const [a, b] = [await emulator(...step), await server(...step)];
      const diff = differences(
        normalise([a.status, a.json]),
        normalise([b.status, b.json]),
      );
      if (diff.length)
        console.log(`DIFF ${step[0]} ${step[1]}\n  ${diff.join('\n  ')}`);
      else same++;
    }
    console.log(
      `${same} of ${STEPS.length} requests answered the same by the emulator and kube-apiserver ${real.version}`,
    );
  } finally {
    await emu.stop();
    await real.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
