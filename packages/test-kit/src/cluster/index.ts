/**
 * Test clusters (node only): the emulator, a real kube-apiserver or any cluster, with deploy/
 * applied and the workload simulator running unless told otherwise.
 *
 * @packageDocumentation
 */

export {
  clusterTargetNames,
  DEPLOY_DIR,
  kwokAvailable,
  startClusterTarget,
  type ClusterTarget,
  type ClusterTargetName,
  type ClusterTargetOptions,
} from './clusterTargets';
