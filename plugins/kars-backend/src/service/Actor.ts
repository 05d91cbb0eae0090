import { Request } from 'express';

/** Who is acting: their entity ref, for owners and the audit trail. */
export interface Actor {
  /** A user's entity ref, or `service:<subject>` for a service caller. */
  userEntityRef: string;
  /** Whether a user or a service (another plugin, an external caller) is acting. */
  type: 'user' | 'service';
  /**
   * The HTTP request that acts, if any: Backstage's auditor reads the caller, IP and route from it.
   * The backend acting on its own (the demo tenants) has none.
   */
  request?: Request;
}
