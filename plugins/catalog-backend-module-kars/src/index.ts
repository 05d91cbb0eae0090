/**
 * The catalog module of kars portal: sandboxes, their agents and their A2A agent cards as catalog
 * entities.
 *
 * @packageDocumentation
 */

export { catalogModuleKars as default } from './module';
export { KarsEntityProvider } from './providers/KarsEntityProvider';
export type { KarsEntityProviderDeps } from './providers/KarsEntityProvider';
export {
  sandboxToEntities,
  karsSystemEntity,
  toTag,
} from './providers/sandboxToEntities';
export type {
  SandboxEntityOptions,
  SandboxForEntities,
} from './providers/sandboxToEntities';
export { readKarsProviderConfig } from './providers/config';
export type { KarsProviderConfig } from './providers/config';
