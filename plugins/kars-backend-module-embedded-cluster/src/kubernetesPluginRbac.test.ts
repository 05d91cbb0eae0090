import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { KUBERNETES_PLUGIN_SERVICE_ACCOUNT } from './embeddedClustersSupplier';

jest.setTimeout(180_000);

/** The HTTP status a call answers: 200 when it succeeds, the API server's code when it fails. */
async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/**
 * deploy/45-rbac-kubernetes-plugin.yaml judged by the API server itself: a token of the plugin's
 * ServiceAccount may list what the Kubernetes tab shows and nothing more.
 */
describe.each(clusterTargetNames())(
  "the Kubernetes plugin's ServiceAccount on the %s",
  targetName => {
    let target: ClusterTarget;
    let core: CoreV1Api;
    let apps: AppsV1Api;
    let autoscaling: AutoscalingV2Api;
    const namespace = 'kars-system';

    beforeAll(async () => {
      target = await startClusterTarget(targetName, { simulator: false });
      const admin = new KubeConfig();
      admin.loadFromFile(target.adminKubeconfigPath);
      const request = await admin
        .makeApiClient(CoreV1Api)
        .createNamespacedServiceAccountToken({
          ...KUBERNETES_PLUGIN_SERVICE_ACCOUNT,
          body: { spec: { audiences: [], expirationSeconds: 600 } },
        });
      const cluster = admin.getCurrentCluster()!;
      const plugin = new KubeConfig();
      plugin.loadFromOptions({
        clusters: [cluster],
        users: [{ name: 'plugin', token: request.status!.token }],
        contexts: [{ name: 'plugin', cluster: cluster.name, user: 'plugin' }],
        currentContext: 'plugin',
      });
      core = plugin.makeApiClient(CoreV1Api);
      apps = plugin.makeApiClient(AppsV1Api);
      autoscaling = plugin.makeApiClient(AutoscalingV2Api);
    });
    afterAll(async () => {
      await target?.stop();
    });

    it('lists the kinds of the Kubernetes tab and Events, in any namespace', async () => {
      const statuses = {
        pods: await statusOf(() => core.listNamespacedPod({ namespace })),
        services: await statusOf(() =>
          core.listNamespacedService({ namespace }),
        ),
        configmaps: await statusOf(() =>
          core.listNamespacedConfigMap({ namespace }),
        ),
        events: await statusOf(() => core.listNamespacedEvent({ namespace })),
        deployments: await statusOf(() =>
          apps.listNamespacedDeployment({ namespace }),
        ),
        replicasets: await statusOf(() =>
          apps.listNamespacedReplicaSet({ namespace }),
        ),
      };
      expect(statuses).toEqual({
        pods: 200,
        services: 200,
        configmaps: 200,
        events: 200,
        deployments: 200,
        replicasets: 200,
      });
    });

    it('reads no Secret, no log, no single object and no other kind, and writes nothing', async () => {
      const statuses = {
        listSecrets: await statusOf(() =>
          core.listNamespacedSecret({ namespace }),
        ),
        podLog: await statusOf(() =>
          core.readNamespacedPodLog({ name: 'any', namespace }),
        ),
        getConfigMap: await statusOf(() =>
          core.readNamespacedConfigMap({ name: 'any', namespace }),
        ),
        watchPods: await statusOf(() =>
          core.listNamespacedPod({ namespace, watch: true, timeoutSeconds: 1 }),
        ),
        listHorizontalPodAutoscalers: await statusOf(() =>
          autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
        ),
        createConfigMap: await statusOf(() =>
          core.createNamespacedConfigMap({
            namespace,
            body: { metadata: { name: 'kubernetes-plugin-was-here' } },
          }),
        ),
        deletePods: await statusOf(() =>
          core.deleteCollectionNamespacedPod({ namespace }),
        ),
      };
      expect(statuses).toEqual({
        listSecrets: 403,
        podLog: 403,
        getConfigMap: 403,
        watchPods: 403,
        listHorizontalPodAutoscalers: 403,
        createConfigMap: 403,
        deletePods: 403,
      });
    });
  },
);
