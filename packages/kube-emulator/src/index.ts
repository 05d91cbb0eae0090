/**
 * An embedded Kubernetes API server for dev and fast tests, and the workload simulator.
 *
 * @packageDocumentation
 */
export { startKubeEmulator } from './emulator';
export type { KubeEmulator, KubeEmulatorOptions } from './emulator';
export { emulatorKubeconfig } from './kubeconfig';
export { startWorkloadSimulator } from './simulator';
export type { WorkloadSimulator, WorkloadSimulatorOptions } from './simulator';
