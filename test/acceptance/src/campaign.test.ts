import {
  createSandboxRequestSchema,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { CampaignContext, generateCampaign, judge, ROUTES } from './campaign';

const ctx: CampaignContext = {
  target: 'acc-cmp',
  targetSpec: sandboxSpecSchema.parse({
    tokenBudget: {
      perRequestTokens: 100,
      dailyTokens: 1000,
      monthlyTokens: 10000,
    },
  }),
  deleteTarget: 'acc-cmp-del',
  existing: ['tenant-a'],
  serviceToken: 'static-token-for-tests',
  secret: 'acc-campaign-secret-0123456789abcdef',
};

describe('generateCampaign', () => {
  const cases = generateCampaign(ctx, 15, 10_000);

  it('is the same for the same seed, and at least as long as asked', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10_000);
    const again = generateCampaign(ctx, 15, 10_000);
    expect(again.map(c => c.request.path)).toEqual(
      cases.map(c => c.request.path),
    );
    expect(
      generateCampaign(ctx, 16, 10_000).map(c => c.request.path),
    ).not.toEqual(cases.map(c => c.request.path));
  });

  it('covers every route, and sends only to the kars API on this machine', () => {
    expect(new Set(cases.map(c => c.route))).toEqual(
      new Set(Object.values(ROUTES)),
    );
    expect(cases.every(c => c.request.path.startsWith('/api/kars/'))).toBe(
      true,
    );
    expect(
      cases
        .filter(c => c.request.method === 'GET')
        .every(c => c.request.body === undefined),
    ).toBe(true);
  });

  it('sends only create bodies the shared schema refuses, except the cluster rules it names', () => {
    const creates = cases.filter(
      c =>
        c.route === ROUTES.create &&
        ['body field', 'generated body'].includes(c.category),
    );
    expect(creates.length).toBeGreaterThan(1000);
    const accepted = creates.filter(
      c =>
        createSandboxRequestSchema.safeParse(JSON.parse(String(c.request.body)))
          .success,
    );
    expect(accepted.map(c => c.names.source).sort()).toEqual(
      [
        'cluster',
        'spec\\.contentSafety\\.hate',
        'spec\\.contentSafety\\.selfHarm',
        'spec\\.contentSafety\\.sexual',
        'spec\\.contentSafety\\.violence',
      ].sort(),
    );
  });
});

describe('judge', () => {
  const c = generateCampaign(ctx, 15, 0).find(
    x => x.route === ROUTES.validate && x.names.source === 'spec\\.model',
  )!;

  it('takes a 200 valid:false naming the field as the refusal of /validate', () => {
    const verdict = judge(c, {
      status: 200,
      text: '',
      contentType: 'application/json',
      json: {
        valid: false,
        issues: [
          { field: 'spec.model', rule: 'model-name', message: 'must be …' },
        ],
      },
    });
    expect(verdict).toMatchObject({ refused: true, named: true, echoed: [] });
  });

  it('finds a 4xx that does not name the field, and request data echoed back', () => {
    const text = JSON.stringify({
      error: { name: 'SyntaxError', message: 'Unexpected token' },
      body: ctx.secret,
    });
    const verdict = judge(
      { ...c, route: ROUTES.create, echo: [ctx.secret] },
      { status: 400, text, json: JSON.parse(text), contentType: '' },
    );
    expect(verdict).toMatchObject({
      refused: true,
      named: false,
      echoed: [ctx.secret],
    });
  });
});
