/**
 * A sandbox's health: what is read from its cluster (observe), each enforcement layer judged from
 * that (layers, with the NetworkPolicy comparison in network), the chat channels' connections
 * (channels), and the whole report (report).
 */
export { observeAgentLog, observeHealth } from './observe';
export type { AgentLog, HealthObservation } from './observe';
export { compareNetworkPolicies, renderedNetworkPolicies } from './network';
export type { NetworkPolicyComparison } from './network';
export { isolationLayers } from './layers';
export { budgetWindows, buildHealth } from './report';
export { channelLines, channelSignals } from './channels';
export type { ChannelSignal } from './channels';
