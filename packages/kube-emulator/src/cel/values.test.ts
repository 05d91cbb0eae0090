import { compileCel } from './environment';
import { toCel, toCelTyped } from './values';

describe('CEL values', () => {
  // Objects the server stores go through structuredClone, whose arrays (under jest) come from
  // another realm; the backend's RoleBindings hit this through kars-portal-secret-access.
  it('evaluates lists that come from structuredClone', () => {
    const program = compileCel(
      'admission',
      'size(object.subjects) == 1 && object.subjects.all(s, s.kind == "ServiceAccount")',
    );
    const object = structuredClone({ subjects: [{ kind: 'ServiceAccount' }] });
    expect(program.evaluate({ object: toCel(object) })).toBe(true);
    expect(
      compileCel('crd', 'self.all(x, x > 0)').evaluate({
        self: toCelTyped(structuredClone([1, 2]), {
          type: 'array',
          items: { type: 'integer' },
        }),
      }),
    ).toBe(true);
  });
});
