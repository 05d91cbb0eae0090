import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import {
  ClientNodeGateway,
  KarsClusterConnector,
  karsClusterConnectorsExtensionPoint,
  KarsClusterSupplier,
  KarsClusterSupplierFactory,
  karsClusterSupplierExtensionPoint,
} from '@kars-portal/plugin-kars-node';
import { ConfigReader } from '@backstage/config';
import request from 'supertest';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { karsPlugin } from './plugin';
import { buildSandboxObject } from './service/sandboxObject';
import { capturingLogger } from './__testUtils__/backend';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';

jest.setTimeout(120_000);

const guest = mockCredentials.user.header('user:default/guest');

function supplierModule(
  moduleId: string,
  supplier: KarsClusterSupplier | KarsClusterSupplierFactory,
) {
  return createBackendModule({
    pluginId: 'kars',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { clusters: karsClusterSupplierExtensionPoint },
        async init({ clusters }) {
          clusters.addClusterSupplier(supplier);
        },
      });
    },
  });
}

function connectorModule(
  moduleId: string,
  type: string,
  connector: KarsClusterConnector,
) {
  return createBackendModule({
    pluginId: 'kars',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { connectors: karsClusterConnectorsExtensionPoint },
        async init({ connectors }) {
          connectors.addClusterConnector(type, connector);
        },
      });
    },
  });
}

async function startKars(data: object, ...features: any[]) {
  const lines: string[] = [];
  const backend = await startTestBackend({
    features: [
      karsPlugin,
      ...features,
      mockServices.rootConfig.factory({ data }),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => capturingLogger(lines),
      }),
    ],
  });
  return { backend, lines };
}

const fleet = async (server: any) =>
  (
    await request(server).get('/api/kars/cluster').set('Authorization', guest)
  ).body.clusters.map((c: any) => [c.name, c.embedded, c.default]);

describe('with no cluster configured', () => {
  it('warns and serves an empty fleet', async () => {
    const { backend, lines } = await startKars({});
    try {
      expect(lines).toContainEqual(
        expect.stringContaining(
          'kars.clusters names no cluster: the kars backend serves an empty fleet',
        ),
      );
      expect(await fleet(backend.server)).toEqual([]);
      const list = await request(backend.server)
        .get('/api/kars/sandboxes')
        .set('Authorization', guest);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});

describe('startup errors that say what to do', () => {
  it.each([
    [
      'a cluster of type embedded without its module',
      { kars: { clusters: [{ name: 'dev', type: 'embedded' }] } },
      [],
      "kars.clusters[dev] has type embedded, which no module connects: add backend.add(import('@kars-portal/plugin-kars-backend-module-embedded-cluster'))",
    ],
    [
      'a type nobody connects',
      { kars: { clusters: [{ name: 'x', type: 'docker' }] } },
      [],
      'kars.clusters[x].type docker has no connector; known types: kubeconfig, inCluster, kubernetes',
    ],
    [
      'a second cluster supplier',
      {},
      [
        supplierModule('one', { getClusters: async () => [] }),
        supplierModule('two', { getClusters: async () => [] }),
      ],
      'a kars cluster supplier is already registered; only one may be',
    ],
    [
      'a connector over a built-in type',
      {},
      [connectorModule('mine', 'kubeconfig', { connect: jest.fn() })],
      'kars cluster type kubeconfig is built in; a module cannot replace it',
    ],
    [
      'two connectors for one type',
      {},
      [
        connectorModule('one', 'vcluster', { connect: jest.fn() }),
        connectorModule('two', 'vcluster', { connect: jest.fn() }),
      ],
      'a connector for kars cluster type vcluster is already registered',
    ],
    [
      'a kubernetes cluster the kubernetes plugin does not list',
      { kars: { clusters: [{ name: 'aks', type: 'kubernetes' }] } },
      [],
      'kars.clusters[aks] refers to kubernetes cluster aks, which no kubernetes.clusterLocatorMethods entry of type config lists',
    ],
    [
      'a kubernetes cluster with an auth provider kars cannot use',
      {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                { name: 'aks', url: 'https://aks:443', authProvider: 'aks' },
              ],
            },
          ],
        },
        kars: { clusters: [{ name: 'aks', type: 'kubernetes' }] },
      },
      [],
      'kars.clusters[aks]: kubernetes cluster aks uses auth provider aks; kars connects with serviceAccount only',
    ],
  ])('refuses %s', async (_what, data, features, message) => {
    await expect(startKars(data, ...features)).rejects.toThrow(message);
  });
});

