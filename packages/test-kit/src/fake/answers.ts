import {
  formatValidationIssues,
  ValidationIssue,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { checked } from '../checked';

/** What a route answers, before the adapter's delay. */
export interface Reply {
  status: number;
  body?: unknown;
}

const ERROR_NAMES: Record<number, string> = {
  400: 'InputError',
  401: 'AuthenticationError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  503: 'ServiceUnavailableError',
};

/** The name `@backstage/errors` gives an error of this status. */
export const defaultErrorName = (status: number) =>
  ERROR_NAMES[status] ?? 'Error';

/** An error body as Backstage's error handler writes it. */
export function errorBody(
  status: number,
  name: string,
  message: string,
  request: { method: string; url: string },
) {
  return {
    error: { name, message },
    request,
    response: { statusCode: status },
  };
}

/** Thrown by a route for an error answer; the fake turns it into the backend's error body. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorName = defaultErrorName(status),
  ) {
    super(message);
  }
}

/** A 400 naming each field and rule, in the backend's words. */
export function invalid(issues: ValidationIssue[]): FakeHttpError {
  return new FakeHttpError(
    400,
    `Invalid request: ${formatValidationIssues(issues)}`,
  );
}

/**
 * An answer the fake built, checked against the contract's schema of that answer: a fake that
 * drifts from the contract answers 500 naming the field, and the test that used it fails.
 */
export function reply<S extends z.ZodType>(
  schema: S,
  body: unknown,
  status = 200,
): Reply {
  try {
    return { status, body: checked(schema, body, 'answer of the fake') };
  } catch (error) {
    throw new FakeHttpError(500, String(error), 'FakeContractError');
  }
}
