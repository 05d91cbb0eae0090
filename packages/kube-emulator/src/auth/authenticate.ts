import { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../api/errors';
import { API_AUDIENCES, ServiceAccountTokens, TokenError } from './tokens';
import {
  ALL_AUTHENTICATED,
  ANONYMOUS_USER,
  PRIVILEGED_GROUP,
  UserInfo,
} from './user';

/** The result of reviewing one token (TokenReview status). */
export type TokenReviewResult =
  | { authenticated: true; user: UserInfo; audiences: string[] }
  | { authenticated: false; error: string };

const INVALID = 'invalid bearer token';

export const unauthorized = () =>
  new ApiError(401, 'Unauthorized', 'Unauthorized');

/**
 * Authentication as kube-apiserver does it with a token file and ServiceAccount tokens: the
 * admin's static token (group system:masters), TokenRequest tokens, anonymous requests when no
 * bearer token is sent, and 401 for a bearer token nobody issued.
 */
export class Authenticator {
  readonly admin: UserInfo;

  constructor(
    private readonly adminToken: string,
    adminName: string,
    readonly tokens: ServiceAccountTokens,
  ) {
    this.admin = {
      username: adminName,
      uid: adminName,
      groups: [PRIVILEGED_GROUP, ALL_AUTHENTICATED],
    };
  }

  /** The user of a token, for the given audiences (TokenReview spec.audiences; default the API's). */
  review(token: string, audiences: string[] = []): TokenReviewResult {
    const wanted = audiences.length ? audiences : API_AUDIENCES;
    if (token === this.adminToken) {
      // Static tokens are audience-agnostic: valid for the API server's own audiences only.
      const accepted = wanted.filter(a => API_AUDIENCES.includes(a));
      if (!accepted.length) return { authenticated: false, error: INVALID };
      return { authenticated: true, user: this.admin, audiences: accepted };
    }
    try {
      const found = this.tokens.authenticate(token, wanted);
      if (found) return { authenticated: true, ...found };
      return { authenticated: false, error: INVALID };
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      return { authenticated: false, error: `[${INVALID}, ${e.message}]` };
    }
  }

  /** The user a request comes from; 401 for a bearer token that does not authenticate. */
  authenticate(headers: IncomingHttpHeaders): UserInfo {
    // bearertoken.Authenticator: anything but "Bearer <token>" is no credential at all.
    const parts = (headers.authorization ?? '').trim().split(' ');
    if (parts.length < 2 || parts[0].toLowerCase() !== 'bearer' || !parts[1])
      return ANONYMOUS_USER;
    const token = parts[1];
    if (token === this.adminToken) return this.admin;
    const result = this.review(token);
    if (!result.authenticated) throw unauthorized();
    return result.user;
  }
}
