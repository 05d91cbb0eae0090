/**
 * Clusters of type `embedded` for the kars backend (dev and tests only), and a module that shows
 * them in the Backstage Kubernetes plugin.
 *
 * @packageDocumentation
 */

export { karsModuleEmbeddedCluster as default } from './module';
export { kubernetesModuleEmbeddedCluster } from './kubernetesModule';
