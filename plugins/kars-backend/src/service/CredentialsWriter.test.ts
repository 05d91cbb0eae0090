import { mockServices } from '@backstage/backend-test-utils';
import {
  Credentials,
  PLUGIN_CREDENTIAL_KEYS,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { ClusterController } from '../reconcile/ClusterController';
import { TENANT_SECRETS_CLUSTER_ROLE } from '../render/roleBinding';
import { CountingGateway } from '../__testUtils__/CountingGateway';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { ClusterConnection } from './ClusterConnection';
import { CredentialsWriter, nextRestartedAt } from './CredentialsWriter';
import {
  buildSandboxObject,
  CREDENTIAL_KEYS_ANNOTATION,
  KarsSandboxObject,
} from './sandboxObject';
import {
  backendConnection,
  backendGateway,
  eventually,
} from '../__testUtils__/backend';
import { KubeApiError, KubeObject } from '@kars-portal/plugin-kars-node';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

/** The field manager of the credentials route (kars-common's KARS_CREDENTIALS_FIELD_MANAGER). */
const REQUEST_PATH_MANAGER = 'kars-portal-credentials';

/** The field managers that own some field of a live object. */
const managersOf = (object: KubeObject) =>
  ((object.metadata.managedFields ?? []) as Array<{ manager?: string }>).map(
    f => f.manager,
  );

describe('nextRestartedAt', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');
  it.each([
    ['no earlier restart', undefined, '2026-01-02T03:04:05.678Z'],
    ['an older one', '2026-01-01T00:00:00.000Z', '2026-01-02T03:04:05.678Z'],
    ['one at the same instant', now.toISOString(), '2026-01-02T03:04:05.679Z'],
    [
      'one ahead of this clock',
      '2026-01-03T00:00:00.000Z',
      '2026-01-03T00:00:00.001Z',
    ],
    ['a value that is no time', 'yesterday', '2026-01-02T03:04:05.678Z'],
  ])('after %s: %s gives %s', (_what, previous, next) => {
    expect(nextRestartedAt(previous, now)).toBe(next);
  });
});

/**
 * Twenty distinct key names: the writer stores whatever keys it is given (the routes validate them
 * against the credentials schema first, which names fewer than twenty).
 */
const KEYS = [
  ...PLUGIN_CREDENTIAL_KEYS,
  ...Array.from({ length: 14 }, (_, i) => `ROTATED_KEY_${i + 10}`),
];
const valueOf = (key: string, round: number) =>
  `value-of-${key.toLowerCase()}-${round}`;

