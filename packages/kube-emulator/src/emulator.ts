import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonObject, KubeObject, resourceKey } from './api/types';
import { aggregateClusterRoles } from './auth/aggregation';
import { ApiAuth } from './auth/apiAuth';
import { bootstrapPolicy } from './auth/bootstrap';
import { emulatorKubeconfig } from './kubeconfig';
import { ValidatingAdmissionPolicies } from './admission/policies';
import { checkPolicies } from './admission/policyStatus';
import { ResourceRegistry } from './registry/registry';
import { loadState, persistStore } from './storage/persistence';
import { ObjectStore } from './storage/store';
import { Controllers } from './server/controllers';
import { createHandler } from './server/http';
import { PodLogSource } from './server/podLog';
import { dualProtocolServer, selfSignedCert } from './server/tls';
import { ResourceService, WriteOptions } from './server/resources';

/** Options of {@link startKubeEmulator}. */
export interface KubeEmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** A JSON file holding the state across restarts (read at start, written after changes and on stop). */
  stateFile?: string;
  /** CustomResourceDefinition objects to install at start. */
  crds?: object[];
  /** How often watches with allowWatchBookmarks get a BOOKMARK (kube-apiserver: about a minute). */
  bookmarkIntervalMs?: number;
  /** How many writes the watch history keeps; older resourceVersions get 410 Gone. */
  watchHistory?: number;
  /**
   * Where `pods/log` reads container logs (the workload simulator's `podLogs`); without one it
   * answers as a server whose pods have no kubelet.
   */
  podLogs?: PodLogSource;
}

