/**
 * Test harness for a real Kubernetes control plane: kube-apiserver on an embedded
 * etcd plus kube-controller-manager, built from Go modules by build.sh.
 *
 * @packageDocumentation
 */

export {
  testenvBinaryPath,
  missingBinaryReason,
  kwokBinaryPaths,
  type KwokBinaries,
} from './binary';
export {
  startKubeTestenv,
  connectKubeTestenv,
  KWOK_NODE_SELECTOR,
  type KubeTestenv,
  type KubeTestenvConnection,
  type ServiceAccountTokenOptions,
  type StartKubeTestenvOptions,
} from './testenv';
export {
  kubeTestenvGlobalSetup,
  kubeTestenvGlobalTeardown,
  kubeTestenvFromEnv,
  KUBECONFIG_ENV,
  SKIP_ENV,
  SWITCH_ENV,
} from './jest';
export { tokenKubeconfig } from './kubeconfig';
export {
  certManagerCrdFiles,
  certManagerCrds,
  CERT_MANAGER_VERSION,
} from './certManager';
