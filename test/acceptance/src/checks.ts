/** One judged rule on one subject (a tenant, the cluster, a route). */
export interface Check {
  subject: string;
  rule: string;
  ok: boolean;
  /** What was seen when the rule does not hold. */
  detail: string;
}

const seen = (detail: string | (() => string)) =>
  typeof detail === 'function' ? detail() : detail;

/** Collects checks; a failing one keeps what was seen. */
export class CheckList {
  readonly checks: Check[] = [];

  constructor(private readonly subject: string) {}

  add(rule: string, ok: boolean, detail: string | (() => string) = '') {
    this.checks.push({
      subject: this.subject,
      rule,
      ok,
      detail: ok ? '' : seen(detail),
    });
    return ok;
  }

  /** A rule that holds when `problems` is empty; the problems are what was seen. */
  none(rule: string, problems: string[]) {
    return this.add(rule, problems.length === 0, () => problems.join('; '));
  }
}

/** The failing checks of a list. */
export const failing = (checks: Check[]) => checks.filter(c => !c.ok);
