import {
  formatValidationIssues,
  validateWith,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';

/**
 * Parses a fixture with the contract's schema and returns what the schema makes of it (defaults
 * filled in). A fixture that drifted from the contract throws, naming each field and rule, so the
 * test that builds it fails at once. `field` names a value that is one field of a larger whole.
 */
export function checked<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  field = '',
): z.output<S> {
  const result = validateWith(schema, value, field);
  if (!result.success) {
    throw new Error(
      `the fixture ${what} does not match the kars contract: ${formatValidationIssues(
        result.issues,
      )}`,
    );
  }
  return result.data;
}
