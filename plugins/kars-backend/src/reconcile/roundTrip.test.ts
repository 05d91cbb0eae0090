import { mockServices } from '@backstage/backend-test-utils';
import {
  GENERATED_TOKEN_KEY,
  ISOLATION_LEVELS,
  KARS_API_GROUP_VERSION,
  KARS_SANDBOX_KIND,
  sandboxSpecSchema,
  SandboxSpec,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { ownedObjectTransform } from '../kube/transforms';
import { describeDifference, subsetDifferences } from '../render/deepSubset';
import { renderSandbox } from '../render/renderSandbox';
import { SecretSource } from '../render/secrets';
import { ClusterConnection } from '../service/ClusterConnection';
import { buildHealth, observeHealth } from '../service/health';
import {
  buildSandboxObject,
  KarsSandboxObject,
  toSandbox,
} from '../service/sandboxObject';
import { UsageReader } from '../service/usage';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { Reconciler } from './Reconciler';
import {
  backendConnection,
  backendGateway,
  eventually,
} from '../__testUtils__/backend';
import { KubeObject } from '@kars-portal/plugin-kars-node';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

const CLIENT_ID = '6c6f3e2a-1b2c-4d5e-8f90-123456789abc';

/** A host, an IP and a CIDR, most of them on ports other than 443. */
const ALLOWLIST = [
  { host: 'api.github.com', port: 443 },
  { host: 'registry.example.com', port: 8080 },
  { host: '203.0.113.7', port: 5432 },
  { host: '198.51.100.0/24', port: 8443 },
];

/** Limits as a user may write them, in the server's canonical form or not (stored as 1500m, 3Gi). */
const LIMITS = [
  { cpu: '1500m', memory: '2Gi' },
  { cpu: '1.5', memory: '3072Mi' },
];

const CHANNELS = {
  none: [],
  several: [{ type: 'telegram' }, { type: 'slack' }, { type: 'discord' }],
} as const;

const MATRIX = ISOLATION_LEVELS.flatMap(isolation =>
  [false, true].flatMap(governance =>
    (Object.keys(CHANNELS) as Array<keyof typeof CHANNELS>).map(
      (channels, i) => ({
        name: `rt-${isolation}-${governance ? 'gov' : 'nogov'}-${channels}`,
        spec: sandboxSpecSchema.parse({
          sandbox: { isolation },
          model: 'gpt-4.1',
          owner: 'group:default/team-a',
          tokenBudget: {
            perRequestTokens: 8000,
            dailyTokens: 100000,
            monthlyTokens: 2000000,
          },
          governance: { enabled: governance },
          channels: [...CHANNELS[channels]],
          networkPolicy: { allowedEndpoints: ALLOWLIST },
          a2a: governance
            ? {
                enabled: true,
                description: 'round trip',
                skills: [
                  {
                    id: 'rt',
                    name: 'Round trip',
                    description: 'Round trip',
                    tags: ['test'],
                  },
                ],
              }
            : { enabled: false },
          resources: { limits: LIMITS[i] },
          workloadIdentity: { clientId: CLIENT_ID },
        } satisfies SandboxSpecInput),
      }),
    ),
  ),
);

/** One object the reconciler writes, as rendered; Secrets carry no data here. */
interface Written {
  object: KubeObject;
  secret?: SecretSource;
}

/**
 * Every object in a rendering, whatever fields renderSandbox returns (single objects, lists of
 * objects, Secret shells), except Secrets the reconciler does not write (credentials).
 */
function writtenObjects(rendered: ReturnType<typeof renderSandbox>) {
  const all: Written[] = (Object.values(rendered) as unknown[])
    .flatMap(v => (Array.isArray(v) ? v : [v]))
    .map(v => {
      const shell = v as { object?: KubeObject; source?: SecretSource };
      return shell.object && shell.source
        ? { object: shell.object, secret: shell.source }
        : { object: v as KubeObject };
    });
  return all.filter(w => w.secret?.kind !== 'credentials');
}

const label = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${
    o.metadata.name
  }`;

/**
 * What the live object lacks of the rendered one, each with its path. Secrets: everything but data,
 * then the data keys; their values are never compared nor shown.
 */
function roundTripDifferences(
  { object, secret }: Written,
  live: KubeObject | undefined,
): string[] {
  if (!live) return [`${label(object)}: missing on the server`];
  const differences = subsetDifferences(object, live).map(
    d => `${label(object)}: ${describeDifference(d)}`,
  );
  if (secret?.kind === 'generated') {
    const keys = Object.keys((live.data as object | undefined) ?? {}).sort();
    if (keys.join() !== GENERATED_TOKEN_KEY) {
      differences.push(
        `${label(object)}: data keys [${keys.join(
          ', ',
        )}] live, [${GENERATED_TOKEN_KEY}] rendered`,
      );
    }
  }
  return differences;
}

describe.each(clusterTargetNames())(
  'round trip of every object the reconciler writes, on the %s',
  targetName => {
    let target: ClusterTarget;
    let connection: ClusterConnection;
    let reconciler: Reconciler;

    const sandboxRef = (name: string) => ({
      apiVersion: KARS_API_GROUP_VERSION,
      kind: KARS_SANDBOX_KIND,
      name,
      namespace: 'kars-system',
    });
    const liveSandbox = async (name: string) =>
      (await target.admin.get<KarsSandboxObject>(sandboxRef(name)))!;
    const rendering = async (name: string, spec: SandboxSpec) =>
      renderSandbox({
        name,
        spec,
        cluster: connection.config.settings,
        sandboxUid: String((await liveSandbox(name)).metadata.uid),
      });
    const readBack = (o: KubeObject) =>
      target.admin.get({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
      });
    const health = async (name: string) => {
      const sandbox = toSandbox(await liveSandbox(name), 'primary');
      const [observation, usage] = await Promise.all([
        observeHealth(connection.gateway, sandbox),
        new UsageReader(undefined, logger).snapshot(),
      ]);
      return buildHealth(
        sandbox,
        observation,
        usage,
        false,
        connection.config.settings,
      );
    };
    const networkLayer = async (name: string) =>
      (await health(name)).layers.find(l => l.layer === 'network')!;

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      connection = backendConnection(target, backendGateway(target), logger);
      reconciler = new Reconciler(connection, logger, {
        baseDelayMs: 100,
        maxDelayMs: 1000,
      });
      await Promise.all(
        MATRIX.map(({ name, spec }) =>
          target.admin.create(buildSandboxObject(name, spec, 'kars-system')),
        ),
      );
      await reconciler.start();
      await Promise.all(
        MATRIX.map(({ name }) =>
          eventually(
            `${name} Running`,
            async () =>
              ((await liveSandbox(name)) as any).status?.phase === 'Running',
          ),
        ),
      );
      await reconciler.whenIdle();
    });

    afterAll(async () => {
      reconciler?.stop();
      await connection?.stop();
      await target?.stop();
    });

    it.each(MATRIX)(
      '$name: each live object contains everything rendered',
      async ({ name, spec }) => {
        const written = writtenObjects(await rendering(name, spec));
        expect(written.map(w => w.object.kind)).toEqual(
          expect.arrayContaining([
            'Namespace',
            'NetworkPolicy',
            'Deployment',
            'Secret',
          ]),
        );
        const differences = (
          await Promise.all(
            written.map(async w =>
              roundTripDifferences(w, await readBack(w.object)),
            ),
          )
        ).flat();
        expect(differences).toEqual([]);
      },
    );

    it.each(MATRIX)(
      '$name: each live object, as the reconciler caches it, still contains everything rendered',
      async ({ name, spec }) => {
        // Secrets are never cached; every other object is read through its informer transform.
        const cached = writtenObjects(await rendering(name, spec)).filter(
          w => w.object.kind !== 'Secret',
        );
        const differences = (
          await Promise.all(
            cached.map(async w => {
              const live = await readBack(w.object);
              return roundTripDifferences(
                w,
                live && ownedObjectTransform(w.object.kind)(live),
              );
            }),
          )
        ).flat();
        expect(differences).toEqual([]);
      },
    );

    it('says the network layer is verified from the live policies of every sandbox', async () => {
      const layers = await Promise.all(MATRIX.map(m => networkLayer(m.name)));
      expect(
        layers.map(l => (l.state === 'verified' ? l.state : l.evidence)),
      ).toEqual(MATRIX.map(() => 'verified'));
      expect(layers[0].evidence[0]).toMatch(
        /^NetworkPolicy kars-rt-\S+\/sandbox-policy read from the cluster contains the rendered one/,
      );
    });

    it('names what an admin changed on a live policy until it is repaired', async () => {
      reconciler.stop();
      const policyRef = (name: string) => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        name: 'sandbox-policy',
        namespace: `kars-${name}`,
      });
      const [withoutFrom, widened, deleted] = [
        'rt-standard-nogov-none',
        'rt-enhanced-gov-several',
        'rt-confidential-nogov-several',
      ];
      const live = await target.admin.get<any>(policyRef(withoutFrom));
      await target.admin.mergePatch(
        policyRef(withoutFrom),
        {
          spec: {
            ingress: live.spec.ingress.map(
              ({ from: _from, ...rule }: any) => rule,
            ),
          },
        },
        { fieldManager: 'an-admin' },
      );
      await target.admin.mergePatch(
        policyRef(widened),
        { spec: { ingress: [{}] } },
        { fieldManager: 'an-admin' },
      );
      await target.admin.delete(policyRef(deleted));

      const a = await health(withoutFrom);
      const aNetwork = a.layers.find(l => l.layer === 'network')!;
      expect(aNetwork.state).toBe('missing');
      expect(aNetwork.evidence).toEqual([
        'sandbox-policy: spec.ingress[0].from missing on the live object',
      ]);
      expect(a.findings).toContainEqual({
        severity: 'error',
        code: 'NetworkPolicyDiffers',
        message:
          'the live NetworkPolicy sandbox-policy does not hold every rendered rule: sandbox-policy: spec.ingress[0].from missing on the live object',
        object: `NetworkPolicy/kars-${withoutFrom}/sandbox-policy`,
      });

      expect((await networkLayer(widened)).evidence).toEqual([
        'sandbox-policy: spec.ingress 2 items rendered, 1 item live',
      ]);

      const c = await health(deleted);
      expect(c.layers.find(l => l.layer === 'network')).toMatchObject({
        state: 'missing',
        summary: 'NetworkPolicy sandbox-policy is missing',
      });
      expect(c.findings.map(f => f.code)).toContain('NetworkPolicyMissing');

      expect((await networkLayer('rt-standard-gov-none')).state).toBe(
        'verified',
      );
    });
  },
);
