/**
 * Node library of the kars backend: the port through which it talks to a cluster, the adapter
 * over `@kubernetes/client-node`, the cluster types, and the extension points through which
 * modules add clusters.
 *
 * @packageDocumentation
 */

export * from './gateway/types';
export { ClientNodeGateway } from './gateway/ClientNodeGateway';
export { readManifests, applyManifests } from './gateway/manifests';
export type {
  KarsClusterAccess,
  KarsClusterConnector,
  KarsClusterDetails,
  KarsClusterSupplier,
} from './clusters/types';
export {
  karsClusterConnectorsExtensionPoint,
  karsClusterSupplierExtensionPoint,
} from './extensions';
export type {
  KarsClusterConnectorsExtensionPoint,
  KarsClusterSupplierExtensionPoint,
  KarsClusterSupplierFactory,
} from './extensions';
