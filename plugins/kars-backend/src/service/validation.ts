import { InputError } from '@backstage/errors';
import {
  formatValidationIssues,
  validateWith,
  ValidationIssue,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';

/** A 400 that names every broken rule with its field; the values themselves are never in it. */
export class KarsInputError extends InputError {
  constructor(readonly issues: ValidationIssue[]) {
    super(`Invalid request: ${formatValidationIssues(issues)}`);
  }
}

/** Validates input once, against the shared schema, or throws a {@link KarsInputError}. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fieldPrefix = '',
): z.output<S> {
  const result = validateWith(schema, input, fieldPrefix);
  if (!result.success) throw new KarsInputError(result.issues);
  return result.data;
}
