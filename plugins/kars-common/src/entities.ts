import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
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

/**
 * The canonical form of an entity ref, as the catalog compares refs: the namespace filled in
 * (`default` when left out) and lower-cased, so `group:team-a` and `group:default/Team-A` are one
 * ref. A string that is not an entity ref is only lower-cased.
 * @public
 */
export function canonicalEntityRef(ref: string): string {
  let canonical = ref;
  try {
    canonical = stringifyEntityRef(
      parseEntityRef(ref, { defaultNamespace: KARS_ENTITY_NAMESPACE }),
    );
  } catch {
    // not an entity ref: compared as it is, lower-cased
  }
  return canonical.toLocaleLowerCase('en-US');
}
