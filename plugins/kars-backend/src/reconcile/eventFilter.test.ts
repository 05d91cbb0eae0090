import { mockServices } from '@backstage/backend-test-utils';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  KARS_FIELD_MANAGER,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from '../service/ClusterConnection';
import { publishSandboxEvents } from '../service/sandboxEvents';
import {
  buildSandboxObject,
  CREDENTIAL_KEYS_ANNOTATION,
} from '../service/sandboxObject';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { CountingGateway } from '../__testUtils__/CountingGateway';
import { ClusterController } from './ClusterController';
import { sandboxNeedsReconcile } from './predicates';
import { Reconciler } from './Reconciler';
import {
  backendConnection,
  backendGateway,
  eventually,
} from '../__testUtils__/backend';
import {
  KubeGateway,
  KubeObject,
  WatchEvent,
} from '@kars-portal/plugin-kars-node';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();

/**
 * How far the sandbox watch lags behind the API server here, as under load. Wide enough that a
 * pass reaches the server within it on a loaded 2-core CI machine (300 ms was not).
 */
const SANDBOX_WATCH_LAG_MS = 1500;

/** The gateway, with every KarsSandbox watch event delivered late (in order). */
function laggingSandboxWatch(gateway: KubeGateway): KubeGateway {
  function watch<T extends KubeObject>(
    apiVersion: string,
    kind: string,
    options: Parameters<KubeGateway['watch']>[2],
    onEvent: (event: WatchEvent<T>) => void,
    onDone: (error?: unknown) => void,
  ) {
    return gateway.watch<T>(
      apiVersion,
      kind,
      options,
      event =>
        kind === 'KarsSandbox'
          ? void setTimeout(() => onEvent(event), SANDBOX_WATCH_LAG_MS)
          : onEvent(event),
      onDone,
    );
  }
  return new Proxy(gateway, {
    get: (target, property, receiver) =>
      property === 'watch' ? watch : Reflect.get(target, property, receiver),
  });
}

const NAME = 'tenant-a';
const sandboxRef = {
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  name: NAME,
  namespace: 'kars-system',
};
const deploymentRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: NAME,
  namespace: `kars-${NAME}`,
};

