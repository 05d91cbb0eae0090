import { SECCOMP_STRICT_PROFILE_NAME } from './constants';

/**
 * The vocabulary of the sandbox spec: its enumerations (isolation levels and their labels, runtime
 * kinds, channels, content-safety severities and categories) and the named patterns its fields
 * match.
 */

/** Isolation levels, weakest first. @public */
export const ISOLATION_LEVELS = [
  'standard',
  'enhanced',
  'confidential',
] as const;
/** @public */
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

/**
 * What each isolation level runs the sandbox on, in words: the one text for the templates' choices,
 * the scaffolder actions' docs and the portal. @public
 */
export const ISOLATION_LEVEL_LABELS: Readonly<
  Record<IsolationLevel, { title: string; description: string }>
> = {
  standard: {
    title: 'Standard',
    description: 'runc with the RuntimeDefault seccomp profile',
  },
  enhanced: {
    title: 'Enhanced',
    description: `runc with the ${SECCOMP_STRICT_PROFILE_NAME} seccomp profile`,
  },
  confidential: {
    title: 'Confidential',
    description:
      'Kata VM on the Kata node pool, with the RuntimeDefault seccomp profile',
  },
};

/** An isolation level as a choice reads: `Standard: runc with the RuntimeDefault seccomp profile`. @public */
export function isolationLevelLabel(level: IsolationLevel): string {
  const { title, description } = ISOLATION_LEVEL_LABELS[level];
  return `${title}: ${description}`;
}

/** Agent runtimes, with kars's PascalCase wire values. @public */
export const RUNTIME_KINDS = [
  'OpenClaw',
  'Hermes',
  'OpenAIAgents',
  'MicrosoftAgentFramework',
  'LangGraph',
  'Anthropic',
  'PydanticAi',
  'BYO',
] as const;
/** @public */
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/** Chat channels. @public */
export const CHANNEL_TYPES = [
  'telegram',
  'slack',
  'discord',
  'whatsapp',
] as const;
/** @public */
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Content-safety severities, strictest first: a lower ordinal lets less harmful content through. @public */
export const SEVERITIES = ['Safe', 'Low', 'Medium', 'High'] as const;
/** @public */
export type Severity = (typeof SEVERITIES)[number];

/** Content-safety categories of an InferencePolicy. @public */
export const CONTENT_SAFETY_CATEGORIES = [
  'hate',
  'selfHarm',
  'sexual',
  'violence',
] as const;
/** @public */
export type ContentSafetyCategory = (typeof CONTENT_SAFETY_CATEGORIES)[number];

/** Named patterns; a rejection by one of them names the rule. @public */
export const PATTERNS = {
  dns1035Label: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  entityRef:
    /^(?:(?:user|group):)(?:[a-z0-9]([-a-z0-9_.]*[a-z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/,
  model: /^[A-Za-z0-9]([-A-Za-z0-9_.:]*[A-Za-z0-9])?$/,
  egressHost:
    /^(([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?|([0-9]{1,3}\.){3}[0-9]{1,3}(\/[0-9]{1,2})?)$/,
  cpuQuantity: /^([0-9]+m|[0-9]+(\.[0-9]{1,3})?)$/,
  memoryQuantity: /^[0-9]+(Mi|Gi)$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  skillId: /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/,
} as const;

/** The rule each named pattern stands for. @public */
export const PATTERN_RULES: ReadonlyMap<string, string> = new Map([
  [String(PATTERNS.dns1035Label), 'dns-1035-label'],
  [String(PATTERNS.entityRef), 'owner-entity-ref'],
  [String(PATTERNS.model), 'model-name'],
  [String(PATTERNS.egressHost), 'egress-host'],
  [String(PATTERNS.cpuQuantity), 'cpu-quantity'],
  [String(PATTERNS.memoryQuantity), 'memory-quantity'],
  [String(PATTERNS.uuid), 'uuid'],
  [String(PATTERNS.skillId), 'skill-id'],
]);
