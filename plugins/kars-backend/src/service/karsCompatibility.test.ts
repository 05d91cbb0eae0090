import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  ISOLATION_LEVELS,
  IsolationLevel,
  KARS_API_GROUP_VERSION,
  KARS_FINALIZER,
  KARS_SANDBOX_KIND,
  RUNTIME_KINDS,
  RuntimeKind,
} from '@kars-portal/plugin-kars-common';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import request from 'supertest';
import { eventually } from '../__testUtils__/backend';
import { karsPlugin } from '../plugin';
import { finalizersOf } from '../reconcile/finalize';
import { KarsSandboxObject } from './sandboxObject';

jest.setTimeout(180_000);

/** The block of kars's spec that configures each runtime (kars `controller/src/crd.rs`). */
function runtimeBlock(kind: RuntimeKind): Record<string, unknown> {
  switch (kind) {
    case 'OpenClaw':
      return {
        openclaw: {
          version: '2026.1.0',
          image: 'ghcr.io/openclaw/openclaw:2026.1.0',
          extraEnv: [{ name: 'LOG_LEVEL', value: 'info' }],
          workspace: {
            bootstrapConfigMapRef: { name: 'workspace-seed' },
            overwritePolicy: 'IfMissing',
          },
        },
      };
    case 'Hermes':
      return { hermes: { version: '0.4.0', entrypoint: 'hermes serve' } };
    case 'BYO':
      return {
        byo: {
          image: 'ghcr.io/contoso/agent:1.0.0',
          command: ['/agent'],
          args: ['--serve'],
          env: [{ name: 'MODE', value: 'a2a' }],
          contractVersion: 'v1',
        },
      };
    default:
      return {
        [kind.charAt(0).toLowerCase() + kind.slice(1)]: {
          pythonVersion: '3.12',
          agentCode: {
            git: { url: 'https://github.com/contoso/agent', ref: 'main' },
          },
          entrypoint: 'main.py',
        },
      };
  }
}

/**
 * A KarsSandbox spec as the kars CLI writes it, in the layout of kars's own CRD: the fields the
 * portal knows, with kars's own inside the blocks they share and beside them.
 */
function karsSpec(
  name: string,
  kind: RuntimeKind,
  isolation: IsolationLevel,
): Record<string, unknown> {
  return {
    runtime: { kind },
    ...runtimeBlock(kind),
    sandbox: {
      isolation,
      seccompProfile: 'kars-strict',
      selinuxContext: '',
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      writablePaths: ['/sandbox', '/tmp'],
    },
    inferenceRef: { name },
    memoryRef: { name: `${name}-memory` },
    networkPolicy: {
      defaultDeny: true,
      egressMode: 'Strict',
      allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
      allowlistRef: {
        registry: 'ghcr.io',
        repository: 'contoso/allowlists',
        digest: `sha256:${'a'.repeat(64)}`,
        artifactType: 'application/vnd.kars.allowlist.v1+json',
      },
    },
    governance: {
      enabled: true,
      toolPolicyRef: { name: 'kars-default' },
      trustThreshold: 600,
      trustedPeers: ['tenant-x'],
      registryMode: 'local',
      mcpServerRefs: [{ name: 'github' }],
    },
    agent: {
      instructions: 'Answer in one paragraph.',
      tools: [{ type: 'web_search' }],
      fileIds: ['file-1'],
    },
    resources: {
      limits: { cpu: '1', memory: '2Gi' },
      requests: { cpu: '250m', memory: '512Mi' },
    },
    suspended: false,
    a2a: {
      enabled: true,
      minimumTrustScore: 700,
      rateLimit: { rpm: 60, burst: 10 },
      bodyCapBytes: 1048576,
      sessionMaxSeconds: 60,
      allowStreaming: false,
      allowedCallers: [
        { jwsThumbprint: 'thumbprint-1', issuer: 'https://issuer.example' },
      ],
    },
    meshAuth: { mode: 'strict' },
    upstreamCompatibility: { sigsAgentSandbox: 'observe' },
    credentialsRef: { name: `${name}-credentials` },
    storage: { workspace: { size: '1Gi', storageClassName: 'managed-csi' } },
  };
}

