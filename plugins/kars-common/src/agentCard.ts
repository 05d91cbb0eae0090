import { z } from 'zod';
import { KARS_PORTS } from './constants';
import { sandboxNamespace, sandboxObjectNames } from './names';
import { SandboxSpec } from './spec';

/** The A2A protocol version of the cards the suite builds. @public */
export const A2A_PROTOCOL_VERSION = '1.0';

/** The A2A 1.0 agent card, as far as the suite fills it in. @public */
export const agentCardSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  version: z.string().min(1),
  supportedInterfaces: z
    .array(
      z.object({
        url: z.string().url(),
        protocolBinding: z.enum(['JSONRPC', 'GRPC', 'HTTP+JSON']),
        protocolVersion: z.string(),
      }),
    )
    .min(1),
  provider: z
    .object({ organization: z.string().min(1), url: z.string().url() })
    .optional(),
  capabilities: z.object({
    streaming: z.boolean(),
    pushNotifications: z.boolean(),
  }),
  defaultInputModes: z.array(z.string()).min(1),
  defaultOutputModes: z.array(z.string()).min(1),
  skills: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      description: z.string(),
      tags: z.array(z.string()),
    }),
  ),
});
/** @public */
export type AgentCard = z.output<typeof agentCardSchema>;

/** Who publishes the card, from the portal's configuration. @public */
export interface AgentCardProvider {
  organization: string;
  url: string;
}

/** The in-cluster A2A endpoint of a sandbox's inference router. @public */
export function agentA2aUrl(name: string, clusterDomain = 'cluster.local') {
  return `https://${sandboxObjectNames(name).service}.${sandboxNamespace(
    name,
  )}.svc.${clusterDomain}:${KARS_PORTS.routerInference}/a2a`;
}

/**
 * The one builder of a sandbox's A2A card: the backend serves it, the catalog publishes it as the
 * API entity's definition, and the router mounts it from the card ConfigMap. Undefined when the
 * sandbox has A2A off.
 * @public
 */
export function buildAgentCard(
  name: string,
  spec: Pick<SandboxSpec, 'a2a' | 'model' | 'runtime'>,
  options: { provider?: AgentCardProvider; clusterDomain?: string } = {},
): AgentCard | undefined {
  if (!spec.a2a.enabled) return undefined;
  return {
    name: `${name} agent`,
    description:
      spec.a2a.description ||
      `A ${spec.runtime.kind} agent in the kars sandbox ${name}, on ${spec.model}.`,
    version: '1.0.0',
    supportedInterfaces: [
      {
        url: agentA2aUrl(name, options.clusterDomain),
        protocolBinding: 'JSONRPC',
        protocolVersion: A2A_PROTOCOL_VERSION,
      },
    ],
    ...(options.provider ? { provider: options.provider } : {}),
    capabilities: { streaming: false, pushNotifications: false },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: spec.a2a.skills.map(s => ({
      id: s.id,
      name: s.name,
      description: s.description,
      tags: s.tags,
    })),
  };
}
