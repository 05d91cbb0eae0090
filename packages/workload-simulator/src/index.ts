/**
 * The workload simulator: against any Kubernetes API server without kubelets (the emulator or a
 * real control plane), it plays the Deployment and ReplicaSet controllers, kube-scheduler and the
 * kubelets of simulated nodes for kars sandboxes, with injectable faults and container logs, and
 * answers Prometheus queries for `kars_tokens_total`, as kwok runs beside an API server.
 *
 * @packageDocumentation
 */
export { startWorkloadSimulator } from './simulator';
export type { WorkloadSimulator, WorkloadSimulatorOptions } from './simulator';
export type { PodLogRequest } from './workloads';
export { FAULT_ANNOTATION, FAULT_KINDS } from './faults';
export { CERTIFICATE_ANNOTATION } from './gateway';
export type { FaultKind } from './faults';
export { TOKEN_BURST_ANNOTATION } from './tokenBursts';
export {
  DEFAULT_NODE_POOLS,
  KATA_RUNTIME_LABEL,
  KWOK_NODE_ANNOTATION,
  nodeManifest,
  plannedNodes,
  SIMULATED_NODE_LABEL,
} from './nodes';
export type { NodePool, PlannedNode, Taint } from './nodes';
export { channelLine } from './logs';
export type { ChannelSetup } from './logs';
