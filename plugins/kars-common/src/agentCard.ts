import { z } from 'zod';
import { KARS_PORTS } from './constants';
import { sandboxNamespace, sandboxObjectNames } from './names';
import { SandboxSpec } from './spec';
import { RuntimeKind } from './specVocabulary';

/** The A2A protocol version of the cards the suite builds. @public */
export const A2A_PROTOCOL_VERSION = '1.0';

/** The name under which a card declares A2A 1.0's mutual-TLS security scheme. @public */
export const A2A_MTLS_SCHEME = 'mtls';

const agentSkillSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().min(1),
  tags: z.array(z.string().min(1)).min(1),
});

/**
 * The A2A 1.0 agent card, as far as the suite fills it in: the fields A2A requires (the SDK's
 * required-field validation: a description, an interface, at least one skill with a description
 * and a tag) and, behind the public gateway with client certificates, the mTLS security scheme.
 * @public
 */
export const agentCardSchema = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
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
  securitySchemes: z
    .record(
      z.string(),
      z.object({
        mtlsSecurityScheme: z.object({ description: z.string() }),
      }),
    )
    .optional(),
  securityRequirements: z
    .array(
      z.object({
        schemes: z.record(z.string(), z.object({ list: z.array(z.string()) })),
      }),
    )
    .optional(),
  defaultInputModes: z.array(z.string()).min(1),
  defaultOutputModes: z.array(z.string()).min(1),
  skills: z.array(agentSkillSchema).min(1),
});
/** @public */
export type AgentCard = z.output<typeof agentCardSchema>;

/** Who publishes the card, from the portal's configuration. @public */
export interface AgentCardProvider {
  organization: string;
  url: string;
}

/**
 * The cluster's public A2A gateway in front of the sandbox: its base URL (`https://<host>`) and
 * how it authenticates callers (`mtls`: client certificates; `none`: anyone may call).
 * @public
 */
export interface AgentCardPublicGateway {
  url: string;
  callerAuth: 'mtls' | 'none';
}

/** The options of {@link buildAgentCard}. @public */
export interface AgentCardOptions {
  provider?: AgentCardProvider;
  clusterDomain?: string;
  publicGateway?: AgentCardPublicGateway;
}

/** The in-cluster A2A endpoint of a sandbox's inference router. @public */
export function agentA2aUrl(name: string, clusterDomain = 'cluster.local') {
  return `https://${sandboxObjectNames(name).service}.${sandboxNamespace(
    name,
  )}.svc.${clusterDomain}:${KARS_PORTS.routerInference}/a2a`;
}

/** "an OpenClaw", "a Hermes": the runtime with its indefinite article. */
function aRuntime(kind: RuntimeKind): string {
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** The skill a card advertises when the spec names none: chatting with the agent. */
function defaultSkill(
  spec: Pick<SandboxSpec, 'model' | 'runtime'>,
): AgentCard['skills'][number] {
  const { kind } = spec.runtime;
  const agent = `${aRuntime(kind)} agent`;
  return {
    id: 'chat',
    name: 'Chat',
    description: `Chats with ${agent} on the model ${spec.model}.`,
    tags: [kind, spec.model, 'chat'],
  };
}

/**
 * The one builder of a sandbox's A2A card: the backend serves it, the catalog publishes it as the
 * API entity's definition, and the router mounts it from the card ConfigMap. Undefined when the
 * sandbox has A2A off. Behind a public gateway, the gateway's URL is the first interface (the
 * in-cluster URL stays as the second) and, with client certificates, the card requires mTLS.
 * @public
 */
export function buildAgentCard(
  name: string,
  spec: Pick<SandboxSpec, 'a2a' | 'model' | 'runtime'>,
  options: AgentCardOptions = {},
): AgentCard | undefined {
  if (!spec.a2a.enabled) return undefined;
  const agent = aRuntime(spec.runtime.kind).replace(/^a/, 'A');
  const inCluster = agentA2aUrl(name, options.clusterDomain);
  const gateway = options.publicGateway;
  const urls = gateway ? [`${gateway.url}/a2a`, inCluster] : [inCluster];
  const mtls = gateway?.callerAuth === 'mtls';
  return {
    name: `${name} agent`,
    description:
      spec.a2a.description ||
      `${agent} agent in the kars sandbox ${name}, on ${spec.model}.`,
    version: '1.0.0',
    supportedInterfaces: urls.map(url => ({
      url,
      protocolBinding: 'JSONRPC' as const,
      protocolVersion: A2A_PROTOCOL_VERSION,
    })),
    ...(options.provider ? { provider: options.provider } : {}),
    capabilities: { streaming: false, pushNotifications: false },
    ...(mtls
      ? {
          securitySchemes: {
            [A2A_MTLS_SCHEME]: {
              mtlsSecurityScheme: {
                description:
                  'A client certificate the public A2A gateway trusts.',
              },
            },
          },
          securityRequirements: [
            { schemes: { [A2A_MTLS_SCHEME]: { list: [] } } },
          ],
        }
      : {}),
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: spec.a2a.skills.length
      ? spec.a2a.skills.map(s => ({
          id: s.id,
          name: s.name,
          description: s.description,
          tags: s.tags,
        }))
      : [defaultSkill(spec)],
  };
}
