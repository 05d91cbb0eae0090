/**
 * The workload simulator: against any Kubernetes API server without kubelets (the emulator or a
 * real control plane), it makes kars sandbox Deployments available and answers Prometheus queries
 * for `kars_tokens_total`, as kwok runs beside an API server.
 *
 * @packageDocumentation
 */
export { startWorkloadSimulator } from './simulator';
export type { WorkloadSimulator, WorkloadSimulatorOptions } from './simulator';
