import { Auth } from './http';

/**
 * The permission matrix: every mutating route and its dry run, for each kind of caller. The guest
 * (user:default/guest, of team-a) owns one target and not the other; the service token is no owner
 * of anything; anonymous and bad-token callers are nobody.
 */

export const PRINCIPALS = [
  'owner',
  'other team',
  'no token',
  'bad token',
  'service',
] as const;
export type Principal = (typeof PRINCIPALS)[number];

export const OPERATIONS = [
  'POST create',
  'POST existing name + credentials',
  'PATCH',
  'PUT credentials',
  'DELETE',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What a cell must answer: these statuses, and whether the cluster must change. */
export interface Expectation {
  statuses: number[];
  writes: boolean;
  why: string;
}

/**
 * The policy (packages/backend/src/karsPermissionPolicy.ts, docs/DESIGN.md): anyone signed in, user
 * or service, may create a sandbox (a service must name its owner); only its owners (and the admins)
 * may change it, rotate its credentials or delete it; a create with an existing name and credentials
 * needs the credentials permission on that sandbox, or is a 409 (issue 15). Dry runs answer as the
 * real call would and write nothing.
 */
export function expectation(
  op: Operation,
  principal: Principal,
  dryRun: boolean,
): Expectation {
  if (principal === 'no token' || principal === 'bad token') {
    return { statuses: [401], writes: false, why: 'not signed in' };
  }
  const ok = (status: number, why: string): Expectation => ({
    statuses: [dryRun ? 200 : status],
    writes: !dryRun,
    why,
  });
  if (op === 'POST create') {
    return ok(201, 'anyone signed in may create a sandbox');
  }
  if (principal !== 'owner') {
    return op === 'POST existing name + credentials'
      ? {
          statuses: [403, 409],
          writes: false,
          why: 'not an owner: no credentials permission on the sandbox',
        }
      : { statuses: [403], writes: false, why: 'not an owner' };
  }
  if (op === 'POST existing name + credentials') {
    return dryRun
      ? { statuses: [200, 409], writes: false, why: 'owner; a dry run' }
      : {
          statuses: [200, 409],
          writes: true,
          why: 'owner: credentials set (200) or a conflict (409)',
        };
  }
  if (op === 'DELETE') return ok(202, 'owner');
  return ok(200, 'owner');
}

/** The outcome of one cell. */
export interface CellResult {
  op: Operation;
  principal: Principal;
  dryRun: boolean;
  target: string;
  status: number;
  writes: string[];
  expected: Expectation;
  ok: boolean;
  /** What the answer said, when the cell is not as expected. */
  answer: string;
}

/** Whether a cell's answer and the cluster's change are as expected. A 409 of an owner writes nothing. */
export function cellOk(
  expected: Expectation,
  status: number,
  writes: number,
): boolean {
  if (!expected.statuses.includes(status)) return false;
  if (!expected.writes || status === 409) return writes === 0;
  return writes > 0;
}

/** The matrix as a table: a row per operation and dry run, a column per caller. */
export function formatMatrix(results: CellResult[]): string {
  const rows = OPERATIONS.flatMap(op =>
    [false, true].map(dryRun => ({ op, dryRun })),
  );
  const label = (r: { op: string; dryRun: boolean }) =>
    `${r.op}${r.dryRun ? ' ?dryRun=true' : ''}`;
  const width = Math.max(...rows.map(r => label(r).length));
  const cellText = (c?: CellResult) =>
    c
      ? `${c.status} ${c.writes.length ? `${c.writes.length}w` : '0w'} ${
          c.ok ? 'ok' : 'FAIL'
        }`
      : '-';
  const colWidth = 16;
  const header = `${''.padEnd(width)}  ${PRINCIPALS.map(p =>
    p.padEnd(colWidth),
  ).join('')}`;
  const lines = rows.map(
    r =>
      `${label(r).padEnd(width)}  ${PRINCIPALS.map(p =>
        cellText(
          results.find(
            c => c.op === r.op && c.dryRun === r.dryRun && c.principal === p,
          ),
        ).padEnd(colWidth),
      ).join('')}`,
  );
  return [header, ...lines].join('\n');
}

/** Who each caller is, and which sandbox the matrix changes as that caller. */
export function principalSetup(
  principal: Principal,
  own: string,
  foreign: string,
): { auth: Auth; target: string } {
  switch (principal) {
    case 'owner':
      return { auth: { kind: 'guest' }, target: own };
    case 'other team':
      return { auth: { kind: 'guest' }, target: foreign };
    case 'no token':
      return { auth: { kind: 'none' }, target: own };
    case 'bad token':
      return {
        auth: {
          kind: 'raw',
          header:
            'Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6ImFjY2VwdGFuY2UifQ.eyJzdWIiOiJ1c2VyOmRlZmF1bHQvZ3Vlc3QifQ.c2lnbmF0dXJl',
        },
        target: own,
      };
    default:
      return { auth: { kind: 'service' }, target: own };
  }
}
