import {
  KARS_ANNOTATIONS,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  Finding,
  Sandbox,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import {
  describeDifference,
  SubsetDifference,
  subsetDifferences,
} from '../../render/deepSubset';
import { renderSandbox } from '../../render/renderSandbox';
import { ClusterSettings } from '../../render/types';
import { HealthObservation } from './observe';

/** The desired-hash annotation is the reconciler's bookkeeping, not policy: it is not compared. */
function withoutDesiredHash(object: KubeObject): KubeObject {
  const { [KARS_ANNOTATIONS.desiredHash]: _hash, ...annotations } =
    object.metadata.annotations ?? {};
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: Object.keys(annotations).length ? annotations : undefined,
    },
  };
}

/** The NetworkPolicies the backend renders for a sandbox, as the reconciler applies them. Pure. */
export function renderedNetworkPolicies(
  sandbox: Sandbox,
  settings: ClusterSettings,
): KubeObject[] {
  return renderSandbox({
    name: sandbox.name,
    spec: sandbox.spec,
    cluster: settings,
    sandboxUid: sandbox.uid,
  })
    .objects.filter(o => o.kind === 'NetworkPolicy')
    .map(withoutDesiredHash);
}

/** How one rendered NetworkPolicy stands on the cluster. */
export interface NetworkPolicyComparison {
  name: string;
  namespace: string;
  /** The live object, undefined when it does not exist. */
  live?: KubeObject;
  /** Where the live object does not contain the rendered one; empty when it does. */
  differences: SubsetDifference[];
}

/** Compares each rendered NetworkPolicy with the live one of the same name (deep subset). Pure. */
export function compareNetworkPolicies(
  live: KubeObject[],
  rendered: KubeObject[],
): NetworkPolicyComparison[] {
  return rendered.map(desired => {
    const found = live.find(p => p.metadata.name === desired.metadata.name);
    return {
      name: desired.metadata.name,
      namespace: desired.metadata.namespace ?? '',
      live: found,
      differences: found ? subsetDifferences(desired, found) : [],
    };
  });
}

export const differenceLine = (name: string, d: SubsetDifference) =>
  `${name}: ${describeDifference(d)}${
    d.problem === 'missing' ? ' on the live object' : ''
  }`;

/** The NetworkPolicies in the sandbox's namespace that kars portal does not render for it. Pure. */
export function foreignNetworkPolicies(
  o: HealthObservation,
  comparisons: NetworkPolicyComparison[],
) {
  const rendered = new Set(comparisons.map(c => c.name));
  return o.networkPolicies.filter(
    p =>
      p.metadata.labels?.[KARS_LABELS.managedBy] !==
        KARS_LABEL_VALUES.managedBy || !rendered.has(p.metadata.name),
  );
}

/**
 * NetworkPolicies in the sandbox's namespace that the backend did not make (policies add up, so one
 * may widen), and rendered ones that are absent or whose live rules differ. Pure.
 */
export function networkFindings(
  o: HealthObservation,
  comparisons: NetworkPolicyComparison[],
): Finding[] {
  const foreign = foreignNetworkPolicies(o, comparisons);
  return [
    ...foreign.map(p => ({
      severity: 'warning' as const,
      code: 'ForeignNetworkPolicy',
      message: `NetworkPolicy ${p.metadata.name} was not made by kars portal; policies add up, so it may widen what the sandbox can reach`,
      object: `NetworkPolicy/${p.metadata.namespace}/${p.metadata.name}`,
    })),
    ...comparisons
      .filter(c => !c.live || c.differences.length)
      .map(c => ({
        severity: 'error' as const,
        code: c.live ? 'NetworkPolicyDiffers' : 'NetworkPolicyMissing',
        message: c.live
          ? `the live NetworkPolicy ${
              c.name
            } does not hold every rendered rule: ${c.differences
              .map(d => differenceLine(c.name, d))
              .join('; ')}`
          : `NetworkPolicy ${c.name} is rendered for this sandbox and missing on the cluster`,
        object: `NetworkPolicy/${c.namespace}/${c.name}`,
      })),
  ];
}
