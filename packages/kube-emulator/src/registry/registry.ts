import { KubeObject, resourceKey, ResourceType } from '../api/types';
import { builtinResourceTypes } from './builtins';
import { resourceTypesFromCrd } from './crd';
import { reviewResourceTypes } from './kinds/reviews';

/** The served resource types: the built-ins plus whatever CRDs are established. */
export class ResourceRegistry {
  private readonly builtins = [
    ...builtinResourceTypes(),
    ...reviewResourceTypes(),
  ];
  private readonly custom = new Map<string, ResourceType[]>();

  all(): ResourceType[] {
    return [...this.builtins, ...[...this.custom.values()].flat()];
  }

  find(
    group: string,
    version: string,
    plural: string,
  ): ResourceType | undefined {
    return this.all().find(
      t => t.group === group && t.version === version && t.plural === plural,
    );
  }

  /** Any version of a resource (all versions share one store table). */
  byResourceKey(key: string): ResourceType | undefined {
    return this.all().find(t => resourceKey(t) === key);
  }

  /** Registers (or re-registers) the types a CRD serves. */
  registerCrd(crd: KubeObject) {
    this.custom.set(crd.metadata.name, resourceTypesFromCrd(crd));
  }

  unregisterCrd(name: string) {
    this.custom.delete(name);
  }

  /** API groups with their versions, the preferred (first) version first. */
  groups(): { name: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const t of this.all()) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return [...out.entries()].map(([name, versions]) => ({ name, versions }));
  }
}
