import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { KarsClusterConnector, KarsClusterSupplier } from './clusters/types';

/**
 * Builds a cluster supplier, optionally around the default one (which reads `kars.clusters`).
 * @public
 */
export type KarsClusterSupplierFactory = (options: {
  getDefault: () => Promise<KarsClusterSupplier>;
}) => Promise<KarsClusterSupplier>;

/**
 * Replaces where the kars backend finds its clusters. One supplier only: a second registration
 * is a startup error.
 * @public
 */
export interface KarsClusterSupplierExtensionPoint {
  addClusterSupplier(
    supplier: KarsClusterSupplier | KarsClusterSupplierFactory,
  ): void;
}

/**
 * Where the kars backend finds its clusters.
 * @public
 */
export const karsClusterSupplierExtensionPoint =
  createExtensionPoint<KarsClusterSupplierExtensionPoint>({
    id: 'kars.cluster-supplier',
  });

/**
 * Adds a way to connect to a cluster, for the clusters whose `type` is the given one. A type may
 * be registered once, and not over a built-in one (`kubeconfig`, `inCluster`, `kubernetes`).
 * @public
 */
export interface KarsClusterConnectorsExtensionPoint {
  addClusterConnector(type: string, connector: KarsClusterConnector): void;
}

/**
 * How the kars backend connects to clusters of a type.
 * @public
 */
export const karsClusterConnectorsExtensionPoint =
  createExtensionPoint<KarsClusterConnectorsExtensionPoint>({
    id: 'kars.cluster-connectors',
  });
