import { createHash } from 'node:crypto';
import { JsonObject, ResourceType } from '../api/types';
import { ResourceRegistry } from '../registry/registry';

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '36',
  gitVersion: 'v1.36.0',
};

/** /version, marked as the emulator in its build metadata. */
export const versionInfo = () => ({
  major: KUBERNETES_VERSION.major,
  minor: KUBERNETES_VERSION.minor,
  emulationMajor: KUBERNETES_VERSION.major,
  emulationMinor: KUBERNETES_VERSION.minor,
  minCompatibilityMajor: KUBERNETES_VERSION.major,
  minCompatibilityMinor: String(Number(KUBERNETES_VERSION.minor) - 1),
  gitVersion: `${KUBERNETES_VERSION.gitVersion}+kars-emulator`,
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'kars-kube-emulator',
  platform: `${process.platform}/${
    process.arch === 'x64' ? 'amd64' : process.arch
  }`,
});

const storageVersionHash = (t: ResourceType) =>
  createHash('sha256')
    .update(`${t.group}/${t.version}/${t.kind}`)
    .digest('base64')
    .slice(0, 11);

const subresources = (t: ResourceType): string[] => {
  const out: string[] = [];
  if (t.kind === 'Namespace') out.push('finalize');
  if (t.kind === 'Pod' && !t.group) out.push('log');
  if (t.statusSubresource) out.push('status');
  if (t.scale) out.push('scale');
  // Built-in kinds list their subresources by name; a CRD's come as status, then scale.
  return t.custom ? out : out.sort();
};

const subresourceVerbs = (sub: string) => {
  if (sub === 'finalize') return ['update'];
  if (sub === 'log') return ['get'];
  return ['get', 'patch', 'update'];
};

/** The kind a subresource answers with: a Scale for `scale`, the object itself otherwise. */
const subresourceKind = (t: ResourceType, sub: string) =>
  sub === 'scale'
    ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
    : { group: t.group, version: t.version, kind: t.kind };

function apiResources(t: ResourceType): JsonObject[] {
  const main: JsonObject = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  main.storageVersionHash = storageVersionHash(t);
  const token =
    t.kind === 'ServiceAccount'
      ? [
          {
            name: 'serviceaccounts/token',
            singularName: '',
            namespaced: true,
            group: 'authentication.k8s.io',
            version: 'v1',
            kind: 'TokenRequest',
            verbs: ['create'],
          },
        ]
      : [];
  return [
    main,
    ...token,
    ...subresources(t).map(sub => {
      const { group, version, kind } = subresourceKind(t, sub);
      return {
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(group === t.group ? {} : { group, version }),
        kind,
        verbs: subresourceVerbs(sub),
      };
    }),
  ];
}

/** The kinds of one group version in name order, as kube-apiserver lists them (kubectl get all follows it). */
const servedTypes = (
  registry: ResourceRegistry,
  group: string,
  version: string,
): ResourceType[] =>
  registry
    .all()
    .filter(t => t.group === group && t.version === version)
    .sort((a, b) => Number(a.plural > b.plural) - Number(a.plural < b.plural));

/** An APIResourceList for one group version, or undefined when nothing is served there. */
export function resourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = servedTypes(registry, group, version);
  if (!types.length) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap(apiResources),
  };
}

const groupEntry = (g: { name: string; versions: string[] }) => {
  const versions = g.versions.map(v => ({
    groupVersion: `${g.name}/${v}`,
    version: v,
  }));
  return { name: g.name, versions, preferredVersion: versions[0] };
};

export const apiVersions = (serverAddress: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
});

export function apiGroupList(registry: ResourceRegistry): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter(g => g.name)
      .map(groupEntry),
  };
}

export function apiGroup(
  registry: ResourceRegistry,
  name: string,
): JsonObject | undefined {
  const g = registry.groups().find(x => x.name === name);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) };
}

/** The media type of aggregated discovery, when the client asks for it. */
export function aggregatedDiscoveryType(
  accept: string | undefined,
): string | undefined {
  for (const range of (accept ?? '').split(',')) {
    const params = range.split(';').map(s => s.trim());
    if (
      params.includes('g=apidiscovery.k8s.io') &&
      params.includes('as=APIGroupDiscoveryList')
    ) {
      const version = params.find(p => p.startsWith('v='))?.slice(2);
      if (version === 'v2' || version === 'v2beta1') {
        return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
      }
    }
  }
  return undefined;
}

/** APIGroupDiscoveryList for /api (legacy core group) or /apis (all named groups). */
export function aggregatedDiscovery(
  registry: ResourceRegistry,
  legacy: boolean,
  version: string,
): JsonObject {
  const groups = registry
    .groups()
    .filter(g => (legacy ? !g.name : Boolean(g.name)));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map(g => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map(v => ({
        version: v,
        resources: servedTypes(registry, g.name, v).map(t => {
          const r: JsonObject = {
            resource: t.plural,
            responseKind: {
              group: t.group,
              version: t.version,
              kind: t.kind,
            },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: t.verbs,
          };
          if (t.shortNames.length) r.shortNames = t.shortNames;
          if (t.categories.length) r.categories = t.categories;
          const subs = subresources(t);
          if (subs.length) {
            r.subresources = subs.map(sub => ({
              subresource: sub,
              responseKind: subresourceKind(t, sub),
              verbs: subresourceVerbs(sub),
            }));
          }
          return r;
        }),
        freshness: 'Current',
      })),
    })),
  };
}
