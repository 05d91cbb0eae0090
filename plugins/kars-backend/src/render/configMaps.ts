import { publicGatewayOf } from './a2aGateway';
import { createHash } from 'crypto';
import {
  buildAgentCard,
  KARS_ANNOTATIONS,
  SandboxSpec,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { canonicalJson } from './hash';
import { ownedLabels } from './labels';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** Key of the router's egress allowlist in its ConfigMap, and the file name its digest covers. */
export const EGRESS_ALLOWLIST_KEY = 'allowlist.json';
/** Keys of the agent card in its ConfigMap: the A2A 1.0 path and the older alias. */
export const AGENT_CARD_KEYS = ['agent-card.json', 'agent.json'] as const;

/**
 * The allowlist as kars's router loads it (Azure/kars inference-router/src/egress_allowlist_loader.rs,
 * written by controller/src/egress_allowlist_compile.rs): compact JSON
 * `{"endpoints":[{"host":…,"port":…}],"schemaVersion":1}`, every entry (host names, IPv4 addresses,
 * CIDRs) sorted by host, then port. The router matches host names (and their subdomains) only.
 */
export function egressAllowlistBody(spec: SandboxSpec): string {
  const endpoints = spec.networkPolicy.allowedEndpoints
    .map(e => ({ host: e.host, port: e.port }))
    .sort((a, b) => {
      if (a.host !== b.host) return a.host < b.host ? -1 : 1;
      return a.port - b.port;
    });
  return canonicalJson({ schemaVersion: 1, endpoints });
}

/**
 * The digest the router echoes for an allowlist body: sha256 of
 * `u64be(len(name)) ‖ name ‖ u64be(len(body)) ‖ body` with name `allowlist.json`.
 */
export function egressAllowlistDigest(body: string): string {
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(bytes.length));
    return [length, bytes];
  };
  const canonical = Buffer.concat([
    ...lengthPrefixed(Buffer.from(EGRESS_ALLOWLIST_KEY, 'utf8')),
    ...lengthPrefixed(Buffer.from(body, 'utf8')),
  ]);
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/**
 * The router's egress allowlist ConfigMap, mounted at its `EGRESS_ALLOWLIST_DIR`. Its digest is
 * annotated so the router's echo of what it loaded can be compared.
 */
export function renderEgressAllowlist({ name, spec }: RenderInput): KubeObject {
  const body = egressAllowlistBody(spec);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: sandboxObjectNames(name).egressAllowlistConfigMap,
      namespace: sandboxNamespace(name),
      labels: ownedLabels(name),
      annotations: {
        [KARS_ANNOTATIONS.egressAllowlistDigest]: egressAllowlistDigest(body),
      },
    },
    data: { [EGRESS_ALLOWLIST_KEY]: body },
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
    publicGateway: publicGatewayOf(name, spec, cluster),
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