describe.each(clusterTargetNames())(
  'clusters plugged in, on %s',
  targetName => {
    let target: ClusterTarget;
    let backendKubeConfig: KubeConfig;
    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      backendKubeConfig = new KubeConfig();
      backendKubeConfig.loadFromFile(target.backendKubeconfigPath);
    });
    afterAll(() => target?.stop());

    const sandboxNames = async (server: any) =>
      (
        await request(server)
          .get('/api/kars/sandboxes')
          .set('Authorization', guest)
      ).body.items.map((i: any) => i.name);

    async function arrangeSandbox(name: string) {
      await target.admin.create(
        buildSandboxObject(name, sandboxSpecSchema.parse({}), 'kars-system'),
      );
    }

    it('connects to a cluster of the Backstage kubernetes plugin, with its URL, CA and service account token', async () => {
      await arrangeSandbox('from-kubernetes-config');
      const cluster = backendKubeConfig.getCurrentCluster()!;
      const { backend } = await startKars({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'shared',
                  url: cluster.server,
                  authMetadata: {
                    'kubernetes.io/auth-provider': 'serviceAccount',
                    serviceAccountToken:
                      backendKubeConfig.getCurrentUser()!.token,
                  },
                  caData: cluster.caData,
                  skipTLSVerify: cluster.skipTLSVerify,
                },
              ],
            },
          ],
        },
        kars: {
          clusters: [
            {
              name: 'team-cluster',
              type: 'kubernetes',
              kubernetesCluster: 'shared',
            },
          ],
        },
      });
      try {
        expect(await fleet(backend.server)).toEqual([
          ['team-cluster', false, true],
        ]);
        expect(await sandboxNames(backend.server)).toContain(
          'from-kubernetes-config',
        );
      } finally {
        await backend.stop();
      }
    });

    it('takes its clusters from a supplier a module registers, around the default one', async () => {
      await arrangeSandbox('from-supplier');
      const { backend } = await startKars(
        {
          kars: {
            clusters: [
              {
                name: 'configured',
                type: 'kubeconfig',
                kubeconfigPath: target.backendKubeconfigPath,
              },
            ],
          },
        },
        supplierModule('wrapping', async ({ getDefault }) => {
          const defaults = await getDefault();
          return {
            async getClusters(options) {
              return [
                ...(await defaults.getClusters(options)),
                {
                  name: 'supplied',
                  type: 'test',
                  config: new ConfigReader({ default: true }),
                },
              ];
            },
          };
        }),
        connectorModule('test-connector', 'test', {
          async connect() {
            return {
              gateway: new ClientNodeGateway(backendKubeConfig),
              embedded: true,
            };
          },
        }),
      );
      try {
        expect(await fleet(backend.server)).toEqual([
          ['configured', false, false],
          ['supplied', true, true],
        ]);
      } finally {
        await backend.stop();
      }
    });

    it('stops the clusters already connected when a later one fails', async () => {
      const stopped: string[] = [];
      await expect(
        startKars(
          {
            kars: {
              clusters: [
                { name: 'first', type: 'test' },
                { name: 'second', type: 'test' },
              ],
            },
          },
          connectorModule('failing', 'test', {
            async connect({ name }) {
              if (name === 'second') throw new Error('second is unreachable');
              return {
                gateway: new ClientNodeGateway(backendKubeConfig),
                stop: async () => void stopped.push(name),
              };
            },
          }),
        ),
      ).rejects.toThrow('second is unreachable');
      expect(stopped).toEqual(['first']);
    });
  },
);
