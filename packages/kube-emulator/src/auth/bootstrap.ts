import { KubeObject, resourceKey } from '../api/types';
import { ResourceRegistry } from '../registry/registry';
import { ResourceService, WriteOptions } from '../server/resources';
import { ObjectStore } from '../storage/store';
import { upstream } from '../upstream/upstream';

/**
 * kube-apiserver's bootstrap RBAC policy (cluster-admin, system:discovery, system:basic-user,
 * system:public-info-viewer, admin/edit/view, the controllers' roles…), as captured from the real
 * server: each object is made when missing, as the server's storage post-start hook does.
 */
export function bootstrapPolicy(
  store: ObjectStore,
  registry: ResourceRegistry,
  service: ResourceService,
  options: () => WriteOptions,
) {
  for (const obj of upstream().rbac as KubeObject[]) {
    const plural = `${obj.kind.toLowerCase()}s`;
    const t = registry.find('rbac.authorization.k8s.io', 'v1', plural)!;
    const { namespace, name } = obj.metadata;
    if (!store.get(resourceKey(t), namespace, name))
      service.create(t, namespace, obj, options());
  }
}
