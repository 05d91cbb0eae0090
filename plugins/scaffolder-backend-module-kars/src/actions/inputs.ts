import { z as zv3 } from 'zod/v3';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  credentialsSchema,
  ISOLATION_LEVEL_LABELS,
  ISOLATION_LEVELS,
  JsonSchema,
} from '@kars-portal/plugin-kars-common';

/** The zod the scaffolder injects into action schemas (v3 API). */
export type InjectedZod = typeof zv3;

/** The isolation levels as the actions' docs name them, from kars-common's labels. */
export const ISOLATION_LEVELS_TEXT = ISOLATION_LEVELS.map(
  level => `${level} = ${ISOLATION_LEVEL_LABELS[level].description}`,
).join('; ');

/**
 * Gives an action's `spec` input kars-common's JSON Schema. `createTemplateAction` takes zod v3
 * only, so the action declares `spec` with a typed placeholder and its JSON Schema, the one the
 * scaffolder checks a step's input against and shows on the installed-actions page, is put in here,
 * generated from the spec's one source (kars-common's zod schema).
 */
export function withSpecSchema<A extends TemplateAction<any, any, any>>(
  action: A,
  spec: JsonSchema,
  options: { required: boolean },
): A {
  const input = action.schema?.input as JsonSchema & {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  const { $schema: _draft, ...schema } = spec;
  const required = (input.required ?? []).filter(k => k !== 'spec');
  return {
    ...action,
    schema: {
      ...action.schema,
      input: {
        ...input,
        properties: {
          ...input.properties,
          spec: { ...schema, description: input.properties.spec.description },
        },
        required: options.required ? [...required, 'spec'] : required,
      },
    },
  };
}

/** Every credential key the backend accepts, from kars-common's credentials schema. */
export const CREDENTIAL_KEYS: readonly string[] = Object.keys(
  credentialsSchema.shape,
);

/**
 * The credentials among the task's secrets: keys named exactly like the credential keys, non-empty.
 * Returns undefined when there are none. Values are never logged or output.
 */
export function credentialsFromSecrets(
  secrets: Record<string, string | undefined> | undefined,
): Record<string, string> | undefined {
  const picked = Object.fromEntries(
    CREDENTIAL_KEYS.flatMap(key => {
      const value = secrets?.[key];
      return typeof value === 'string' && value.trim() !== ''
        ? [[key, value.trim()]]
        : [];
    }),
  );
  return Object.keys(picked).length ? picked : undefined;
}

/** Whether a spec's channels, as an action's input has them, include WhatsApp. */
export function hasWhatsApp(channels: unknown): boolean {
  return (
    Array.isArray(channels) &&
    channels.some(
      c => typeof c === 'object' && c !== null && c.type === 'whatsapp',
    )
  );
}

/**
 * The credentials of a new sandbox: those from the task's secrets, and `WHATSAPP_ENABLED: "true"`
 * when WhatsApp is among its channels and the secrets do not set it (WhatsApp has no token; its
 * channel counts as connected once the runtime finds the switch in the same Secret). Returns the
 * given credentials themselves when it adds nothing (undefined when there are none).
 */
export function credentialsForChannels(
  credentials: Record<string, string> | undefined,
  channels: unknown,
): Record<string, string> | undefined {
  if (!hasWhatsApp(channels) || credentials?.WHATSAPP_ENABLED !== undefined) {
    return credentials;
  }
  return { ...credentials, WHATSAPP_ENABLED: 'true' };
}
