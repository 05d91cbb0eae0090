import {
  CONTENT_SAFETY_CATEGORIES,
  ContentSafety,
  SEVERITIES,
  Severity,
} from './spec';
import { ValidationIssue } from './validation';

/** The floor every cluster has unless its parameter object says otherwise. @public */
export const DEFAULT_CONTENT_SAFETY_FLOOR: Severity = 'Medium';

/** Safe is 0, Low 1, Medium 2, High 3: a lower ordinal is stricter. @public */
export function severityOrdinal(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** What the floor check needs to know about where the policy will live. @public */
export interface ContentSafetyContext {
  /** The cluster's floor (the `minimum` of the floor parameter object). */
  floor: Severity;
  /** Whether the policy's namespace is labelled `kars.azure.com/production: "true"`. */
  production: boolean;
}

/**
 * The content-safety floor rule, exactly as the `kars-content-safety-floor` admission policy judges
 * it: every category must be at or below the floor (a higher ordinal lets more harmful content
 * through); `devOnly` may go below the floor, except in a production namespace, where `devOnly` is
 * itself rejected.
 * @public
 */
export function checkContentSafetyFloor(
  contentSafety: ContentSafety,
  context: ContentSafetyContext,
  fieldPrefix = 'spec.contentSafety',
): ValidationIssue[] {
  if (contentSafety.devOnly) {
    return context.production
      ? [
          {
            field: `${fieldPrefix}.devOnly`,
            rule: 'dev-only-not-in-production',
            message:
              'is not allowed on a production cluster: dev-only policies may not go below the content-safety floor there',
          },
        ]
      : [];
  }
  const floor = severityOrdinal(context.floor);
  return CONTENT_SAFETY_CATEGORIES.filter(
    category => severityOrdinal(contentSafety[category]) > floor,
  ).map(category => ({
    field: `${fieldPrefix}.${category}`,
    rule: 'content-safety-floor',
    message: `${
      contentSafety[category]
    } is less strict than the cluster floor ${
      context.floor
    }; use ${SEVERITIES.slice(0, floor + 1).join(
      ', ',
    )} (or devOnly outside production)`,
  }));
}
