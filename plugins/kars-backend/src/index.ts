/**
 * The kars backend plugin: REST API, reconciler, cluster access, audit store.
 *
 * @packageDocumentation
 */

export { karsPlugin as default } from './plugin';
export {
  karsSandboxConditions,
  createKarsSandboxConditionalDecision,
  karsSandboxResourceRef,
  isSandboxOwner,
} from './permissions';
export type { KarsSandboxQuery } from './permissions';
