import { mockServices } from '@backstage/backend-test-utils';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { ClusterController } from '../reconcile/ClusterController';
import {
  BACKEND_SERVICE_ACCOUNT,
  TENANT_SECRETS_CLUSTER_ROLE,
} from '../render/roleBinding';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { ClusterConnection } from './ClusterConnection';
import { CredentialsWriter } from './CredentialsWriter';
import { buildSandboxObject, KarsSandboxObject } from './sandboxObject';
import {
  backendConnection,
  backendGateway,
  eventually,
} from '../__testUtils__/backend';
import {
  KubeApiError,
  KubeGateway,
  KubeObject,
} from '@kars-portal/plugin-kars-node';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

/** The HTTP status a request answers: 200 when it succeeds. */
async function statusOf(request: Promise<unknown>) {
  try {
    await request;
    return 200;
  } catch (error) {
    if (error instanceof KubeApiError) return error.statusCode;
    throw error;
  }
}

const secret = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'Opaque',
  data: { token: Buffer.from('planted').toString('base64') },
});

const roleBinding = (
  namespace: string,
  overrides: { roleRef?: object; subjects?: object[] } = {},
): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'stolen-token', namespace },
  roleRef: {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name: TENANT_SECRETS_CLUSTER_ROLE,
  },
  subjects: [{ kind: 'ServiceAccount', ...BACKEND_SERVICE_ACCOUNT }],
  ...overrides,
});

/** Namespaces the backend must not touch, each holding a Secret it must not read. */
const FOREIGN = {
  'kube-system': 'bootstrap-signer',
  'kars-system': 'operator-token',
  'team-payments': 'db-password',
  // named like a sandbox namespace, made by someone else
  'kars-payments': 'db-password',
};

