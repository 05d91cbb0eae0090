import { validateWith } from '../validation';
import {
  auditPageSchema,
  listAuditQuerySchema,
  listSandboxesQuerySchema,
} from './contract';

const issues = (query: unknown) => {
  const result = validateWith(listAuditQuerySchema, query, 'query');
  return result.success ? [] : result.issues.map(i => [i.field, i.rule]);
};

describe('the audit route contract', () => {
  it('takes the filters and paging of GET /audit, with a default page size', () => {
    expect(listAuditQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(
      listAuditQuerySchema.parse({
        limit: '20',
        cursor: '41',
        sandbox: 'tenant-d',
        actor: 'user:default/ops',
        action: 'credentials.update',
        outcome: 'denied',
        since: '2026-11-29T10:00:00+01:00',
      }),
    ).toEqual({
      limit: 20,
      cursor: '41',
      sandbox: 'tenant-d',
      actor: 'user:default/ops',
      action: 'credentials.update',
      outcome: 'denied',
      since: '2026-11-29T10:00:00+01:00',
    });
  });

  it.each([
    [{ limit: '0' }, 'query.limit', 'minimum'],
    [{ limit: '501' }, 'query.limit', 'maximum'],
    [{ limit: 'ten' }, 'query.limit', 'type-number'],
    [{ limit: ['1', '2'] }, 'query.limit', 'type-number'],
    [{ cursor: '0' }, 'query.cursor', 'pattern'],
    [{ cursor: "1' OR 1=1" }, 'query.cursor', 'pattern'],
    [{ sandbox: '' }, 'query.sandbox', 'required'],
    [{ sandbox: ['a', 'b'] }, 'query.sandbox', 'type-string'],
    [{ actor: 'x'.repeat(256) }, 'query.actor', 'max-length'],
    [{ action: 'drop' }, 'query.action', 'one-of'],
    [{ outcome: 'ok' }, 'query.outcome', 'one-of'],
    [{ since: 'yesterday' }, 'query.since', 'format-datetime'],
    [{ since: '2026-11-29' }, 'query.since', 'format-datetime'],
    [{ order: 'asc' }, 'query.order', 'unknown-field'],
  ])('refuses %j naming %s', (query, field, rule) => {
    expect(issues(query)).toEqual([[field, rule]]);
  });

  it('describes a page of events, and refuses an event without its cluster', () => {
    const event = {
      id: '3',
      sandbox: 'tenant-a',
      cluster: 'dev',
      actor: 'service:acceptance',
      action: 'update',
      outcome: 'succeeded',
      at: '2026-11-29T10:00:00.000Z',
      message: 'changed tokenBudget',
    };
    expect(
      auditPageSchema.safeParse({ items: [event], totalCount: 1 }).success,
    ).toBe(true);
    const { cluster: _cluster, ...withoutCluster } = event;
    expect(
      auditPageSchema.safeParse({ items: [withoutCluster], totalCount: 1 })
        .success,
    ).toBe(false);
  });
});

describe('the list route contract', () => {
  const listIssues = (query: unknown) => {
    const result = validateWith(listSandboxesQuerySchema, query, 'query');
    return result.success ? [] : result.issues.map(i => [i.field, i.rule]);
  };

  it('takes an exact name and what to include in each item, once each', () => {
    expect(
      listSandboxesQuerySchema.parse({
        name: 'tenant-a',
        include: 'agentCard,spec,agentCard',
      }),
    ).toMatchObject({ name: 'tenant-a', include: ['agentCard', 'spec'] });
    expect(listSandboxesQuerySchema.parse({}).include).toBeUndefined();
  });

  it.each([
    [{ include: 'status' }, 'query.include', 'one-of'],
    [{ include: 'spec,' }, 'query.include', 'one-of'],
    [{ include: ['spec', 'agentCard'] }, 'query.include', 'type-string'],
    [{ name: '' }, 'query.name', 'required'],
    [{ name: 'x'.repeat(64) }, 'query.name', 'max-length'],
  ])('refuses %j naming %s', (query, field, rule) => {
    expect(listIssues(query)).toEqual([[field, rule]]);
  });
});
