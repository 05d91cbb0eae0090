import { IncomingMessage } from 'node:http';
import { ObjectStore } from '../storage/store';
import { Attributes, requestAttributes } from './attributes';
import { Authenticator } from './authenticate';
import { Authorizer, forbiddenError } from './authorizer';
import { EscalationCheck } from './escalation';
import { Impersonation } from './impersonation';
import { RbacAuthorizer } from './rbac';
import { ServiceAccountTokens } from './tokens';

/** Who may do what on the emulator: authentication, impersonation, RBAC and its checks on writes. */
export class ApiAuth {
  readonly tokens: ServiceAccountTokens;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  readonly impersonation: Impersonation;
  readonly escalation: EscalationCheck;

  constructor(store: ObjectStore, adminToken: string, adminName: string) {
    this.tokens = new ServiceAccountTokens(store);
    this.authenticator = new Authenticator(adminToken, adminName, this.tokens);
    this.authorizer = new Authorizer(new RbacAuthorizer(store));
    this.impersonation = new Impersonation(this.authorizer);
    this.escalation = new EscalationCheck(this.authorizer);
  }

  /**
   * The attributes of a request once its user is known: authenticated (401 for a bad token),
   * impersonated when asked and allowed, and authorized (403 otherwise), in kube-apiserver's order.
   */
  admit(
    req: IncomingMessage,
    path: string,
    query: URLSearchParams,
  ): Attributes {
    const user = this.authenticator.authenticate(req.headers);
    const requested = requestAttributes(user, req.method ?? 'GET', path, query);
    const acting = this.impersonation.resolve(req.headers, requested);
    const attrs = acting ? { ...requested, user: acting } : requested;
    const decision = this.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    return attrs;
  }
}
