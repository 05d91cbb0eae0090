import { CustomErrorBase, NotFoundError } from '@backstage/errors';
import express from 'express';
import { KarsInputError } from './service/validation';

/** The largest request body the API takes. */
export const MAX_BODY = '1mb';

/** An HTTP error with its own status code; its message never carries request data. */
export class HttpStatusError extends CustomErrorBase {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/** The content types each method with a body takes; PATCH is a JSON merge patch either way. */
const BODY_TYPES: Record<string, string[]> = {
  POST: ['application/json'],
  PUT: ['application/json'],
  PATCH: ['application/json', 'application/merge-patch+json'],
};

/** Any JSON value: a body that is JSON but not an object is the schemas' to refuse, by field. */
const parseJson = express.json({
  type: () => true,
  limit: MAX_BODY,
  strict: false,
});

/**
 * Parses JSON bodies of POST, PUT and PATCH: another content type (or none) is a 415, a body that is
 * not JSON a 400 and one over {@link MAX_BODY} a 413, each with a message of its own that never
 * echoes the body (body-parser's errors carry it).
 */
export function jsonBody(): express.RequestHandler {
  return (req, res, next) => {
    const types = BODY_TYPES[req.method];
    if (!types) {
      next();
      return;
    }
    if (!req.is(types)) {
      next(
        new HttpStatusError(
          415,
          `${req.method} takes a body of type ${types.join(' or ')}`,
        ),
      );
      return;
    }
    parseJson(req, res, error => {
      if (!error) {
        next();
        return;
      }
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        next(new HttpStatusError(413, `the request body is over ${MAX_BODY}`));
      } else if (
        type === 'encoding.unsupported' ||
        type === 'charset.unsupported'
      ) {
        next(
          new HttpStatusError(
            415,
            'the request body must be JSON in UTF-8, uncompressed',
          ),
        );
      } else {
        next(
          new KarsInputError([
            { field: 'body', rule: 'json', message: 'is not valid JSON' },
          ]),
        );
      }
    });
  };
}

/**
 * Whether a write is a dry run: `?dryRun=true` or Kubernetes' `?dryRun=All`. Any other value, or
 * the parameter given twice, is a 400, so that a dry run never turns into a real write.
 */
export function dryRunOf(req: express.Request): boolean {
  const value = req.query.dryRun;
  if (value === undefined) return false;
  if (value === 'true' || value === 'All') return true;
  throw new KarsInputError([
    { field: 'dryRun', rule: 'dry-run-value', message: 'must be true or All' },
  ]);
}

/** Refuses query parameters a route does not take, without echoing their names. */
export function onlyQuery(req: express.Request, allowed: string[]) {
  if (Object.keys(req.query).some(k => !allowed.includes(k))) {
    throw new KarsInputError([
      {
        field: 'query',
        rule: 'known-parameters',
        message: allowed.length
          ? `may hold only ${allowed.join(', ')}`
          : 'must be empty',
      },
    ]);
  }
}

/**
 * Refuses a query parameter given twice or as a structure (`limit[]=1`, `a[b]=c`): every parameter
 * the API takes is one plain value, and a schema coercing `['1']` to 1 would take it otherwise.
 * The parameter is named only when its name is a plain word, so nothing odd is echoed.
 */
export function plainQuery(): express.RequestHandler {
  return (req, _res, next) => {
    const odd = Object.entries(req.query).find(
      ([, value]) => typeof value !== 'string',
    );
    if (!odd) {
      next();
      return;
    }
    const [name] = odd;
    next(
      new KarsInputError([
        {
          field: /^[A-Za-z]{1,40}$/.test(name) ? `query.${name}` : 'query',
          rule: 'single-value',
          message: 'must be given once, as a plain value',
        },
      ]),
    );
  };
}

/** The last handler of the API: a 404 that says no route matched, echoing nothing of the request. */
export function noSuchRoute(): express.RequestHandler {
  return (_req, _res, next) => {
    next(
      new NotFoundError(
        'not found: the kars API has no route for this method and path',
      ),
    );
  };
}
