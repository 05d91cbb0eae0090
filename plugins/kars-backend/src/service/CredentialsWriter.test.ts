import { mockServices } from '@backstage/backend-test-utils';
import {
  Credentials,
  PLUGIN_CREDENTIAL_KEYS,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { TENANT_SECRETS_CLUSTER_ROLE } from '../render/roleBinding';
import { CountingGateway } from '../__testUtils__/CountingGateway';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { ClusterConnection } from './ClusterConnection';
import { CredentialsWriter } from './CredentialsWriter';
import {
  buildSandboxObject,
  CREDENTIAL_KEYS_ANNOTATION,
  KarsSandboxObject,
} from './sandboxObject';
import { backendConnection, backendGateway } from '../__testUtils__/backend';
import { KubeApiError } from '@kars-portal/plugin-kars-node';

jest.setTimeout(180_000);

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
    const writer = new CredentialsWriter();

    const sandboxRef = (name: string) => ({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name,
      namespace: 'kars-system',
    });
    /** A sandbox the reconciler has not seen: the writer makes its namespace. */
    const newSandbox = async (name: string) => {
      await target.admin.create(
        buildSandboxObject(name, sandboxSpecSchema.parse({}), 'kars-system'),
      );
      return (await target.admin.get<KarsSandboxObject>(sandboxRef(name)))!;
    };
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
    const liveAnnotation = async (name: string) =>
      (await target.admin.get<any>(sandboxRef(name)))?.metadata.annotations?.[
        CREDENTIAL_KEYS_ANNOTATION
      ];

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      counting = new CountingGateway(backendGateway(target));
      connection = backendConnection(
        target,
        counting.gateway,
        mockServices.logger.mock(),
      );
    });

    afterAll(async () => {
      await connection?.stop();
      await target?.stop();
    });

    it('keeps every key of 20 concurrent rotations of different keys, and lists them all on the KarsSandbox', async () => {
      const sandbox = await newSandbox('tenant-r');
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

    it('made the namespace and the RoleBinding that lets it write there, before any reconciler', async () => {
      const namespace = await target.admin.get<any>({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'kars-tenant-r',
      });
      expect(namespace.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'kars-portal',
        'kars.azure.com/sandbox': 'tenant-r',
      });
      const binding = await target.admin.get<any>({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        name: TENANT_SECRETS_CLUSTER_ROLE,
        namespace: 'kars-tenant-r',
      });
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
  },
);