/** A running emulator. */
export interface KubeEmulator {
  /** `http://127.0.0.1:<port>`: plain HTTP, for local tools (kubectl sends no credentials over it). */
  url: string;
  /** `https://127.0.0.1:<port>`, the same port over TLS: the kubeconfig's server. */
  httpsUrl: string;
  /** The admin's bearer token (group system:masters), new at each start; the kubeconfig's. */
  token: string;
  kubeconfigYaml: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

const SYSTEM_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/** The admin of the kubeconfig the emulator writes (group system:masters). */
const ADMIN = 'kars-emulator-admin';

const bootstrapOptions = (): WriteOptions => ({
  dryRun: false,
  fieldManager: 'kube-apiserver',
  fieldValidation: 'Ignore',
  warnings: [],
});

function ipAllocator(store: ObjectStore) {
  const used = () =>
    new Set(store.list('services').map(s => s.spec?.clusterIP));
  return {
    allocateClusterIP: () => {
      const taken = used();
      // 10.0.0.0/16, as kube-testenv's --service-cluster-ip-range: 10.0.0.1 is the kubernetes
      // Service's, the first ten are kept back as kube-apiserver keeps its static range.
      const size = 65536 - 10 - 1;
      if (taken.size >= size) {
        throw new Error(
          'the service cluster IP range 10.0.0.0/16 is exhausted',
        );
      }
      for (;;) {
        const n = 10 + Math.floor(Math.random() * size);
        const ip = `10.0.${Math.floor(n / 256)}.${n % 256}`;
        if (!taken.has(ip)) return ip;
      }
    },
    allocateNodePort: () => {
      const taken = new Set(
        store
          .list('services')
          .flatMap(s =>
            (s.spec?.ports ?? []).map((p: JsonObject) => p.nodePort),
          ),
      );
      for (;;) {
        const port = 30000 + Math.floor(Math.random() * 2768);
        if (!taken.has(port)) return port;
      }
    },
  };
}

function bootstrap(
  store: ObjectStore,
  registry: ResourceRegistry,
  service: ResourceService,
  crds: object[],
) {
  const find = (plural: string, group = '') =>
    registry.all().find(t => t.plural === plural && t.group === group)!;
  for (const crd of store.list(
    'customresourcedefinitions.apiextensions.k8s.io',
  )) {
    if (!crd.metadata.deletionTimestamp) registry.registerCrd(crd);
  }
  const nsType = find('namespaces');
  for (const name of SYSTEM_NAMESPACES) {
    if (!store.get('namespaces', undefined, name))
      service.create(
        nsType,
        undefined,
        { metadata: { name } },
        bootstrapOptions(),
      );
  }
  if (!store.get('services', 'default', 'kubernetes')) {
    service.create(
      find('services'),
      'default',
      {
        metadata: {
          name: 'kubernetes',
          labels: { component: 'apiserver', provider: 'kubernetes' },
        },
        spec: {
          clusterIP: '10.0.0.1',
          ports: [
            { name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 },
          ],
        },
      },
      bootstrapOptions(),
    );
  }
  const crdType = find('customresourcedefinitions', 'apiextensions.k8s.io');
  for (const crd of crds as KubeObject[]) {
    const existing = store.get(
      resourceKey(crdType),
      undefined,
      crd.metadata?.name,
    );
    if (!existing) service.create(crdType, undefined, crd, bootstrapOptions());
    else
      service.update(
        crdType,
        undefined,
        existing.metadata.name,
        {
          ...crd,
          metadata: {
            ...existing.metadata,
            ...crd.metadata,
            resourceVersion: existing.metadata.resourceVersion,
          },
        },
        bootstrapOptions(),
      );
  }
}

/**
 * Starts a Kubernetes API server emulator on 127.0.0.1 that `@kubernetes/client-node` and
 * `kubectl` talk to like to kube-apiserver: discovery, CRUD, patches and server-side apply,
 * watches, CRDs with structural schemas, Table output and namespace finalization.
 */
export async function startKubeEmulator(
  options: KubeEmulatorOptions = {},
): Promise<KubeEmulator> {
  const store = new ObjectStore(options.watchHistory ?? 10000);
  const registry = new ResourceRegistry();
  const controllers = new Controllers(store, registry);
  const adminToken = randomBytes(24).toString('hex');
  const auth = new ApiAuth(store, adminToken, ADMIN);
  const policies = new ValidatingAdmissionPolicies(store, registry);
  const service = new ResourceService(store, controllers, ipAllocator(store), {
    // RBAC's escalation checks on roles and bindings, then the admission policies
    admit(req, warnings) {
      auth.escalation.admit(req);
      policies.admit(req, warnings);
    },
  });
  controllers.attach(service);
  if (options.stateFile) loadState(store, options.stateFile);
  bootstrap(store, registry, service, options.crds ?? []);
  bootstrapPolicy(store, registry, service, bootstrapOptions);
  const stopAggregation = aggregateClusterRoles(
    store,
    registry,
    service,
    () => ({
      ...bootstrapOptions(),
      fieldManager: 'clusterrole-aggregation-controller',
    }),
  );
  const stopPolicyStatus = checkPolicies(
    store,
    registry,
    service,
    bootstrapOptions,
  );
  store.resetHistory();
  const persistence = options.stateFile
    ? persistStore(store, options.stateFile)
    : undefined;

  const watches = new Set<() => void>();
  let address = '';
  const tls = await selfSignedCert();
  const { server, closeAll } = dualProtocolServer(
    createHandler({
      store,
      registry,
      service,
      serverAddress: () => address,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      watches,
      auth,
      podLogs: options.podLogs,
    }),
    tls,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const httpsUrl = `https://${address}`;
  const kubeconfigYaml = emulatorKubeconfig(httpsUrl, adminToken, tls.cert);
  const dir = mkdtempSync(join(tmpdir(), 'kube-emulator-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigYaml, { mode: 0o600 });

  return {
    url,
    httpsUrl,
    token: adminToken,
    kubeconfigYaml,
    kubeconfigPath,
    async stop() {
      for (const stop of [...watches]) stop();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        closeAll();
      });
      stopAggregation();
      stopPolicyStatus();
      persistence?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
