import { z } from 'zod';
import { PATTERN_RULES } from './spec';

/** One broken rule: the field (a dotted path), the rule's name and what it asks. @public */
export interface ValidationIssue {
  field: string;
  rule: string;
  message: string;
}

/** The outcome of validating input against a schema. @public */
export type ValidationResult<T> =
  | { success: true; data: T; issues: [] }
  | { success: false; issues: ValidationIssue[] };

function describe(
  issue: z.core.$ZodIssue,
  input: unknown,
): { rule: string; message: string } {
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined)
        return { rule: 'required', message: 'is required' };
      if (issue.expected === 'int') {
        return { rule: 'integer', message: 'must be a whole number' };
      }
      return {
        rule: `type-${issue.expected}`,
        message: `must be of type ${issue.expected}`,
      };
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') {
        return n <= 1
          ? { rule: 'required', message: 'must not be empty' }
          : { rule: 'min-length', message: `must be at least ${n} characters` };
      }
      if (issue.origin === 'array') {
        return {
          rule: 'min-items',
          message: `must have at least ${n} entries`,
        };
      }
      return { rule: 'minimum', message: `must be at least ${n}` };
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') {
        return {
          rule: 'max-length',
          message: issue.message.startsWith('Too big')
            ? `must be at most ${n} characters`
            : issue.message,
        };
      }
      if (issue.origin === 'array') {
        return { rule: 'max-items', message: `must have at most ${n} entries` };
      }
      return { rule: 'maximum', message: `must be at most ${n}` };
    }
    case 'invalid_format':
      return {
        rule:
          issue.format === 'regex'
            ? PATTERN_RULES.get(String(issue.pattern)) ?? 'pattern'
            : `format-${issue.format}`,
        message: issue.message,
      };
    case 'invalid_value':
      return {
        rule: 'one-of',
        message: `must be one of ${issue.values.map(String).join(', ')}`,
      };
    case 'custom':
      return {
        rule: String(issue.params?.rule ?? 'custom'),
        message: issue.message,
      };
    default:
      return { rule: issue.code, message: issue.message };
  }
}

function join(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  return [prefix, ...path.map(String)].filter(Boolean).join('.');
}

/**
 * Maps zod issues to {@link ValidationIssue}s. The offending value is never part of the result,
 * so a rejected secret cannot leak through an error message.
 *
 * @public
 */
export function toValidationIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  fieldPrefix = '',
): ValidationIssue[] {
  return issues.flatMap(issue => {
    const input = (issue as { input?: unknown }).input;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(key => ({
        field: join(fieldPrefix, [...issue.path, key]),
        rule: 'unknown-field',
        message: 'is not a known field',
      }));
    }
    return [
      { field: join(fieldPrefix, issue.path), ...describe(issue, input) },
    ];
  });
}

/**
 * Validates input against a schema and names every broken rule with its field.
 * @public
 */
export function validateWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fieldPrefix = '',
): ValidationResult<z.output<S>> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) {
    return { success: true, data: result.data, issues: [] };
  }
  return {
    success: false,
    issues: toValidationIssues(result.error.issues, fieldPrefix),
  };
}

/** One line per issue, for an error message. @public */
export function formatValidationIssues(issues: ValidationIssue[]): string {
  return issues.map(i => `${i.field} ${i.message} [${i.rule}]`).join('; ');
}
