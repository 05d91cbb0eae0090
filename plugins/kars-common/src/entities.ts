import { stringifyEntityRef } from '@backstage/catalog-model';
import { sandboxEntityNames } from './names';

/** Catalog model of the suite: standard kinds with custom types. @public */
export const KARS_ENTITY_TYPES = {
  sandbox: 'kars-sandbox',
  agent: 'ai-agent',
  agentCard: 'a2a',
  system: 'kars',
} as const;

/** The System every sandbox entity is part of. @public */
export const KARS_SYSTEM_ENTITY_NAME = 'kars';

/** The catalog namespace the entities live in. @public */
export const KARS_ENTITY_NAMESPACE = 'default';

/** The annotation that links an entity to its sandbox. @public */
export const KARS_SANDBOX_ANNOTATION = 'kars.azure.com/sandbox';

/** Entity refs of the three entities a sandbox becomes, and of the System. @public */
export function sandboxEntityRefs(name: string) {
  const names = sandboxEntityNames(name);
  const ref = (kind: string, entityName: string) =>
    stringifyEntityRef({
      kind,
      namespace: KARS_ENTITY_NAMESPACE,
      name: entityName,
    });
  return {
    resource: ref('resource', names.resource),
    component: ref('component', names.component),
    api: ref('api', names.api),
    system: ref('system', KARS_SYSTEM_ENTITY_NAME),
  };
}
