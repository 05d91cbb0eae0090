import { LoggerService } from '@backstage/backend-plugin-api';
import {
  INFERENCE_POLICY_KIND,
  KARS_API_GROUP_VERSION,
  KARS_LABELS,
} from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import { Informer, InformerEvent } from '../kube/Informer';
import { OWNED_SELECTOR } from '../kube/sandboxPods';
import { ownedObjectTransform } from '../kube/transforms';
import { CERT_MANAGER_API_VERSION } from '../render/a2aGateway';
import { ClusterSettings } from '../render/types';

/** A kind of object the reconciler makes. */
export interface OwnedKind {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

/** The kinds of object the reconciler makes, watched by label. Secrets are never listed or watched. */
export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    namespaced: true,
  },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    namespaced: true,
  },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  {
    apiVersion: KARS_API_GROUP_VERSION,
    kind: INFERENCE_POLICY_KIND,
    namespaced: true,
  },
];

/**
 * The kinds the public A2A gateway adds (see render/a2aGateway), watched only on a cluster that has
 * a gateway: cert-manager's CRDs need not exist elsewhere.
 */
export const A2A_GATEWAY_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespaced: true },
  {
    apiVersion: CERT_MANAGER_API_VERSION,
    kind: 'Certificate',
    namespaced: true,
  },
];

/** The kinds the reconciler makes on a cluster, with or without its public A2A gateway. */
export function ownedKinds(settings: Pick<ClusterSettings, 'a2aGateway'>) {
  return settings.a2aGateway
    ? [...OWNED_KINDS, ...A2A_GATEWAY_KINDS]
    : [...OWNED_KINDS];
}

/**
 * The objects the reconciler made, one list-watch cache per kind (selected by the managed-by
 * label): what a pass reads as live, and what it prunes when no longer desired. Each cache keeps
 * only what the reconciler reads of them ({@link ownedObjectTransform}).
 */
export class OwnedObjects {
  private readonly informers = new Map<string, Informer>();

  constructor(
    private readonly gateway: KubeGateway,
    logger: LoggerService,
    private readonly kinds: readonly OwnedKind[],
  ) {
    for (const k of kinds) {
      this.informers.set(
        k.kind,
        new Informer(
          gateway,
          {
            apiVersion: k.apiVersion,
            kind: k.kind,
            labelSelector: OWNED_SELECTOR,
            transform: ownedObjectTransform(k.kind),
          },
          logger,
        ),
      );
    }
  }

  /** Tells `listener` of each change of a kind; returns the unsubscribe. */
  onChange(
    listener: (kind: string, event: InformerEvent<KubeObject>) => void,
  ): Array<() => void> {
    return [...this.informers].map(([kind, informer]) =>
      informer.onChange(event => listener(kind, event)),
    );
  }

  start() {
    return Promise.all([...this.informers.values()].map(i => i.start()));
  }

  stop() {
    for (const informer of this.informers.values()) informer.stop();
  }

  /** The cached live object, undefined when there is none. */
  get(kind: string, name: string, namespace?: string) {
    return this.informers.get(kind)!.get(name, namespace);
  }

  /** Deletes the objects this sandbox owned in its namespace that are no longer desired. */
  async prune(name: string, namespace: string, desired: KubeObject[]) {
    const wanted = new Set(desired.map(o => `${o.kind}/${o.metadata.name}`));
    for (const k of this.kinds) {
      if (!k.namespaced) continue;
      for (const live of this.informers
        .get(k.kind)!
        .listInNamespace(namespace)) {
        if (
          live.metadata.labels?.[KARS_LABELS.sandbox] === name &&
          !wanted.has(`${k.kind}/${live.metadata.name}`)
        ) {
          await this.gateway.delete(
            {
              apiVersion: k.apiVersion,
              kind: k.kind,
              name: live.metadata.name,
              namespace,
            },
            { preconditions: { uid: String(live.metadata.uid) } },
          );
        }
      }
    }
  }
}
