import {
  ManifestsResponse,
  SandboxSpec,
} from '@kars-portal/plugin-kars-common';
import { renderedManifestList, renderSandbox } from '../render/renderSandbox';
import { ClusterConnection } from './ClusterConnection';

/**
 * The objects the reconciler would make for a sandbox of this spec on this cluster, as the
 * manifests view and the dry runs of create and update answer them (with the sandbox's restart
 * annotation, which goes into the pod template, when it has one).
 */
export function manifestsFor(
  name: string,
  spec: SandboxSpec,
  cluster: ClusterConnection,
  sandboxUid?: string,
  restartedAt?: string,
): ManifestsResponse {
  const rendered = renderSandbox({
    name,
    spec,
    cluster: cluster.config.settings,
    sandboxUid,
    restartedAt,
  });
  return {
    name,
    cluster: cluster.name,
    objects: renderedManifestList(rendered),
  };
}
