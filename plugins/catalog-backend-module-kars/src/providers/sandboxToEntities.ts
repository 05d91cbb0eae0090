import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ApiEntity,
  ComponentEntity,
  Entity,
  ResourceEntity,
  SystemEntity,
} from '@backstage/catalog-model';
import {
  AgentCard,
  KARS_ANNOTATIONS,
  KARS_ENTITY_NAMESPACE,
  KARS_ENTITY_TYPES,
  KARS_LABELS,
  KARS_SANDBOX_ANNOTATION,
  KARS_SYSTEM_ENTITY_NAME,
  Sandbox,
  sandboxEntityNames,
  sandboxEntityRefs,
  sandboxNamespace,
} from '@kars-portal/plugin-kars-common';

/**
 * The Backstage Kubernetes plugin's annotations: its Kubernetes tab lists the objects labelled with
 * the sandbox in the tenant namespace of the kars cluster the sandbox runs on (its service locator
 * `singleTenant` keeps to the cluster named here).
 */
export const KUBERNETES_ANNOTATIONS = {
  id: 'backstage.io/kubernetes-id',
  namespace: 'backstage.io/kubernetes-namespace',
  labelSelector: 'backstage.io/kubernetes-label-selector',
  cluster: 'backstage.io/kubernetes-cluster',
} as const;

/** The location type of the managed-by annotations of every entity the provider emits. */
export const KARS_LOCATION_TYPE = 'kars';

/** How sandboxes become entities: the settings that do not come from the sandbox itself. @public */
export interface SandboxEntityOptions {
  /** Owner of sandboxes that name none. */
  defaultOwner: string;
  /** Owner of the System kars. */
  systemOwner: string;
  /** spec.lifecycle of the sandbox, agent and card entities. */
  lifecycle: string;
  /** A link to the sandbox, if any. */
  sandboxUrl?: (name: string) => string | undefined;
}

/**
 * What the entities of a sandbox are made of: its name, cluster and spec, and the A2A card the kars
 * backend built (absent with A2A off); never its status, never credentials.
 *
 * @public
 */
export type SandboxForEntities = Pick<Sandbox, 'name' | 'cluster' | 'spec'> & {
  agentCard?: AgentCard;
};

/**
 * A catalog tag from a free value: lowercase, every character outside `[a-z0-9:+#]` turned
 * into `-`, runs of `-` collapsed, at most 63 characters (`gpt-4.1` → `gpt-4-1`).
 *
 * @public
 */
export function toTag(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9:+#]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}

function locationAnnotations(target: string) {
  const location = `${KARS_LOCATION_TYPE}:${target}`;
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}

/** The System every sandbox entity is part of; the provider emits it once. @public */
export function karsSystemEntity(
  options: Pick<SandboxEntityOptions, 'systemOwner'>,
): SystemEntity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: KARS_SYSTEM_ENTITY_NAME,
      namespace: KARS_ENTITY_NAMESPACE,
      title: 'kars',
      description:
        'Agent sandboxes on Kubernetes run by kars: one tenant namespace, agent and A2A card each',
      annotations: locationAnnotations('system'),
    },
    spec: { owner: options.systemOwner },
  };
}

/**
 * The entities a sandbox becomes: the Resource (kars-sandbox), the Component (ai-agent) and, with a
 * card, the API (a2a) whose definition is the card the kars backend serves. Pure; only spec fields
 * that describe the sandbox go in, no live state and no credentials.
 *
 * @public
 */
export function sandboxToEntities(
  sandbox: SandboxForEntities,
  options: SandboxEntityOptions,
): Entity[] {
  const { name, cluster, spec, agentCard: card } = sandbox;
  const names = sandboxEntityNames(name);
  const refs = sandboxEntityRefs(name);
  const owner = spec.owner || options.defaultOwner;
  const isolation = spec.sandbox.isolation;
  const annotations = {
    [KARS_SANDBOX_ANNOTATION]: name,
    [KARS_ANNOTATIONS.cluster]: cluster,
    [KARS_ANNOTATIONS.isolation]: isolation,
    [KARS_ANNOTATIONS.model]: spec.model,
    [KUBERNETES_ANNOTATIONS.id]: name,
    [KUBERNETES_ANNOTATIONS.namespace]: sandboxNamespace(name),
    [KUBERNETES_ANNOTATIONS.labelSelector]: `${KARS_LABELS.sandbox}=${name}`,
    [KUBERNETES_ANNOTATIONS.cluster]: cluster,
    ...locationAnnotations(`${cluster}/${name}`),
  };
  const tags = [...new Set([toTag(isolation), toTag(spec.model)])].filter(
    Boolean,
  );
  const url = options.sandboxUrl?.(name);
  const links = url ? [{ url, title: `kars sandbox ${name}` }] : undefined;
  const metadata = (
    entityName: string,
    title: string,
    description: string,
  ) => ({
    name: entityName,
    namespace: KARS_ENTITY_NAMESPACE,
    title,
    description,
    annotations: { ...annotations },
    tags: [...tags],
    ...(links ? { links: links.map(l => ({ ...l })) } : {}),
  });

  const resource: ResourceEntity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: metadata(
      names.resource,
      name,
      `kars sandbox ${name}: namespace ${sandboxNamespace(
        name,
      )} on ${cluster}, ${isolation} isolation`,
    ),
    spec: {
      type: KARS_ENTITY_TYPES.sandbox,
      owner,
      lifecycle: options.lifecycle,
      system: KARS_SYSTEM_ENTITY_NAME,
    } as ResourceEntity['spec'],
  };

  const component: ComponentEntity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: metadata(
      names.component,
      `${name} agent`,
      spec.a2a.description ||
        `The ${spec.runtime.kind} agent of the kars sandbox ${name}, on ${spec.model}`,
    ),
    spec: {
      type: KARS_ENTITY_TYPES.agent,
      owner,
      lifecycle: options.lifecycle,
      system: KARS_SYSTEM_ENTITY_NAME,
      dependsOn: [refs.resource],
      ...(card ? { providesApis: [refs.api] } : {}),
    },
  };

  if (!card) return [resource, component];

  const api: ApiEntity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: metadata(names.api, card.name, card.description),
    spec: {
      type: KARS_ENTITY_TYPES.agentCard,
      owner,
      lifecycle: options.lifecycle,
      system: KARS_SYSTEM_ENTITY_NAME,
      definition: JSON.stringify(card, null, 2),
    },
  };
  return [resource, component, api];
}