/** One sandbox per runtime, the isolation levels in turn. */
const SANDBOXES = RUNTIME_KINDS.map((kind, i) => {
  const name = `kars-${kind.toLowerCase()}`;
  const isolation = ISOLATION_LEVELS[i % ISOLATION_LEVELS.length];
  return {
    name,
    kind,
    isolation,
    next: ISOLATION_LEVELS[(i + 1) % ISOLATION_LEVELS.length],
    /** Every other one also gets a new egress entry (its array replaced). */
    newEndpoint: i % 2 === 0,
    spec: karsSpec(name, kind, isolation),
  };
});

describe.each(clusterTargetNames())(
  'a sandbox the kars CLI wrote, read and changed through the portal on the %s',
  targetName => {
    let target: ClusterTarget;
    let server: any;
    let stopBackend: () => Promise<void>;
    const jane = mockCredentials.user.header('user:default/jane');
    const api = (method: 'get' | 'patch' | 'put', path: string) =>
      request(server)[method](`/api/kars${path}`).set('Authorization', jane);
    const live = async (name: string) =>
      (await target.admin.get<KarsSandboxObject>({
        apiVersion: KARS_API_GROUP_VERSION,
        kind: KARS_SANDBOX_KIND,
        name,
        namespace: 'kars-system',
      }))!;

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      for (const { name, spec } of SANDBOXES) {
        await target.admin.create({
          apiVersion: KARS_API_GROUP_VERSION,
          kind: KARS_SANDBOX_KIND,
          metadata: { name, namespace: 'kars-system' },
          spec,
        });
      }
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
      server = backend.server;
      stopBackend = () => backend.stop();
    });

    afterAll(async () => {
      await stopBackend?.();
      await target?.stop();
    });

    it('stores every kars field as written (the CRD keeps them)', async () => {
      for (const { name, spec } of SANDBOXES) {
        expect((await live(name)).spec).toMatchObject(spec);
      }
    });

    it('reads each with the runtime, isolation, egress, governance, A2A and limits as written', async () => {
      for (const { name, kind, isolation } of SANDBOXES) {
        const res = await eventually(`${name} in the portal`, async () => {
          const got = await api('get', `/sandboxes/${name}`);
          return got.status === 200 && got;
        });
        expect(res.body.spec).toMatchObject({
          runtime: { kind },
          sandbox: { isolation },
          networkPolicy: {
            allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
          },
          governance: { enabled: true, trustThreshold: 600 },
          a2a: { enabled: true },
          resources: { limits: { cpu: '1', memory: '2Gi' } },
          suspended: false,
        });
      }
    });

    it('changes each through the portal (PATCH, suspend, credentials, the finalizer and status of the reconciler) without losing a kars field', async () => {
      for (const s of SANDBOXES) {
        const endpoints = [
          { host: 'api.github.com', port: 443 },
          ...(s.newEndpoint
            ? [{ host: 'api.contoso.example', port: 8443 }]
            : []),
        ];
        const patched = await api('patch', `/sandboxes/${s.name}`).send({
          model: 'gpt-4o',
          sandbox: { isolation: s.next },
          tokenBudget: { dailyTokens: 1000 },
          governance: { trustThreshold: 800 },
          networkPolicy: { allowedEndpoints: endpoints },
        });
        expect(patched.status).toBe(200);
        expect(patched.body.sandbox.spec.sandbox.isolation).toBe(s.next);
        const suspended = await api('patch', `/sandboxes/${s.name}`).send({
          suspended: true,
        });
        expect(suspended.status).toBe(200);
      }
      const credentials = await api(
        'put',
        `/sandboxes/${SANDBOXES[0].name}/credentials`,
      ).send({ credentials: { BRAVE_API_KEY: 'brave-test-key' } });
      expect(credentials.status).toBe(200);

      for (const s of SANDBOXES) {
        const after = await eventually(
          `${s.name} finalized and with a status`,
          async () => {
            const object = await live(s.name);
            const done =
              finalizersOf(object).includes(KARS_FINALIZER) &&
              Boolean(object.status?.phase);
            return done && object;
          },
        );
        const before = s.spec as Record<string, any>;
        expect(after.spec).toMatchObject({
          ...before,
          model: 'gpt-4o',
          suspended: true,
          sandbox: { ...before.sandbox, isolation: s.next },
          tokenBudget: { dailyTokens: 1000 },
          governance: { ...before.governance, trustThreshold: 800 },
          networkPolicy: {
            ...before.networkPolicy,
            allowedEndpoints: s.newEndpoint
              ? [
                  { host: 'api.github.com', port: 443 },
                  { host: 'api.contoso.example', port: 8443 },
                ]
              : before.networkPolicy.allowedEndpoints,
          },
        });
      }
    });
  },
);
