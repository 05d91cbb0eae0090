import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import { InformerEvent } from '../kube/Informer';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from '../service/ClusterConnection';
import { testClusterSettings } from './clusters';
import {
  buildSandboxObject,
  KarsSandboxObject,
} from '../service/sandboxObject';

/**
 * A cluster connection without a server, for unit tests: the settings a config of its name reads
 * to, the given API (none by default), a watch cache holding what `objects` answers at each
 * read (its listeners hear of changes through {@link emitChange}), a pod cache holding what `pods`
 * answers (none by default), and no usage source. Named primary, the default cluster, unless told
 * otherwise.
 */
export function fakeCluster(
  options: {
    name?: string;
    default?: boolean;
    gateway?: KubeGateway;
    objects?: () => KarsSandboxObject[];
    pods?: () => KubeObject[];
  } = {},
): ClusterConnection {
  const objects = options.objects ?? (() => []);
  const pods = options.pods ?? (() => []);
  const name = options.name ?? 'primary';
  const listeners = new Set<
    (event: InformerEvent<KarsSandboxObject>) => void
  >();
  return {
    name,
    config: {
      default: options.default ?? true,
      settings: testClusterSettings({
        clusters: [{ name, type: 'kubeconfig' }],
      }),
    },
    gateway: options.gateway,
    sandboxes: {
      get: (object: string) => objects().find(o => o.metadata.name === object),
      list: objects,
      waitFor: async (condition: () => boolean) => condition(),
      onChange: (
        listener: (event: InformerEvent<KarsSandboxObject>) => void,
      ) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      emit: (event: InformerEvent<KarsSandboxObject>) =>
        listeners.forEach(listener => listener(event)),
    },
    pods: {
      start: async () => undefined,
      hasSynced: true,
      waitFor: async (condition: () => boolean) => condition(),
      listInNamespace: (namespace: string) =>
        pods().filter(p => p.metadata.namespace === namespace),
    },
    usage: { peek: () => undefined, snapshot: async () => undefined },
  } as unknown as ClusterConnection;
}

/** Tells the listeners of a {@link fakeCluster}'s watch cache of a change, as the informer does after applying it. */
export function emitChange(
  cluster: ClusterConnection,
  event: InformerEvent<KarsSandboxObject>,
) {
  (
    cluster.sandboxes as unknown as {
      emit: (e: InformerEvent<KarsSandboxObject>) => void;
    }
  ).emit(event);
}

/** A gateway that records the name of every method called and answers each with undefined. */
export function recordingGateway(calls: string[]): KubeGateway {
  return new Proxy({} as KubeGateway, {
    get: (_target, method) => async () => {
      calls.push(String(method));
      return undefined;
    },
  });
}

/** A KarsSandbox as the API server would hold it, for a spec given as a form would (defaults filled). */
export function sandboxObject(
  name: string,
  spec: Record<string, unknown> = { owner: 'group:default/team-a' },
  metadata: Partial<KarsSandboxObject['metadata']> = {},
): KarsSandboxObject {
  const object = buildSandboxObject(
    name,
    sandboxSpecSchema.parse(spec),
    'kars-system',
  );
  object.metadata = {
    ...object.metadata,
    uid: `uid-${name}`,
    resourceVersion: '1',
    ...metadata,
  };
  return object;
}
