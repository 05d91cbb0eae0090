import { checkContentSafetyFloor, severityOrdinal } from './contentSafety';
import { contentSafetySchema, Severity } from './spec';

const policy = (overrides: Record<string, unknown>) =>
  contentSafetySchema.parse(overrides);

describe('severity ordering', () => {
  it('orders Safe < Low < Medium < High, lower is stricter', () => {
    expect(
      (['Safe', 'Low', 'Medium', 'High'] as Severity[]).map(severityOrdinal),
    ).toEqual([0, 1, 2, 3]);
  });
});

describe('content-safety floor', () => {
  const medium = { floor: 'Medium' as Severity, production: false };

  it.each(['Safe', 'Low', 'Medium'])(
    'floor Medium accepts %s in every category',
    severity => {
      const cs = policy({
        hate: severity,
        selfHarm: severity,
        sexual: severity,
        violence: severity,
      });
      expect(checkContentSafetyFloor(cs, medium)).toEqual([]);
    },
  );

  it.each(['hate', 'selfHarm', 'sexual', 'violence'])(
    'floor Medium rejects High in %s, naming the field and the rule',
    category => {
      const issues = checkContentSafetyFloor(
        policy({ [category]: 'High' }),
        medium,
      );
      expect(issues).toEqual([
        expect.objectContaining({
          field: `spec.contentSafety.${category}`,
          rule: 'content-safety-floor',
        }),
      ]);
    },
  );

  it('devOnly allows High', () => {
    expect(
      checkContentSafetyFloor(policy({ hate: 'High', devOnly: true }), medium),
    ).toEqual([]);
  });

  it('devOnly in a production namespace is rejected', () => {
    expect(
      checkContentSafetyFloor(policy({ devOnly: true }), {
        floor: 'Medium',
        production: true,
      }),
    ).toEqual([
      expect.objectContaining({
        field: 'spec.contentSafety.devOnly',
        rule: 'dev-only-not-in-production',
      }),
    ]);
  });

  it('floor Low rejects Medium and accepts Low and Safe', () => {
    const low = { floor: 'Low' as Severity, production: false };
    expect(
      checkContentSafetyFloor(policy({ hate: 'Medium' }), low),
    ).toHaveLength(4);
    expect(
      checkContentSafetyFloor(
        policy({
          hate: 'Low',
          selfHarm: 'Safe',
          sexual: 'Low',
          violence: 'Low',
        }),
        low,
      ),
    ).toEqual([]);
  });

  it('floor High accepts High', () => {
    expect(
      checkContentSafetyFloor(policy({ violence: 'High' }), {
        floor: 'High',
        production: true,
      }),
    ).toEqual([]);
  });
});
