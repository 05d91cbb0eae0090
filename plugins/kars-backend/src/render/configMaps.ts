import {
  buildAgentCard,
  KARS_ANNOTATIONS,
  parseIpv4Entry,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { sha256Hex } from './hash';
import { ownedLabels } from './labels';
import { KubeObject, RenderInput } from './types';

/** Key of the router's egress allowlist in its ConfigMap. */
export const EGRESS_ALLOWLIST_KEY = 'allowlist.json';
/** Keys of the agent card in its ConfigMap: the A2A 1.0 path and the older alias. */
export const AGENT_CARD_KEYS = ['agent-card.json', 'agent.json'] as const;

/**
 * The router's egress allowlist: host-name entries, which NetworkPolicy cannot express, enforced by
 * the router's proxy. Its digest is annotated so the router can echo what it loaded.
 */
export function renderEgressAllowlist({ name, spec }: RenderInput): KubeObject {
  const hosts = spec.networkPolicy.allowedEndpoints
    .filter(e => parseIpv4Entry(e.host) === undefined)
    .map(e => ({ host: e.host, port: e.port }));
  const document = { version: 1, mode: 'Strict', hosts };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: sandboxObjectNames(name).egressAllowlistConfigMap,
      namespace: sandboxNamespace(name),
      labels: ownedLabels(name),
      annotations: {
        [KARS_ANNOTATIONS.egressAllowlistDigest]: `sha256:${sha256Hex(
          document,
        )}`,
      },
    },
    data: { [EGRESS_ALLOWLIST_KEY]: `${JSON.stringify(document, null, 2)}\n` },
  };
}

/** The A2A card the router serves, built by the one builder in kars-common; none when A2A is off. */
export function renderAgentCard({
  name,
  spec,
  cluster,
}: RenderInput): KubeObject | undefined {
  const card = buildAgentCard(name, spec, {
    provider: cluster.agentCardProvider,
    clusterDomain: cluster.clusterDomain,
  });
  if (!card) return undefined;
  const json = `${JSON.stringify(card, null, 2)}\n`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: sandboxObjectNames(name).agentCardConfigMap,
      namespace: sandboxNamespace(name),
      labels: ownedLabels(name),
    },
    data: Object.fromEntries(AGENT_CARD_KEYS.map(k => [k, json])),
  };
}
