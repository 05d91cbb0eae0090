import { Entity } from '@backstage/catalog-model';
import {
  KARS_ENTITY_TYPES,
  KARS_SANDBOX_ANNOTATION,
} from '@kars-portal/plugin-kars-common';

/** The sandbox an entity stands for, from its `kars.azure.com/sandbox` annotation. @public */
export function getSandboxName(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[KARS_SANDBOX_ANNOTATION] || undefined;
}

/**
 * Whether an entity is a kars sandbox (`Resource` of type `kars-sandbox`) or its agent
 * (`Component` of type `ai-agent`) with the sandbox annotation: where the Sandbox tab goes.
 * @public
 */
export function isKarsSandboxEntity(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const type = String(entity.spec?.type ?? '');
  const matches =
    (kind === 'resource' && type === KARS_ENTITY_TYPES.sandbox) ||
    (kind === 'component' && type === KARS_ENTITY_TYPES.agent);
  return matches && getSandboxName(entity) !== undefined;
}

/** Whether an entity is an `API` of type `a2a` (an agent card). @public */
export function isA2aApiEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'api' &&
    entity.spec?.type === KARS_ENTITY_TYPES.agentCard
  );
}
