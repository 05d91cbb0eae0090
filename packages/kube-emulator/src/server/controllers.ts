import { timestamp } from '../api/time';
import {
  JsonObject,
  KubeObject,
  resourceKey,
  ResourceType,
} from '../api/types';
import { ResourceRegistry } from '../registry/registry';
import { ObjectStore } from '../storage/store';
import { ResourceService, WriteHooks, WriteOptions } from './resources';

const MANAGER = 'kube-controller-manager';
const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

const controllerOptions = (): WriteOptions => ({
  dryRun: false,
  fieldManager: MANAGER,
  fieldValidation: 'Ignore',
  warnings: [],
});

const namespaceConditions = (
  remaining: number,
  withFinalizers: number,
): JsonObject[] => {
  const now = timestamp();
  return [
    {
      type: 'NamespaceDeletionDiscoveryFailure',
      status: 'False',
      lastTransitionTime: now,
      reason: 'ResourcesDiscovered',
      message: 'All resources successfully discovered',
    },
    {
      type: 'NamespaceDeletionGroupVersionParsingFailure',
      status: 'False',
      lastTransitionTime: now,
      reason: 'ParsedGroupVersions',
      message: 'All legacy kube types successfully parsed',
    },
    {
      type: 'NamespaceDeletionContentFailure',
      status: 'False',
      lastTransitionTime: now,
      reason: 'ContentDeleted',
      message:
        'All content successfully deleted, may be waiting on finalization',
    },
    remaining
      ? {
          type: 'NamespaceContentRemaining',
          status: 'True',
          lastTransitionTime: now,
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${remaining} objects`,
        }
      : {
          type: 'NamespaceContentRemaining',
          status: 'False',
          lastTransitionTime: now,
          reason: 'ContentRemoved',
          message: 'All content successfully removed',
        },
    withFinalizers
      ? {
          type: 'NamespaceFinalizersRemaining',
          status: 'True',
          lastTransitionTime: now,
          reason: 'SomeFinalizersRemain',
          message: `Some content in the namespace has finalizers remaining: ${withFinalizers} objects`,
        }
      : {
          type: 'NamespaceFinalizersRemaining',
          status: 'False',
          lastTransitionTime: now,
          reason: 'ContentHasNoFinalizers',
          message: 'All content-preserving finalizers finished',
        },
  ];
};

/**
 * What kube-controller-manager and the apiextensions controllers would do here: serve CRDs once
 * created, finalize terminating namespaces and CRDs, and collect garbage by ownerReferences.
 * Work runs asynchronously after the write that caused it, like a controller's.
 */
export class Controllers implements WriteHooks {
  private service?: ResourceService;
  private readonly pending = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  attach(service: ResourceService) {
    this.service = service;
  }

  afterWrite(t: ResourceType, obj: KubeObject): void {
    if (t.kind === 'CustomResourceDefinition') {
      if (obj.metadata.deletionTimestamp)
        this.enqueue(`crd/${obj.metadata.name}`);
      else this.registry.registerCrd(obj);
    }
    if (t.kind === 'Namespace' && obj.metadata.deletionTimestamp)
      this.enqueue(`ns/${obj.metadata.name}`);
    else if (t.kind === 'Namespace') this.enqueue(`sa/${obj.metadata.name}`);
    if (obj.metadata.deletionTimestamp) {
      const f: string[] = obj.metadata.finalizers ?? [];
      if (f.includes('foregroundDeletion') || f.includes('orphan'))
        this.enqueue(
          `gc/${resourceKey(t)}/${obj.metadata.namespace ?? ''}/${
            obj.metadata.name
          }`,
        );
    }
    this.touchNamespace(obj);
  }

  afterDelete(t: ResourceType, obj: KubeObject): void {
    if (t.kind === 'CustomResourceDefinition')
      this.registry.unregisterCrd(obj.metadata.name);
    this.enqueue(`dependents/${obj.metadata.uid}`);
    this.touchNamespace(obj);
    for (const ref of obj.metadata.ownerReferences ?? [])
      this.touchOwner(ref, obj.metadata.namespace);
  }

  /** Re-examines an owner in foreground deletion once one of its dependents is gone. */
  private touchOwner(ref: JsonObject, namespace: string | undefined) {
    const [group, version] = String(ref.apiVersion).includes('/')
      ? String(ref.apiVersion).split('/')
      : ['', ref.apiVersion];
    const t = this.registry
      .all()
      .find(
        x => x.group === group && x.version === version && x.kind === ref.kind,
      );
    if (!t) return;
    const owner = this.store.get(
      resourceKey(t),
      t.namespaced ? namespace : undefined,
      ref.name,
    );
    if (
      owner &&
      owner.metadata.uid === ref.uid &&
      owner.metadata.deletionTimestamp
    ) {
      this.enqueue(
        `gc/${resourceKey(t)}/${owner.metadata.namespace ?? ''}/${
          owner.metadata.name
        }`,
      );
    }
  }

  private touchNamespace(obj: KubeObject) {
    const ns = obj.metadata.namespace;
    if (
      ns &&
      this.store.get('namespaces', undefined, ns)?.metadata.deletionTimestamp
    )
      this.enqueue(`ns/${ns}`);
  }

  private enqueue(item: string) {
    this.pending.add(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain() {
    this.scheduled = false;
    const items = [...this.pending];
    this.pending.clear();
    for (const item of items) {
      const [kind, ...rest] = item.split('/');
      try {
        if (kind === 'ns') this.finalizeNamespace(rest.join('/'));
        else if (kind === 'crd') this.finalizeCrd(rest.join('/'));
        else if (kind === 'sa')
          this.ensureDefaultServiceAccount(rest.join('/'));
        else if (kind === 'dependents') this.collectDependents(rest[0]);
        else if (kind === 'gc')
          this.finalizeOwner(
            rest[0],
            rest[1] || undefined,
            rest.slice(2).join('/'),
          );
      } catch {
        // A concurrent client write won the race; the next event re-queues the work.
      }
    }
  }

  private typeOf(key: string): ResourceType | undefined {
    return this.registry.byResourceKey(key);
  }

  private namespacedContent(
    ns: string,
  ): { t: ResourceType; obj: KubeObject }[] {
    return this.store.resources().flatMap(key => {
      const t = this.typeOf(key);
      if (!t?.namespaced) return [];
      return this.store.list(key, ns).map(obj => ({ t, obj }));
    });
  }

  private finalizeNamespace(name: string) {
    const service = this.service!;
    const ns = this.store.get('namespaces', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const nsType = this.typeOf('namespaces')!;
    if ((ns.spec?.finalizers ?? []).includes('kubernetes')) {
      for (const { t, obj } of this.namespacedContent(name)) {
        if (!obj.metadata.deletionTimestamp)
          service.delete(t, name, obj.metadata.name, {}, controllerOptions());
      }
      const remaining = this.namespacedContent(name);
      if (remaining.length) {
        const withFinalizers = remaining.filter(
          r => (r.obj.metadata.finalizers ?? []).length,
        ).length;
        const current = this.store.get('namespaces', undefined, name)!;
        if (!current.status?.conditions) {
          service.update(
            nsType,
            undefined,
            name,
            {
              ...current,
              status: {
                ...current.status,
                conditions: namespaceConditions(
                  remaining.length,
                  withFinalizers,
                ),
              },
            },
            controllerOptions(),
            'status',
          );
        }
        return;
      }
      const current = this.store.get('namespaces', undefined, name)!;
      const spec = {
        ...current.spec,
        finalizers: (current.spec?.finalizers ?? []).filter(
          (f: string) => f !== 'kubernetes',
        ),
      };
      this.store.put('namespaces', {
        ...current,
        spec,
        status: { ...current.status, conditions: namespaceConditions(0, 0) },
      });
    }
    const current = this.store.get('namespaces', undefined, name)!;
    if (
      !(current.spec?.finalizers ?? []).length &&
      !(current.metadata.finalizers ?? []).length
    ) {
      const gone = this.store.remove('namespaces', current);
      this.afterDelete(nsType, gone);
    }
  }

  /** The ServiceAccount controller: every active namespace has a `default` ServiceAccount. */
  private ensureDefaultServiceAccount(namespace: string) {
    const ns = this.store.get('namespaces', undefined, namespace);
    if (
      !ns ||
      ns.metadata.deletionTimestamp ||
      this.store.get('serviceaccounts', namespace, 'default')
    )
      return;
    this.service!.create(
      this.typeOf('serviceaccounts')!,
      namespace,
      { metadata: { name: 'default' } },
      controllerOptions(),
    );
  }

  private finalizeCrd(name: string) {
    const crd = this.store.get(
      'customresourcedefinitions.apiextensions.k8s.io',
      undefined,
      name,
    );
    if (!crd?.metadata.deletionTimestamp) return;
    const key = `${crd.spec.names.plural}.${crd.spec.group}`;
    const t = this.typeOf(key);
    if (t) {
      for (const obj of this.store.list(key)) {
        if (!obj.metadata.deletionTimestamp)
          this.service!.delete(
            t,
            obj.metadata.namespace,
            obj.metadata.name,
            {},
            controllerOptions(),
          );
      }
      if (this.store.list(key).length) return;
    }
    this.removeFinalizer(
      this.typeOf('customresourcedefinitions.apiextensions.k8s.io')!,
      crd,
      CRD_FINALIZER,
    );
  }

  private removeFinalizer(t: ResourceType, obj: KubeObject, finalizer: string) {
    const finalizers = (obj.metadata.finalizers ?? []).filter(
      (f: string) => f !== finalizer,
    );
    this.service!.patch(
      t,
      obj.metadata.namespace,
      obj.metadata.name,
      'application/merge-patch+json',
      JSON.stringify({
        metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion },
      }),
      controllerOptions(),
    );
  }

  private dependentsOf(uid: string): { t: ResourceType; obj: KubeObject }[] {
    return this.store.resources().flatMap(key => {
      const t = this.typeOf(key);
      if (!t) return [];
      return this.store
        .list(key)
        .filter(o =>
          (o.metadata.ownerReferences ?? []).some(
            (r: JsonObject) => r.uid === uid,
          ),
        )
        .map(obj => ({ t, obj }));
    });
  }

  /** Background deletion: dependents of a deleted owner go too. */
  private collectDependents(uid: string) {
    for (const { t, obj } of this.dependentsOf(uid)) {
      if (!obj.metadata.deletionTimestamp)
        this.service!.delete(
          t,
          obj.metadata.namespace,
          obj.metadata.name,
          {},
          controllerOptions(),
        );
    }
  }

  /** Foreground deletion waits for dependents; orphaning strips their ownerReferences. */
  private finalizeOwner(
    key: string,
    namespace: string | undefined,
    name: string,
  ) {
    const t = this.typeOf(key);
    const owner = this.store.get(key, namespace, name);
    if (!t || !owner?.metadata.deletionTimestamp) return;
    const finalizers: string[] = owner.metadata.finalizers ?? [];
    const dependents = this.dependentsOf(owner.metadata.uid);
    if (finalizers.includes('orphan')) {
      for (const { t: dt, obj } of dependents) {
        const ownerReferences = obj.metadata.ownerReferences.filter(
          (r: JsonObject) => r.uid !== owner.metadata.uid,
        );
        this.service!.patch(
          dt,
          obj.metadata.namespace,
          obj.metadata.name,
          'application/merge-patch+json',
          JSON.stringify({
            metadata: {
              ownerReferences: ownerReferences.length ? ownerReferences : null,
            },
          }),
          controllerOptions(),
        );
      }
      this.removeFinalizer(t, owner, 'orphan');
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      if (dependents.length) {
        for (const { t: dt, obj } of dependents) {
          if (!obj.metadata.deletionTimestamp)
            this.service!.delete(
              dt,
              obj.metadata.namespace,
              obj.metadata.name,
              { propagationPolicy: 'Foreground' },
              controllerOptions(),
            );
        }
        return;
      }
      this.removeFinalizer(t, owner, 'foregroundDeletion');
    }
  }
}
