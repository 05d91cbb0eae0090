import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  karsPermissions,
  ClusterInfo,
  KARS_PLUGIN_ID,
} from '@kars-portal/plugin-kars-common';
import {
  KarsClusterConnector,
  karsClusterConnectorsExtensionPoint,
  KarsClusterSupplier,
  KarsClusterSupplierFactory,
  karsClusterSupplierExtensionPoint,
} from '@kars-portal/plugin-kars-node';
import { ConfigClusterSupplier } from './cluster/ConfigClusterSupplier';
import { connectClusters } from './cluster/connectClusters';
import { inClusterConnector } from './cluster/connectors/inClusterConnector';
import { kubeconfigConnector } from './cluster/connectors/kubeconfigConnector';
import { kubernetesConnector } from './cluster/connectors/kubernetesConnector';
import { readKarsConfig } from './config/readKarsConfig';
import { AuditStore } from './database/AuditStore';
import { NoticeStore } from './database/NoticeStore';
import { registerKarsActions } from './actions';
import { karsSandboxResourceRef, karsSandboxRules } from './permissions';
import { createRouter } from './router';
import { SandboxAccess } from './sandboxAccess';
import { ClusterConnection } from './service/ClusterConnection';
import { createSandboxServices } from './service/sandboxServices';
import { createDemoTenants } from './service/demoTenants';
import { publishSandboxEvents } from './service/sandboxEvents';
import { SandboxNotices } from './service/notify/SandboxNotices';
import { ObservedChannels } from './service/ObservedChannels';
import { ClusterController } from './reconcile/ClusterController';

async function clusterInfo(
  clusters: ClusterConnection[],
  controllers: Map<string, ClusterController>,
): Promise<ClusterInfo> {
  return {
    clusters: clusters.map(c => ({
      name: c.name,
      embedded: c.embedded,
      simulated: c.simulated,
      production: c.config.settings.production,
      default: c.config.default,
      reconciling: controllers.get(c.name)?.reconciling ?? false,
      preflight: [
        ...(controllers.get(c.name)?.preflightChecks ?? []),
        {
          name: 'sandbox-cache',
          ok: c.sandboxes.hasSynced,
          message: c.sandboxes.hasSynced
            ? 'KarsSandbox objects are listed and watched'
            : 'KarsSandbox objects could not be listed yet',
        },
      ],
    })),
  };
}

const BUILT_IN_CLUSTER_TYPES = ['kubeconfig', 'inCluster', 'kubernetes'];

/**
 * The kars backend plugin: the REST API of kars portal over one or more clusters.
 * @public
 */
export const karsPlugin = createBackendPlugin({
  pluginId: KARS_PLUGIN_ID,
  register(env) {
    let supplier: KarsClusterSupplier | KarsClusterSupplierFactory | undefined;
    env.registerExtensionPoint(karsClusterSupplierExtensionPoint, {
      addClusterSupplier(added) {
        if (supplier) {
          throw new Error(
            'a kars cluster supplier is already registered; only one may be',
          );
        }
        supplier = added;
      },
    });
    const addedConnectors = new Map<string, KarsClusterConnector>();
    env.registerExtensionPoint(karsClusterConnectorsExtensionPoint, {
      addClusterConnector(type, connector) {
        if (BUILT_IN_CLUSTER_TYPES.includes(type)) {
          throw new Error(
            `kars cluster type ${type} is built in; a module cannot replace it`,
          );
        }
        if (addedConnectors.has(type)) {
          throw new Error(
            `a connector for kars cluster type ${type} is already registered`,
          );
        }
        addedConnectors.set(type, connector);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        userInfo,
        permissions,
        permissionsRegistry,
        lifecycle,
        auditor,
        scheduler,
        events,
        notifications,
        actionsRegistry,
      }) {
        const karsConfig = readKarsConfig(config);
        const audit = await AuditStore.create(database);
        const getDefault = async () => new ConfigClusterSupplier(config);
        const clusters = await connectClusters({
          supplier:
            typeof supplier === 'function'
              ? await supplier({ getDefault })
              : supplier ?? (await getDefault()),
          connectors: new Map([
            ['kubeconfig', kubeconfigConnector],
            ['inCluster', inClusterConnector],
            ['kubernetes', kubernetesConnector(config)],
            ...addedConnectors,
          ]),
          kars: karsConfig,
          logger,
        });
        const controllers = new Map(
          clusters.map(c => [
            c.name,
            new ClusterController(c, logger.child({ cluster: c.name }), {
              resyncSeconds: karsConfig.resyncSeconds,
              shards: karsConfig.reconcileShards,
              leaseDurationSeconds: karsConfig.reconcileLeaseDurationSeconds,
            }),
          ]),
        );
        lifecycle.addShutdownHook(async () => {
          await Promise.all([...controllers.values()].map(c => c.stop()));
          await Promise.all(clusters.map(c => c.stop()));
        });
        await Promise.all(
          clusters.map(c =>
            Promise.race([
              c.sandboxes.start(),
              new Promise(r => setTimeout(r, 10_000)),
            ]),
          ),
        );
        const channels = new ObservedChannels();
        const sandboxes = createSandboxServices({
          clusters,
          audit,
          auditor,
          logger,
          channels,
        });
        const notices = new SandboxNotices(
          notifications,
          new NoticeStore(await database.getClient()),
          logger,
        );
        for (const cluster of clusters) {
          publishSandboxEvents(cluster, events, logger);
          notices.watchPhases(cluster);
        }
        if (clusters.length) {
          await scheduler.scheduleTask({
            id: 'kars-budget-notices',
            frequency: { seconds: karsConfig.budgetCheckSeconds },
            timeout: { seconds: Math.max(60, karsConfig.budgetCheckSeconds) },
            initialDelay: {
              seconds: Math.min(30, karsConfig.budgetCheckSeconds),
            },
            fn: async () => {
              for (const cluster of clusters)
                await notices.checkBudgets(cluster);
            },
          });
          // Local: every replica keeps its own channel states for its fleet list; the claims in
          // the database still tell each failure once.
          await scheduler.scheduleTask({
            id: 'kars-channel-notices',
            scope: 'local',
            frequency: { seconds: karsConfig.channelCheckSeconds },
            timeout: { seconds: Math.max(60, karsConfig.channelCheckSeconds) },
            initialDelay: {
              seconds: Math.min(30, karsConfig.channelCheckSeconds),
            },
            fn: async () => {
              for (const cluster of clusters)
                await notices.checkChannels(await channels.check(cluster));
            },
          });
        }

        permissionsRegistry.addPermissions(karsPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: karsSandboxResourceRef,
          permissions: karsPermissions.filter(p => p.type === 'resource'),
          rules: Object.values(karsSandboxRules),
          getResources: async names =>
            names.map(name => sandboxes.fleet.find(name)),
        });

        httpRouter.use(
          await createRouter({
            sandboxes,
            httpAuth,
            userInfo,
            permissions,
            permissionsRegistry,
            logger,
            clusterInfo: () => clusterInfo(clusters, controllers),
            audit,
          }),
        );
        registerKarsActions(actionsRegistry, {
          sandboxes,
          access: new SandboxAccess({
            permissions,
            permissionsRegistry,
            userInfo,
            audit: sandboxes.audit,
          }),
        });
        for (const controller of controllers.values()) controller.start();
        if (karsConfig.demoTenants) {
          lifecycle.addStartupHook(() => createDemoTenants(sandboxes, logger));
        }
      },
    });
  },
});
