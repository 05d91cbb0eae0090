/**
 * The Kubernetes API behaviours kars portal relies on, declared once and run
 * against every server of the run: the real control plane of test/kube-testenv,
 * the TypeScript emulator, and any cluster named by KARS_CONTRACT_KUBECONFIG.
 *
 * @packageDocumentation
 */

export { RawClient, TABLE_ACCEPT } from './lib/raw';
export type { Query, RawResponse, WatchEvent, WatchResult } from './lib/raw';
export {
  contractTargets,
  TARGETS_ENV,
  EXTERNAL_KUBECONFIG_ENV,
} from './lib/targets';
export type { TargetName, TargetSpec, OpenTarget } from './lib/targets';
export { describeContract, behaviour, TargetContext } from './lib/contract';
export { ensureCrds, eventually, expectStatus } from './lib/fixtures';