describe.each(clusterTargetNames())(
  'which changes reach the reconciler and the catalog, on the %s',
  targetName => {
    let target: ClusterTarget;
    let counting: CountingGateway;
    let connection: ClusterConnection;
    let controller: ClusterController;
    let stopPublishing: () => void;
    let stopCounting: () => void;
    const published: EventParams[] = [];
    /** Changes of the sandbox, as its cache saw them, that queue a reconcile pass. */
    const queued: string[] = [];
    let passes: jest.SpyInstance<
      ReturnType<Reconciler['reconcile']>,
      Parameters<Reconciler['reconcile']>
    >;
    const passesOf = (name: string) =>
      passes.mock.calls.filter(([n]) => n === name).length;
    const events: EventsService = {
      publish: async params => void published.push(params),
      subscribe: async () => {},
    };

    /** Resolves once the sandbox cache holds this version of the object. */
    const cached = async (written: KubeObject) => {
      const seen = await connection.sandboxes.waitFor(
        () =>
          connection.sandboxes.get(NAME, 'kars-system')?.metadata
            .resourceVersion === written.metadata.resourceVersion,
        10_000,
      );
      expect(seen).toBe(true);
    };

    /** Waits until a second passes without a reconcile pass. */
    const quiet = async () => {
      let before = -1;
      while (before !== passes.mock.calls.length) {
        before = passes.mock.calls.length;
        await controller.whenIdle();
        await new Promise(r => setTimeout(r, 1000));
        await controller.whenIdle();
      }
    };

    const reset = () => {
      passes.mockClear();
      published.length = 0;
      queued.length = 0;
      counting.reset();
    };

    const phase = async () =>
      (await target.admin.get<any>(sandboxRef))?.status?.phase;

    beforeAll(async () => {
      passes = jest.spyOn(Reconciler.prototype, 'reconcile');
      target = await startClusterTarget(targetName, { readyDelayMs: 1500 });
      counting = new CountingGateway(
        laggingSandboxWatch(backendGateway(target)),
      );
      connection = backendConnection(target, counting.gateway, logger);
      stopCounting = connection.sandboxes.onChange(event => {
        if (
          event.type !== 'resync' &&
          event.object.metadata.name === NAME &&
          sandboxNeedsReconcile(event)
        ) {
          queued.push(String(event.object.metadata.resourceVersion));
        }
      });
      await connection.sandboxes.start();
      stopPublishing = publishSandboxEvents(connection, events, logger);
      controller = new ClusterController(connection, logger, {
        identity: 'replica-1',
        leaseDurationSeconds: 3,
        reconcilerOptions: { baseDelayMs: 100, maxDelayMs: 1000 },
      });
      await target.admin.create(
        buildSandboxObject(
          NAME,
          sandboxSpecSchema.parse({
            model: 'gpt-4.1',
            owner: 'group:default/team-a',
          }),
          'kars-system',
        ),
      );
      controller.start();
      await eventually(
        `${NAME} Running`,
        async () => (await phase()) === 'Running',
      );
      await quiet();
    });

    afterAll(async () => {
      stopCounting?.();
      stopPublishing?.();
      await controller?.stop();
      await connection?.stop();
      await target?.stop();
      passes?.mockRestore();
    });

    beforeEach(async () => {
      await quiet();
      reset();
    });

    it('makes no reconcile pass and publishes no catalog event for a status-only write to the sandbox', async () => {
      const written = await target.admin.mergePatch(
        sandboxRef,
        { status: { lastReconciledAt: '2030-01-01T00:00:00Z' } },
        { subresource: 'status', fieldManager: KARS_FIELD_MANAGER },
      );
      await cached(written);
      await quiet();
      expect(passesOf(NAME)).toBe(0);
      expect(queued).toEqual([]);
      expect(published).toEqual([]);
    });

    it('makes exactly one pass and publishes exactly one catalog event for a spec change', async () => {
      const written = await target.admin.mergePatch(sandboxRef, {
        spec: { owner: 'group:default/team-z' },
      });
      await cached(written);
      await eventually(
        'the new generation observed',
        async () =>
          (
            await target.admin.get<any>(sandboxRef)
          ).status.observedGeneration === written.metadata.generation,
      );
      await quiet();
      expect(passesOf(NAME)).toBe(1);
      expect(queued).toEqual([written.metadata.resourceVersion]);
      expect(published).toEqual([
        {
          topic: 'kars.sandbox',
          eventPayload: { name: NAME, cluster: 'primary', change: 'upserted' },
        },
      ]);
    });

    it('makes exactly one pass and publishes no catalog event when an annotation the reconciler reads changes', async () => {
      const written = await target.admin.mergePatch(sandboxRef, {
        metadata: {
          annotations: { [CREDENTIAL_KEYS_ANNOTATION]: 'SLACK_BOT_TOKEN' },
        },
      });
      await cached(written);
      await quiet();
      expect(passesOf(NAME)).toBe(1);
      expect(queued).toEqual([written.metadata.resourceVersion]);
      expect(published).toEqual([]);
    });

    it('ignores a status-only write to the Deployment that the phase does not read, and follows one that it does', async () => {
      await target.admin.mergePatch(
        deploymentRef,
        { status: { collisionCount: 1 } },
        { subresource: 'status', fieldManager: 'kube-controller-manager' },
      );
      await new Promise(r => setTimeout(r, 500));
      await quiet();
      expect(passesOf(NAME)).toBe(0);

      await target.admin.mergePatch(
        deploymentRef,
        { status: { availableReplicas: 0, updatedReplicas: 0 } },
        { subresource: 'status', fieldManager: 'kube-controller-manager' },
      );
      await eventually(
        'the phase to follow',
        async () => (await phase()) === 'Creating',
        1400,
      );
      expect(passesOf(NAME)).toBeGreaterThanOrEqual(1);
      await eventually(
        'Running again',
        async () => (await phase()) === 'Running',
      );
      expect(published).toEqual([]);
    });

    it("ignores a change to the sandbox's pod that the phase does not read, and follows one of its fault", async () => {
      const [pod] = (
        await target.admin.list<any>('v1', 'Pod', {
          namespace: `kars-${NAME}`,
          labelSelector: `kars.azure.com/sandbox=${NAME}`,
        })
      ).items;
      const podRef = {
        apiVersion: 'v1',
        kind: 'Pod',
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
      };
      await target.admin.mergePatch(podRef, {
        metadata: { annotations: { 'example.com/note': 'looked at' } },
      });
      await new Promise(r => setTimeout(r, 500));
      await quiet();
      expect(passesOf(NAME)).toBe(0);

      const agent = pod.status.containerStatuses.find(
        (c: any) => c.name !== 'inference-router',
      );
      const kubelet = (containerStatuses: unknown) =>
        target.admin.mergePatch(
          podRef,
          { status: { containerStatuses } },
          { subresource: 'status', fieldManager: 'kubelet' },
        );
      await kubelet(
        pod.status.containerStatuses.map((c: any) =>
          c.name === agent.name
            ? {
                ...c,
                ready: false,
                state: { waiting: { reason: 'CrashLoopBackOff' } },
              }
            : c,
        ),
      );
      await eventually('Degraded by the crash loop', async () => {
        const status = (await target.admin.get<any>(sandboxRef))?.status;
        return (
          status?.phase === 'Degraded' &&
          status.conditions.find((c: any) => c.type === 'Ready').reason ===
            'CrashLoopBackOff'
        );
      });
      await quiet();
      expect(passesOf(NAME)).toBe(1);

      await kubelet(pod.status.containerStatuses);
      await eventually(
        'Running once the pod runs again',
        async () => (await phase()) === 'Running',
      );
      await quiet();
      expect(passesOf(NAME)).toBe(2);
      expect(published).toEqual([]);
    });

    it('keeps the phase right when a pass starts before its last status write reached the cache', async () => {
      await target.admin.mergePatch(
        deploymentRef,
        { status: { availableReplicas: 0 } },
        { subresource: 'status', fieldManager: 'kube-controller-manager' },
      );
      await eventually(
        'Creating',
        async () => (await phase()) === 'Creating',
        SANDBOX_WATCH_LAG_MS,
      );
      // Available again while the sandbox cache still holds Running: the next pass must compare
      // with the Creating it wrote, not with the Running it has not seen go.
      await target.admin.mergePatch(
        deploymentRef,
        { status: { availableReplicas: 1 } },
        { subresource: 'status', fieldManager: 'kube-controller-manager' },
      );
      await new Promise(r => setTimeout(r, 3 * SANDBOX_WATCH_LAG_MS));
      await quiet();
      expect(await phase()).toBe('Running');
    });

    it('queues exactly one pass for a restart annotation, which applies the Deployment once with the value in its pod template, and publishes no catalog event', async () => {
      const restartedAt = new Date().toISOString();
      const written = await target.admin.mergePatch(sandboxRef, {
        metadata: {
          annotations: { 'kars.azure.com/restarted-at': restartedAt },
        },
      });
      await cached(written);
      const deployment = await eventually(
        'the pod template to carry the restart',
        async () => {
          const live = await target.admin.get<any>(deploymentRef);
          return (
            live?.spec.template.metadata.annotations?.[
              'kars.azure.com/restarted-at'
            ] === restartedAt && live
          );
        },
      );
      await eventually(
        'the rolled Deployment Running',
        async () =>
          (await phase()) === 'Running' &&
          (
            await target.admin.get<any>(deploymentRef)
          ).status?.observedGeneration === deployment.metadata.generation,
      );
      await quiet();
      // The pass it queued applied the new pod template; the Deployment's rollout then queued
      // passes of its own (its generation and availability changed), none from the sandbox.
      expect(queued).toEqual([written.metadata.resourceVersion]);
      expect(passesOf(NAME)).toBeGreaterThanOrEqual(1);
      expect(
        counting
          .writes()
          .filter(c => c.kind !== 'KarsSandbox')
          .map(c => `${c.method} ${c.kind}/${c.name}`),
      ).toEqual([`apply Deployment/${NAME}`]);
      expect(published).toEqual([]);
    });
  },
);