describe.each(clusterTargetNames())(
  'CredentialsWriter on the %s',
  targetName => {
    let target: ClusterTarget;
    let counting: CountingGateway;
    let connection: ClusterConnection;
    let reconcilerConnection: ClusterConnection;
    let controller: ClusterController;
    const writer = new CredentialsWriter();

    const sandboxRef = (name: string) => ({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name,
      namespace: 'kars-system',
    });
    const namespaceRef = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: `kars-${name}`,
    });
    const deploymentRef = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name,
      namespace: `kars-${name}`,
    });
    /** A sandbox just created: its namespace comes from the reconciler's first passes. */
    const newSandbox = async (name: string) => {
      await target.admin.create(
        buildSandboxObject(name, sandboxSpecSchema.parse({}), 'kars-system'),
      );
      return (await target.admin.get<KarsSandboxObject>(sandboxRef(name)))!;
    };
    /** What the request path wrote, by kind (an access review is a question, not a stored object). */
    const writtenKinds = () =>
      [
        ...new Set(
          counting
            .writes()
            .map(c => c.kind)
            .filter(kind => kind !== 'SelfSubjectAccessReview'),
        ),
      ].sort();
    /** The live Secret's data, decoded, read as an admin. */
    const liveSecret = async (name: string) => {
      const secret = await target.admin.get<any>({
        apiVersion: 'v1',
        kind: 'Secret',
        name: `${name}-credentials`,
        namespace: `kars-${name}`,
      });
      return Object.fromEntries(
        Object.entries((secret?.data ?? {}) as Record<string, string>).map(
          ([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')],
        ),
      );
    };
    /** The live Deployment once its pod template carries this restart. */
    const rolledTo = (name: string, restartedAt: string) =>
      eventually(`the pod template restarted at ${restartedAt}`, async () => {
        const live = await target.admin.get<any>(deploymentRef(name));
        return (
          live?.spec.template.metadata.annotations?.[
            'kars.azure.com/restarted-at'
          ] === restartedAt && live
        );
      });
    const liveAnnotation = async (name: string) =>
      (await target.admin.get<any>(sandboxRef(name)))?.metadata.annotations?.[
        CREDENTIAL_KEYS_ANNOTATION
      ];

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      counting = new CountingGateway(backendGateway(target));
      connection = backendConnection(target, counting.gateway, logger);
      reconcilerConnection = backendConnection(
        target,
        backendGateway(target),
        logger,
      );
      controller = new ClusterController(reconcilerConnection, logger, {
        identity: 'replica-1',
        leaseDurationSeconds: 3,
        reconcilerOptions: { baseDelayMs: 100, maxDelayMs: 1000 },
      });
    });

    afterAll(async () => {
      await controller?.stop();
      await reconcilerConnection?.stop();
      await connection?.stop();
      await target?.stop();
    });

    it('credentials sent right after a create wait for the namespace the reconciler makes, writing nothing before it', async () => {
      const sandbox = await newSandbox('tenant-r');
      counting.reset();
      const settled: unknown[] = [];
      const writes = Promise.all(
        KEYS.map(key =>
          writer.write(
            connection,
            sandbox,
            { [key]: valueOf(key, 0) } as Credentials,
            { mode: 'merge', restart: false },
          ),
        ),
      ).finally(() => settled.push('settled'));
      await new Promise(r => setTimeout(r, 1500));
      expect({
        settled,
        namespace: await target.admin.get(namespaceRef('tenant-r')),
        writes: counting.writes(),
      }).toEqual({ settled: [], namespace: undefined, writes: [] });

      controller.start();
      await writes;
      expect(await liveSecret('tenant-r')).toEqual(
        Object.fromEntries(KEYS.map(k => [k, valueOf(k, 0)])),
      );
      expect(writtenKinds()).toEqual(['KarsSandbox', 'Secret']);
    });

    it('keeps every key of 20 concurrent rotations of different keys, and lists them all on the KarsSandbox', async () => {
      const sandbox = (await target.admin.get<KarsSandboxObject>(
        sandboxRef('tenant-r'),
      ))!;
      const results = await Promise.all(
        KEYS.map(key =>
          writer.write(
            connection,
            sandbox,
            { [key]: valueOf(key, 1) } as Credentials,
            { mode: 'merge', restart: false },
          ),
        ),
      );
      results.forEach((r, i) => expect(r.credentialKeys).toContain(KEYS[i]));
      expect(await liveSecret('tenant-r')).toEqual(
        Object.fromEntries(KEYS.map(k => [k, valueOf(k, 1)])),
      );
      expect(await liveAnnotation('tenant-r')).toBe([...KEYS].sort().join(','));
    });

    it('rotates 10 of the 20 keys at once to new values, keeping the other 10', async () => {
      const sandbox = (await target.admin.get<KarsSandboxObject>(
        sandboxRef('tenant-r'),
      ))!;
      await Promise.all(
        KEYS.slice(0, 10).map(key =>
          writer.write(
            connection,
            sandbox,
            { [key]: valueOf(key, 2) } as Credentials,
            { mode: 'merge', restart: false },
          ),
        ),
      );
      expect(await liveSecret('tenant-r')).toEqual(
        Object.fromEntries(KEYS.map((k, i) => [k, valueOf(k, i < 10 ? 2 : 1)])),
      );
      expect(await liveAnnotation('tenant-r')).toBe([...KEYS].sort().join(','));
    });

    it('replace leaves exactly the given keys, in the Secret and on the KarsSandbox', async () => {
      const sandbox = (await target.admin.get<KarsSandboxObject>(
        sandboxRef('tenant-r'),
      ))!;
      const result = await writer.write(
        connection,
        sandbox,
        { BRAVE_API_KEY: 'brave-3', EXA_API_KEY: 'exa-3' },
        { mode: 'replace', restart: false },
      );
      expect(result.credentialKeys).toEqual(['BRAVE_API_KEY', 'EXA_API_KEY']);
      expect(await liveSecret('tenant-r')).toEqual({
        BRAVE_API_KEY: 'brave-3',
        EXA_API_KEY: 'exa-3',
      });
      expect(await liveAnnotation('tenant-r')).toBe(
        'BRAVE_API_KEY,EXA_API_KEY',
      );
    });

    it('left the namespace and its RoleBinding to the reconciler: the request path manages no field of them', async () => {
      const namespace = (await target.admin.get(namespaceRef('tenant-r')))!;
      expect(namespace.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'kars-portal',
        'kars.azure.com/sandbox': 'tenant-r',
      });
      const binding = (await target.admin.get<any>({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        name: TENANT_SECRETS_CLUSTER_ROLE,
        namespace: 'kars-tenant-r',
      }))!;
      expect({ roleRef: binding.roleRef, subjects: binding.subjects }).toEqual({
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: TENANT_SECRETS_CLUSTER_ROLE,
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'kars-portal',
            namespace: 'kars-system',
          },
        ],
      });
      const secret = (await target.admin.get({
        apiVersion: 'v1',
        kind: 'Secret',
        name: 'tenant-r-credentials',
        namespace: 'kars-tenant-r',
      }))!;
      expect({
        namespace: managersOf(namespace),
        roleBinding: managersOf(binding),
        secret: managersOf(secret),
      }).toEqual({
        namespace: expect.not.arrayContaining([REQUEST_PATH_MANAGER]),
        roleBinding: expect.not.arrayContaining([REQUEST_PATH_MANAGER]),
        secret: [REQUEST_PATH_MANAGER],
      });
    });

    it('20 concurrent replaces leave one of them whole, and the annotation names exactly its keys', async () => {
      const sandbox = (await target.admin.get<KarsSandboxObject>(
        sandboxRef('tenant-r'),
      ))!;
      await Promise.all(
        KEYS.map(key =>
          writer.write(
            connection,
            sandbox,
            { [key]: valueOf(key, 4) } as Credentials,
            { mode: 'replace', restart: false },
          ),
        ),
      );
      const live = await liveSecret('tenant-r');
      expect(Object.keys(live)).toHaveLength(1);
      const [key] = Object.keys(live);
      expect(live[key]).toBe(valueOf(key, 4));
      expect(await liveAnnotation('tenant-r')).toBe(key);
    });

    it('retries the key-names annotation when the KarsSandbox changed under it', async () => {
      const sandbox = await newSandbox('tenant-q');
      counting.failNext(
        'mergePatch',
        3,
        () => new KubeApiError(409, 'Conflict', 'injected conflict'),
        'KarsSandbox',
      );
      const result = await writer.write(
        connection,
        sandbox,
        { TAVILY_API_KEY: 'tavily-1' },
        { mode: 'merge', restart: false },
      );
      expect(result.credentialKeys).toEqual(['TAVILY_API_KEY']);
      expect(await liveAnnotation('tenant-q')).toBe('TAVILY_API_KEY');
      expect(result.sandboxResourceVersion).toBe(
        (await target.admin.get<any>(sandboxRef('tenant-q')))!.metadata
          .resourceVersion,
      );
    });

    it('a restart is an annotation on the KarsSandbox that the reconciler copies into the live pod template; the request path writes no Deployment', async () => {
      await eventually('the Deployment of tenant-r', () =>
        target.admin.get(deploymentRef('tenant-r')),
      );
      const sandbox = (await target.admin.get<KarsSandboxObject>(
        sandboxRef('tenant-r'),
      ))!;
      const rolled: string[] = [];
      for (const round of [5, 6]) {
        counting.reset();
        const result = await writer.write(
          connection,
          sandbox,
          { BRAVE_API_KEY: `brave-${round}` },
          { mode: 'merge', restart: true },
        );
        expect(result.restarted).toBe(true);
        const asked = (await target.admin.get(sandboxRef('tenant-r')))!.metadata
          .annotations!['kars.azure.com/restarted-at'];
        expect(Date.parse(asked)).not.toBeNaN();
        const deployment = await rolledTo('tenant-r', asked);
        expect(managersOf(deployment)).not.toContain(REQUEST_PATH_MANAGER);
        expect(writtenKinds()).toEqual(['KarsSandbox', 'Secret']);
        rolled.push(asked);
      }
      expect(new Set(rolled).size).toBe(2);
      const namespace = (await target.admin.get(namespaceRef('tenant-r')))!;
      expect(managersOf(namespace)).not.toContain(REQUEST_PATH_MANAGER);
    });

    it('without restart sets no restart annotation and reports none', async () => {
      const before = (await target.admin.get(sandboxRef('tenant-r')))!.metadata
        .annotations!['kars.azure.com/restarted-at'];
      const sandbox = (await target.admin.get<KarsSandboxObject>(
        sandboxRef('tenant-r'),
      ))!;
      const result = await writer.write(
        connection,
        sandbox,
        { BRAVE_API_KEY: 'brave-7' },
        { mode: 'merge', restart: false },
      );
      expect(result.restarted).toBe(false);
      expect(
        (await target.admin.get(sandboxRef('tenant-r')))!.metadata.annotations![
          'kars.azure.com/restarted-at'
        ],
      ).toBe(before);
    });

    it('gives up with a 503 naming the namespace when no reconciler makes it, having written nothing', async () => {
      counting.reset();
      const ghost = buildSandboxObject(
        'tenant-ghost',
        sandboxSpecSchema.parse({}),
        'kars-system',
      );
      const started = Date.now();
      await expect(
        new CredentialsWriter({ namespaceWaitMs: 1000 }).write(
          connection,
          { ...ghost, metadata: { ...ghost.metadata, uid: 'uid-ghost' } },
          { BRAVE_API_KEY: 'brave-1' },
          { mode: 'merge', restart: true },
        ),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          'namespace kars-tenant-ghost is not made yet',
        ),
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(counting.writes()).toEqual([]);
    });

    it('refuses at once a namespace of that name that kars portal did not make, having written nothing', async () => {
      await target.admin.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kars-tenant-f' },
      });
      counting.reset();
      await expect(
        writer.write(
          connection,
          buildSandboxObject(
            'tenant-f',
            sandboxSpecSchema.parse({}),
            'kars-system',
          ),
          { BRAVE_API_KEY: 'brave-1' },
          { mode: 'merge', restart: false },
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('[NamespaceOwnershipConflict]'),
      });
      expect(counting.writes()).toEqual([]);
    });
  },
);
