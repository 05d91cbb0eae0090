/**
 * A sandbox's health: what is read from its cluster (observe), each enforcement layer judged from
 * that (layers, with the NetworkPolicy comparison in network), and the whole report (report).
 */
export { observeHealth } from './observe';
export type { HealthObservation } from './observe';
export { compareNetworkPolicies, renderedNetworkPolicies } from './network';
export type { NetworkPolicyComparison } from './network';
export { isolationLayers } from './layers';
export { budgetWindows, buildHealth } from './report';
