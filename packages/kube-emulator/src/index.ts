/**
 * An embedded Kubernetes API server for dev and fast tests.
 *
 * @packageDocumentation
 */
export { startKubeEmulator } from './emulator';
export type { KubeEmulator, KubeEmulatorOptions } from './emulator';
export type { PodLogSource } from './server/podLog';
export { emulatorKubeconfig } from './kubeconfig';
