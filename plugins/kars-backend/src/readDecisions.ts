import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { QueryPermissionResponse } from '@backstage/plugin-permission-common';
import { karsSandboxReadPermission } from '@kars-portal/plugin-kars-common';

/** How long a caller's read decision is kept: as long as Backstage keeps a token's user info. */
const TTL_MS = 5_000;

/**
 * The conditional decision on reading sandboxes (what `GET /sandboxes` filters by), kept per
 * caller token for a few seconds, as Backstage's user info service keeps a token's ownership
 * claims (which the policy decides from): a client listing often asks the permission backend
 * once in that time instead of on every request. Authentication is not kept: the route checks the
 * credentials first, every time. A decision that failed is not kept.
 */
export class ReadDecisions {
  private readonly entries = new Map<
    string,
    { expiresAt: number; decision: Promise<QueryPermissionResponse> }
  >();
  private lastSweep: number;

  constructor(
    private readonly permissions: PermissionsService,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.lastSweep = this.now();
  }

  /**
   * The decision for these credentials; `token` is the bearer token they were read from (none:
   * asked every time). Kept under the principal and the token together.
   */
  decide(
    credentials: BackstageCredentials,
    principal: string,
    token: string | undefined,
  ): Promise<QueryPermissionResponse> {
    const ask = async () =>
      (
        await this.permissions.authorizeConditional(
          [{ permission: karsSandboxReadPermission }],
          { credentials },
        )
      )[0];
    if (!token) return ask();
    const now = this.now();
    this.sweep(now);
    const key = `${principal}\n${token}`;
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt > now) return kept.decision;
    const decision = ask();
    const entry = { expiresAt: now + (this.options.ttlMs ?? TTL_MS), decision };
    this.entries.set(key, entry);
    decision.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return decision;
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /** Drops expired decisions, at most once per lifetime of a decision. */
  private sweep(now: number) {
    if (now - this.lastSweep < (this.options.ttlMs ?? TTL_MS)) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
