/**
 * Clusters of type `embedded` for the kars backend (dev and tests only).
 *
 * @packageDocumentation
 */

export { karsModuleEmbeddedCluster as default } from './module';
