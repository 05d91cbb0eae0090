import { z } from 'zod';
import { inferencePolicySpecSchema } from './inferencePolicy';
import { sandboxPatchSchema, sandboxSpecSchema } from './spec';
import { sandboxStatusSchema } from './status';

/** A JSON Schema document, loosely typed. @public */
export type JsonSchema = { [key: string]: unknown };

/**
 * JSON Schema (draft 7, as template forms use) of the sandbox spec as a client may send it (defaults
 * optional), generated from the zod source. Rules that JSON Schema cannot express (cross-field and semantic checks) are not in it;
 * the backend applies them with the zod source.
 * @public
 */
export function sandboxSpecJsonSchema(): JsonSchema {
  return z.toJSONSchema(sandboxSpecSchema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
}

/**
 * JSON Schema (draft 7) of a change to a sandbox spec (`PATCH /sandboxes/:name`), generated from the
 * zod source: the fields that may change, each optional. The merged spec is judged as a whole by the
 * backend.
 * @public
 */
export function sandboxPatchJsonSchema(): JsonSchema {
  return z.toJSONSchema(sandboxPatchSchema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
}

function openApi(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
}

/**
 * Rewrites a generated schema into a Kubernetes structural schema: no `additionalProperties: false`
 * next to `properties` (the API server prunes unknown fields instead), no `$schema`.
 * @public
 */
export function toStructuralSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toStructuralSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    if (key === '$schema') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'default' || key === 'enum') {
      out[key] = value;
      continue;
    }
    out[key] = toStructuralSchema(value);
  }
  return out;
}

/** The structural OpenAPI schema of the sandbox spec (from the zod source). @public */
export function sandboxSpecOpenApiSchema(): JsonSchema {
  return toStructuralSchema(openApi(sandboxSpecSchema, 'input')) as JsonSchema;
}

/** The structural OpenAPI schema of the sandbox status. @public */
export function sandboxStatusOpenApiSchema(): JsonSchema {
  return toStructuralSchema(
    openApi(sandboxStatusSchema, 'output'),
  ) as JsonSchema;
}

/** The structural OpenAPI schema of the InferencePolicy spec. @public */
export function inferencePolicySpecOpenApiSchema(): JsonSchema {
  return toStructuralSchema(
    openApi(inferencePolicySpecSchema, 'input'),
  ) as JsonSchema;
}