describe.each(clusterTargetNames())(
  "the backend's Secret access on the %s",
  targetName => {
    let target: ClusterTarget;
    let backend: KubeGateway;
    let connection: ClusterConnection;
    let controller: ClusterController;

    const sandboxRef = (name: string) => ({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name,
      namespace: 'kars-system',
    });
    /** A policy once kube-controller-manager's status controller has type-checked it. */
    const checkedPolicy = (name: string) =>
      eventually(`${name} checked`, async () => {
        const live = await target.admin.get<any>({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicy',
          name,
        });
        return (
          live?.status?.observedGeneration === live?.metadata.generation && live
        );
      });
    const accessRef = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      name: TENANT_SECRETS_CLUSTER_ROLE,
      namespace: 'kars-tenant-s',
    };

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      backend = backendGateway(target);
      connection = backendConnection(target, backend, logger);
      controller = new ClusterController(connection, logger, {
        identity: 'replica-1',
        leaseDurationSeconds: 3,
        reconcilerOptions: { baseDelayMs: 100, maxDelayMs: 1000 },
      });
      for (const [namespace, name] of Object.entries(FOREIGN)) {
        if (!namespace.startsWith('kube-') && namespace !== 'kars-system') {
          await target.admin.create({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: namespace },
          });
        }
        await target.admin.create(secret(namespace, name));
      }
      await target.admin.create(
        buildSandboxObject(
          'tenant-s',
          sandboxSpecSchema.parse({}),
          'kars-system',
        ),
      );
      controller.start();
      await eventually(
        'tenant-s Running',
        async () =>
          (
            await target.admin.get<any>(sandboxRef('tenant-s'))
          )?.status?.phase === 'Running',
      );
    });

    afterAll(async () => {
      await controller?.stop();
      await connection?.stop();
      await target?.stop();
    });

    it('stores the admission policies of deploy/ and the RoleBinding of a reconciled sandbox', async () => {
      for (const [kind, name] of [
        ['ValidatingAdmissionPolicy', 'kars-portal-tenant-namespaces'],
        ['ValidatingAdmissionPolicy', 'kars-portal-secret-access'],
        [
          'ValidatingAdmissionPolicyBinding',
          'kars-portal-tenant-namespaces-binding',
        ],
        [
          'ValidatingAdmissionPolicyBinding',
          'kars-portal-secret-access-binding',
        ],
      ]) {
        expect({
          name,
          stored: Boolean(
            await target.admin.get({
              apiVersion: 'admissionregistration.k8s.io/v1',
              kind,
              name,
            }),
          ),
        }).toEqual({ name, stored: true });
      }
      const binding = await target.admin.get<any>(accessRef);
      expect(binding.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'kars-portal',
        'kars.azure.com/sandbox': 'tenant-s',
      });
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: TENANT_SECRETS_CLUSTER_ROLE,
      });
      expect(binding.subjects).toEqual([
        {
          kind: 'ServiceAccount',
          name: 'kars-portal',
          namespace: 'kars-system',
        },
      ]);
    });

    it('writes kars-tenant-s/tenant-s-credentials of a sandbox it reconciled, and puts back a deleted RoleBinding', async () => {
      const sandbox = (await target.admin.get<KarsSandboxObject>(
        sandboxRef('tenant-s'),
      ))!;
      await new CredentialsWriter().write(
        connection,
        sandbox,
        { BRAVE_API_KEY: 'brave-1' },
        { mode: 'merge', restart: false },
      );
      const ref = {
        apiVersion: 'v1',
        kind: 'Secret',
        name: 'tenant-s-credentials',
        namespace: 'kars-tenant-s',
      };
      const written = await target.admin.get<any>(ref);
      expect(Buffer.from(written.data.BRAVE_API_KEY, 'base64').toString()).toBe(
        'brave-1',
      );
      expect(await statusOf(backend.get(ref))).toBe(200);

      const before = await target.admin.get<any>(accessRef);
      await target.admin.delete(accessRef);
      const restored = await eventually(
        'the RoleBinding restored',
        async () => {
          const live = await target.admin.get<any>(accessRef);
          return live && live.metadata.uid !== before.metadata.uid && live;
        },
      );
      expect(restored.roleRef.name).toBe(TENANT_SECRETS_CLUSTER_ROLE);
    });

    describe('where RBAC and admission are enforced', () => {
      it('the admission policies type-check without warnings (kube-controller-manager’s status controller)', async () => {
        for (const name of [
          'kars-portal-tenant-namespaces',
          'kars-portal-secret-access',
        ]) {
          const policy = await checkedPolicy(name);
          expect({ name, typeChecking: policy.status.typeChecking }).toEqual({
            name,
            typeChecking: {},
          });
        }
      });

      it('cannot list, read or write a Secret in kube-system, kars-system, a foreign namespace or a kars- namespace it did not make', async () => {
        const answers: Record<string, Record<string, number>> = {};
        for (const [namespace, name] of Object.entries(FOREIGN)) {
          const ref = { apiVersion: 'v1', kind: 'Secret', name, namespace };
          answers[namespace] = {
            get: await statusOf(backend.get(ref)),
            list: await statusOf(
              backend.list('v1', 'Secret', { namespace, limit: 1 }),
            ),
            create: await statusOf(
              backend.create(secret(namespace, 'planted'), { dryRun: true }),
            ),
            patch: await statusOf(
              backend.mergePatch(ref, { data: { token: 'AAAA' } }),
            ),
          };
        }
        const denied = { get: 403, list: 403, create: 403, patch: 403 };
        expect(answers).toEqual(
          Object.fromEntries(Object.keys(FOREIGN).map(ns => [ns, denied])),
        );
        expect(
          await statusOf(
            backend.list('v1', 'Secret', { namespace: 'kars-tenant-s' }),
          ),
        ).toBe(403);
      });

      it('cannot make a RoleBinding of its Secret role outside its sandbox namespaces, nor one that binds another role or subject', async () => {
        const attempts = {
          'in kube-system': roleBinding('kube-system'),
          'in kars-system': roleBinding('kars-system'),
          'in a foreign namespace': roleBinding('team-payments'),
          'in a kars- namespace it did not make': roleBinding('kars-payments'),
          'of cluster-admin in its sandbox namespace': roleBinding(
            'kars-tenant-s',
            {
              roleRef: {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'ClusterRole',
                name: 'cluster-admin',
              },
            },
          ),
          'for another subject in its sandbox namespace': roleBinding(
            'kars-tenant-s',
            {
              subjects: [
                { kind: 'ServiceAccount', name: 'default', namespace: 'evil' },
              ],
            },
          ),
        };
        const answers: Record<string, number> = {};
        for (const [what, object] of Object.entries(attempts)) {
          answers[what] = await statusOf(
            backend.create(object, { dryRun: true }),
          );
        }
        expect(answers).toEqual(
          Object.fromEntries(Object.keys(attempts).map(what => [what, 403])),
        );
        expect(
          await statusOf(
            backend.create(roleBinding('kars-tenant-s'), { dryRun: true }),
          ),
        ).toBe(200);
      });

      it('cannot write the kinds it makes, or namespaces, outside the namespaces it made', async () => {
        const configMap = (namespace: string): KubeObject => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'planted', namespace },
          data: { k: 'v' },
        });
        const deployment = (namespace: string): KubeObject => ({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'planted', namespace },
          spec: {
            selector: { matchLabels: { app: 'planted' } },
            template: {
              metadata: { labels: { app: 'planted' } },
              spec: { containers: [{ name: 'c', image: 'busybox' }] },
            },
          },
        });
        const namespace = (name: string, labels = {}): KubeObject => ({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name, labels },
        });
        const ours = { 'app.kubernetes.io/managed-by': 'kars-portal' };
        const answers = {
          'Deployment in kube-system': await statusOf(
            backend.create(deployment('kube-system'), { dryRun: true }),
          ),
          'ConfigMap in kars-system': await statusOf(
            backend.create(configMap('kars-system'), { dryRun: true }),
          ),
          'ConfigMap in a kars- namespace it did not make': await statusOf(
            backend.create(configMap('kars-payments'), { dryRun: true }),
          ),
          'namespace not named kars-<name>': await statusOf(
            backend.create(namespace('payments-2', ours), { dryRun: true }),
          ),
          'namespace kars-<name> without its label': await statusOf(
            backend.create(namespace('kars-payments-2'), { dryRun: true }),
          ),
          'taking over a kars- namespace it did not make': await statusOf(
            backend.mergePatch(
              { apiVersion: 'v1', kind: 'Namespace', name: 'kars-payments' },
              { metadata: { labels: ours } },
            ),
          ),
          'deleting a foreign namespace': await statusOf(
            backend.delete({
              apiVersion: 'v1',
              kind: 'Namespace',
              name: 'team-payments',
            }),
          ),
          'deleting a kars- namespace it did not make': await statusOf(
            backend.delete({
              apiVersion: 'v1',
              kind: 'Namespace',
              name: 'kars-payments',
            }),
          ),
        };
        expect(answers).toEqual(
          Object.fromEntries(Object.keys(answers).map(what => [what, 403])),
        );
        expect(
          await statusOf(
            backend.create(configMap('kars-tenant-s'), { dryRun: true }),
          ),
        ).toBe(200);
        expect(
          await statusOf(
            backend.create(namespace('kars-tenant-t', ours), { dryRun: true }),
          ),
        ).toBe(200);
      });
    });
  },
);
